"""The public pages rendered as `{% public_fragment %}` (docs/conventions.md, Performance): a
second render reads the fragment and runs no query for it, a write through the service shows at
the next request, and nothing personal (another person's state, staff's drafts) ever reaches a
fragment that others are served. Page cache off: every request here renders the page."""

import pytest

from pacte.enums import MembershipRole
from pacte.models import Membership
from tests.factories import UserFactory, commune
from tests.pages import page_query_count as _queries
from tests.pages import page_text as _text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.mark.parametrize(
    "url", ["/associations/", "/communes/", "/communes/actions/", "/lettre/fiches/", "/clubs/"]
)
def test_a_warm_fragment_reads_no_data(client, url):
    _text(client, url)
    # Anonymous, the page cache off: only the fragment's cache read is left, no query at all.
    assert _queries(client, url) == 0
    # An unknown parameter (the bench's cache buster) reuses the same fragment.
    assert _queries(client, f"{url}?_inconnu=1") == 0


def test_directory_shows_a_new_association_at_the_next_request(client):
    from tests.associations.factories import labelled_association

    labelled_association(name="Les Amis du Robec")
    assert "Les Amis du Robec" in _text(client, "/associations/")
    labelled_association(name="Vélo Seine Solidaire")
    text = _text(client, "/associations/")
    assert "Les Amis du Robec" in text and "Vélo Seine Solidaire" in text


def test_action_published_by_staff_shows_on_the_list_and_the_map(client):
    from communes.services.actions import action_publish
    from tests.communes.factories import ActionFactory

    ActionFactory(title="Extinction nocturne")
    pending = ActionFactory(pending=True, title="Cantine sans plastique")
    assert "Cantine sans plastique" not in _text(client, "/communes/actions/")
    before = _text(client, "/communes/")
    action_publish(action=pending, by=UserFactory(staff=True))
    assert "Cantine sans plastique" in _text(client, "/communes/actions/")
    assert _text(client, "/communes/") != before  # the totals and the map count it


def test_map_button_for_those_who_act_for_a_commune_only(client):
    from tests.communes.factories import referent

    client.force_login(referent("darnetal"))
    assert "Publier une action" in _text(client, "/communes/")
    client.force_login(UserFactory())
    assert "Publier une action" not in _text(client, "/communes/")


def test_club_list_member_count_follows_a_join(client):
    from tests.clubs.factories import ClubFactory, member

    club = ClubFactory()
    assert "0 membre" in _text(client, "/clubs/")
    member(club)
    member(club)
    assert "2 membres" in _text(client, "/clubs/")


def test_club_list_home_commune_is_never_shown_to_another_person(client):
    from tests.clubs.factories import ClubFactory

    ClubFactory(organisation__commune=commune("rouen"))
    client.force_login(UserFactory(home_commune=commune("rouen")))
    assert "La liste s'ouvre sur votre commune, Rouen" in _text(client, "/clubs/")
    client.force_login(UserFactory(home_commune=None))
    assert "votre commune" not in _text(client, "/clubs/")
    client.logout()
    assert "votre commune" not in _text(client, "/clubs/")


def test_staff_list_of_clubs_and_sheets_never_shared(client):
    from newsletter.services.sheets import sheet_publish
    from tests.clubs.factories import ClubFactory
    from tests.newsletter.factories import SheetFactory, editor

    ClubFactory(organisation__name="Club en sommeil", organisation__is_active=False)
    sheet = SheetFactory(review=True, title="Fiche en relecture")
    staff = editor()
    client.force_login(staff)
    assert "Club en sommeil" in _text(client, "/clubs/")
    assert "Fiche en relecture" in _text(client, "/lettre/fiches/")
    client.force_login(UserFactory())
    assert "Club en sommeil" not in _text(client, "/clubs/")
    assert "Fiche en relecture" not in _text(client, "/lettre/fiches/")
    sheet_publish(sheet=sheet, by=staff)
    assert "Fiche en relecture" in _text(client, "/lettre/fiches/")


def test_letter_home_shows_each_person_their_own_subscription(client):
    from tests.newsletter.factories import SheetFactory, SubscriberFactory

    subscribed = UserFactory(email="abonnee@example.org")
    SubscriberFactory(email="abonnee@example.org")
    client.force_login(subscribed)
    assert "Vous êtes abonné·e avec l'adresse abonnee@example.org" in _text(client, "/lettre/")
    other = UserFactory(email="autre@example.org")
    client.force_login(other)
    text = _text(client, "/lettre/")
    assert "abonnee@example.org" not in text
    assert "autre@example.org" in text and "csrfmiddlewaretoken" in text
    assert 'name="email"' in text  # the shared subscription form
    client.logout()
    text = _text(client, "/lettre/")
    assert "autre@example.org" not in text and "csrfmiddlewaretoken" not in text
    SheetFactory(title="Une fiche toute neuve")
    assert "Une fiche toute neuve" in _text(client, "/lettre/")


