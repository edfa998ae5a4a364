"""The kernel's pages and the layout after issue 9 (docs/conventions.md, Performance): the layout's
fixed parts rendered once per process with the person's own header, the logout form's CSRF token
accepted by Django, the public parts of the home, event, structure and indicators pages read from
the cache and fresh after a write, nothing of one person shown to another, at most 6 queries
whatever the data size. Page cache off: every request here renders the page."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import timezone

from pacte.cache import bump_content_version
from pacte.csrf import masked_token
from pacte.enums import MembershipRole
from pacte.models import Commune, Event, Membership, Registration
from pacte.prepared import PreparedQuery
from pacte.services.registrations import registration_create
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.pages import page_query_count as _queries
from tests.pages import page_text as _text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- The layout ---------------------------------------------------------------------------------


def test_the_logout_token_is_accepted_by_django_and_changes_on_every_page():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    first, second = (TOKEN.search(_text(client, "/donnees/")).group(1) for _ in range(2))
    assert first != second  # a new mask each time (BREACH)
    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert len(first) == 64 and _unmask_cipher_token(first) == _unmask_cipher_token(second) == secret
    assert client.post("/comptes/logout/", {}).status_code == 403  # no token: refused
    assert client.post("/comptes/logout/", {"csrfmiddlewaretoken": first}).status_code == 302
    assert "Se connecter" in _text(client, "/donnees/")


def test_the_masked_token_is_djangos_format_and_renews_the_cookie(rf):
    request = rf.get("/")
    request.META["CSRF_COOKIE"] = "a" * 32
    tokens = {masked_token(request) for _ in range(50)}
    assert len(tokens) == 50
    assert all(
        len(token) == 64 and token.isalnum() and _unmask_cipher_token(token) == "a" * 32 for token in tokens
    )
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_page_without_a_form_sets_no_csrf_cookie(client):
    response = client.get("/donnees/")
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.parametrize(
    ("user", "shown", "hidden"),
    [
        (None, ["Se connecter", "Créer un compte"], ["Se déconnecter", "Mon espace", "Administration"]),
        (lambda: UserFactory(), ["Se déconnecter", "Mon espace"], ["Se connecter", "Administration"]),
        (lambda: UserFactory(staff=True), ["Se déconnecter", "Administration"], ["Se connecter"]),
    ],
)
def test_the_header_is_the_persons_own(client, user, shown, hidden):
    _text(client, "/donnees/")  # another state rendered first: the headers are kept per state
    if user:
        client.force_login(user())
    header = _text(client, "/donnees/").split("</header>")[0]
    assert all(text in header for text in shown), header
    assert not any(text in header for text in hidden), header
    assert 'href="#contenu"' in header and 'aria-current="page"' not in header


def test_a_message_is_shown_once(client):
    event = EventFactory()
    client.force_login(UserFactory())
    response = client.post(f"/agenda/{event.slug}/inscription/", follow=True)
    assert "Votre inscription est confirmée" in response.content.decode()
    assert "Votre inscription est confirmée" not in _text(client, f"/agenda/{event.slug}/")


def test_the_csrf_failure_page_has_the_layout(client):
    # Django renders it without a request: the header, its links and the stylesheets still come.
    client = Client(enforce_csrf_checks=True)
    response = client.post("/comptes/logout/", {})
    text = response.content.decode()
    assert response.status_code == 403
    assert 'class="site-header"' in text and "css/base.css" in text and "Se connecter" in text


# --- Event page ---------------------------------------------------------------------------------


def test_the_event_page_shows_the_places_left_right_after_a_registration(client):
    event = EventFactory(capacity=10)
    client.force_login(UserFactory())
    assert "10 sur 10 disponibles" in _text(client, f"/agenda/{event.slug}/")
    registration_create(event=event, user=UserFactory(), by=None)
    text = _text(client, f"/agenda/{event.slug}/")
    assert "9 sur 10 disponibles" in text
    assert Event.objects.get(pk=event.pk).places_left == 9


def test_the_event_page_shows_each_person_their_own_registration_and_buttons(client):
    organiser = OrganisationFactory()
    event = EventFactory(organiser=organiser)
    registered, other = UserFactory(), UserFactory()
    referent = MembershipFactory(organisation=organiser, role=MembershipRole.REFERENT).user
    registration_create(event=event, user=registered, by=registered)
    url = f"/agenda/{event.slug}/"
    client.force_login(registered)
    text = _text(client, url)  # warms the public part
    assert "Vous êtes inscrit·e à cet événement." in text and "Saisir les présences" not in text
    client.force_login(other)
    text = _text(client, url)
    assert "Vous êtes inscrit·e" not in text and "M'inscrire" in text and "Saisir les présences" not in text
    client.force_login(referent)
    assert "Saisir les présences" in _text(client, url)
    client.logout()
    text = _text(client, url)
    assert "Se connecter pour s'inscrire" in text and "M'inscrire</button>" not in text


def test_a_draft_event_is_shown_to_staff_only_and_never_shared(client):
    event = EventFactory(draft=True)
    url = f"/agenda/{event.slug}/"
    client.force_login(UserFactory(staff=True))
    assert "Brouillon" in _text(client, url)
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_a_waitlisted_person_sees_their_position(client):
    event = EventFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    registration_create(event=event, user=first, by=first)
    registration_create(event=event, user=second, by=second)
    client.force_login(second)
    assert "en position 1" in _text(client, f"/agenda/{event.slug}/")


# --- Home, structure, indicators ----------------------------------------------------------------


def test_the_home_page_shows_a_new_event_at_the_next_request_and_the_signup_button_to_visitors(client):
    assert "Créer un compte</a></p>" in _text(client, "/")
    EventFactory(title="Balade des jardins partagés", starts_at=timezone.now() + timedelta(hours=3))
    client.force_login(UserFactory())
    text = _text(client, "/")
    assert "Balade des jardins partagés" in text
    assert 'button-secondary" href="/comptes/signup/"' not in text  # warmed by a visitor, not shown


def test_the_structure_page_shows_the_manage_button_to_its_referents_only(client):
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, role=MembershipRole.REFERENT).user
    member = MembershipFactory(organisation=organisation, role=MembershipRole.MEMBER).user
    url = organisation.get_absolute_url()
    client.force_login(referent)
    assert "Gérer cette structure" in _text(client, url)
    client.force_login(member)
    assert "Gérer cette structure" not in _text(client, url)
    client.force_login(UserFactory(staff=True))
    assert "Gérer cette structure" in _text(client, url)


def test_the_structure_page_shows_a_new_event_at_the_next_request(client):
    organisation = OrganisationFactory()
    url = organisation.get_absolute_url()
    assert "Aucun rendez-vous" in _text(client, url)
    EventFactory(organiser=organisation, title="Troc de graines")
    assert "Troc de graines" in _text(client, url)


def test_the_indicators_page_renews_with_a_snapshot_and_links_the_dashboard_for_readers_only(
    client, django_capture_on_commit_callbacks
):
    from indicators.services import snapshots_compute_month
    from tests.indicators.factories import months_ago, past_event, reader

    before = _text(client, "/indicateurs/")
    assert "Les premiers indicateurs" in before
    month = months_ago(0)
    past_event(month, [UserFactory() for _ in range(6)])
    with django_capture_on_commit_callbacks(execute=True):  # the service bumps the area on commit
        snapshots_compute_month(month=month)
    client.force_login(UserFactory())
    text = _text(client, "/indicateurs/")
    assert "Les premiers indicateurs" not in text and "Tableau de bord complet" not in text
    client.force_login(reader())
    assert "Tableau de bord complet" in _text(client, "/indicateurs/")


# --- Queries --------------------------------------------------------------------------------------


def _grow(organisation, count):
    for _ in range(count):
        event = EventFactory(organiser=organisation)
        for _ in range(3):
            registration_create(event=event, user=UserFactory(), by=None)


@pytest.mark.parametrize("signed_in", [False, True])
def test_kernel_pages_make_at_most_6_queries_whatever_the_data_size(client, signed_in):
    organisation = OrganisationFactory()
    event = EventFactory(organiser=organisation)
    urls = [
        "/",
        "/agenda/",
        f"/agenda/{event.slug}/",
        organisation.get_absolute_url(),
        "/donnees/",
        "/indicateurs/",
    ]
    if signed_in:
        person = UserFactory(home_commune=event.commune)
        registration_create(event=event, user=person, by=person)
        MembershipFactory(organisation=organisation, user=person)
        client.force_login(person)
    few, cold_few = {}, {}
    for url in urls:
        _text(client, url)
        few[url] = _queries(client, url)
    bump_content_version()
    for url in urls:
        cold_few[url] = _queries(client, url)
    _grow(organisation, 12)
    bump_content_version()  # every area, the indicators' too
    for url in urls:
        cold = _queries(client, url)
        warm = _queries(client, url)
        assert warm <= 6 and warm == few[url], (url, few[url], warm)
        # Built again after a write, the page makes as many queries with more data.
        assert cold == cold_few[url], (url, cold_few[url], cold)
    # Warm: nothing but the session when it is not in the cache. The user and the person's own
    # state (their home commune on the agenda, their registration and a référent check on the
    # event page, a référent check on the structure page) come from the cache too.
    person = (0 if "cache" in settings.SESSION_ENGINE else 1) if signed_in else 0
    assert few == dict.fromkeys(urls, person)


# --- PreparedQuery ----------------------------------------------------------------------------------


def test_a_prepared_query_gives_what_the_queryset_gives():
    event = EventFactory()
    person = UserFactory()
    registration_create(event=event, user=person, by=person)
    prepared = PreparedQuery(
        lambda event_id, user_id: Registration.objects.active().filter(event_id=event_id, user_id=user_id),
        event_id=int,
        user_id=int,
    )
    found = prepared.first(event_id=event.pk, user_id=person.pk)
    expected = Registration.objects.get(event=event, user=person)
    assert found == expected and found.status == expected.status and found.created_at == expected.created_at
    assert found._state.adding is False and found._state.db == "default"
    assert prepared.first(event_id=event.pk, user_id=UserFactory().pk) is None
    other = PreparedQuery(
        lambda organisation_id: Membership.objects.filter(organisation_id=organisation_id),
        organisation_id=int,
    )
    assert other.instances(organisation_id=OrganisationFactory().pk) == []


def test_a_prepared_query_refuses_what_it_cannot_rebuild():
    with pytest.raises(ValueError, match="modèle seul"):
        PreparedQuery(lambda pk: Registration.objects.select_related("event").filter(pk=pk), pk=int).first(
            pk=1
        )
    with pytest.raises(ValueError, match="n'arrive pas tel quel"):
        PreparedQuery(lambda name: Commune.objects.filter(name__icontains=name).values("pk"), name=str).rows(
            name="r"
        )
    with pytest.raises(TypeError):
        PreparedQuery(lambda pk: Commune.objects.filter(pk=pk).values("pk"), pk=int).instances(pk=1)


def test_a_prepared_values_query_gives_the_dicts_of_values():
    prepared = PreparedQuery(
        lambda slug: Commune.objects.filter(slug=slug).values("pk", "name", "slug"), slug=str
    )
    assert prepared.rows(slug="rouen") == list(
        Commune.objects.filter(slug="rouen").values("pk", "name", "slug")
    )
    assert prepared.rows(slug="nulle-part") == []


def test_every_area_has_one_version_that_changes_with_each_area():
    from pacte.cache import all_areas, area_versions, bump

    (before,) = area_versions()
    for area in all_areas():
        bump(area)
        (after,) = area_versions()
        assert after != before, area
        before = after
    bump()  # nothing named: nothing changes
    assert area_versions() == (before,)