def test_club_list_as_club_referent_has_no_management_state(client):
    """A référent's render is everyone's: the list has no per-person buttons."""
    from tests.clubs.factories import ClubFactory, animator

    club = ClubFactory()
    person = animator(club)
    assert Membership.objects.get(user=person).role == MembershipRole.REFERENT
    client.force_login(person)
    mine = _text(client, "/clubs/")
    client.logout()
    assert _text(client, "/clubs/").count(club.organisation.name) == mine.count(club.organisation.name)


def test_agenda_registration_renders_that_card_only(client):
    from django.core.cache import cache

    from pacte.services.registrations import registration_create
    from pacte.templatetags import pacte_tags
    from tests.factories import EventFactory

    busy = EventFactory(title="Atelier très demandé", capacity=10)
    EventFactory(title="Atelier tranquille", capacity=10)
    assert "10 places restantes" in _text(client, "/agenda/")
    assert _queries(client, "/agenda/") == 0  # warm: the whole list is one fragment

    rendered = []
    real = pacte_tags.loader.get_template

    def spy(name, **kwargs):
        template = real(name, **kwargs)
        render = template.render

        def counting(context=None, request=None):
            if "event" in (context or {}):
                rendered.append(context["event"].title)
            return render(context, request)

        template.render = counting
        return template

    registration_create(event=busy, user=UserFactory())
    pacte_tags.loader.get_template = spy
    try:
        text = _text(client, "/agenda/")
    finally:
        pacte_tags.loader.get_template = real
    assert "9 places restantes" in text and "10 places restantes" in text
    assert rendered == ["Atelier très demandé"]
    assert cache.get(pacte_tags._event_card_key(busy)) is None  # the old card's key is not its key


def test_agenda_home_commune_never_shared(client):
    from tests.factories import EventFactory

    EventFactory(commune=commune("rouen"))
    client.force_login(UserFactory(home_commune=commune("rouen")))
    assert "s'ouvre sur votre commune, Rouen" in _text(client, "/agenda/")
    client.force_login(UserFactory(home_commune=None))
    assert "votre commune" not in _text(client, "/agenda/")


def test_club_page_shows_a_join_and_keeps_the_person_s_state_out(client):
    from tests.clubs.factories import ClubFactory, member

    club = ClubFactory()
    url = club.get_absolute_url()
    insider = member(club)
    client.force_login(insider)
    assert "Vous êtes membre de ce club" in _text(client, url)
    assert "1 membre" in _text(client, url)
    client.force_login(UserFactory())
    text = _text(client, url)
    assert "Vous êtes membre" not in text and "Rejoindre le club" in text
    assert "Partager une pratique" not in text
    member(club)
    assert "2 membres" in _text(client, url)
    client.logout()
    text = _text(client, url)
    assert "Rejoindre le club" not in text and "csrfmiddlewaretoken" not in text


def test_commune_page_follows_a_publication_and_keeps_the_button_personal(client):
    from communes.services.actions import action_publish
    from tests.communes.factories import ActionFactory, referent

    pending = ActionFactory(pending=True, title="Nuit noire à Darnétal")
    client.force_login(referent("darnetal"))
    assert "Espace de la commune" in _text(client, "/communes/darnetal/")
    assert "Nuit noire à Darnétal" not in _text(client, "/communes/darnetal/")
    action_publish(action=pending, by=UserFactory(staff=True))
    client.force_login(UserFactory())
    text = _text(client, "/communes/darnetal/")
    assert "Nuit noire à Darnétal" in text and "Espace de la commune" not in text


def test_structure_page_follows_an_event_and_keeps_the_manage_button_personal(client):
    from tests.factories import EventFactory, OrganisationFactory

    organisation = OrganisationFactory()
    manager = UserFactory()
    Membership.objects.create(user=manager, organisation=organisation, role=MembershipRole.REFERENT)
    url = f"/structures/{organisation.slug}/"
    client.force_login(manager)
    assert "Gérer cette structure" in _text(client, url)
    EventFactory(organiser=organisation, title="Portes ouvertes du jardin")
    client.force_login(UserFactory())
    text = _text(client, url)
    assert "Portes ouvertes du jardin" in text and "Gérer cette structure" not in text


def test_fr_plural_reads_a_lazy_count():
    from django.utils.functional import SimpleLazyObject

    from pacte.templatetags.pacte_tags import fr_plural

    assert fr_plural(SimpleLazyObject(lambda: 2)) == "s"
    assert fr_plural(SimpleLazyObject(lambda: 1)) == ""


def test_sheet_page_read_from_the_public_context_follows_a_change(client):
    from newsletter.services.sheets import sheet_return_to_draft
    from tests.newsletter.factories import SheetFactory, editor

    sheet = SheetFactory(title="Fiche du mois")
    url = f"/lettre/fiches/{sheet.slug}/"
    assert "Fiche du mois" in _text(client, url)
    assert _queries(client, url) == 0
    sheet_return_to_draft(sheet=sheet, by=editor(), reason="À reprendre.")
    assert client.get(url).status_code == 404
