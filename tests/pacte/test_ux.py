"""The usability fixes: home commune first, French order of communes, events' public, past and
full events, cancellation with confirmation, calendar subscription, error titles, home page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.collation import sort_key
from pacte.enums import EventAudience, PublicCategory
from pacte.models import AuditEntry, Commune, Registration
from pacte.services.errors import RefusedError
from pacte.services.registrations import registration_create
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory, UserFactory, commune
from tests.pacte.test_html_validity import assert_valid

pytestmark = pytest.mark.django_db


# --- Communes in French order -----------------------------------------------------------------


def test_communes_sort_in_french_order():
    names = list(Commune.objects.values_list("name", flat=True))
    assert names == sorted(names, key=sort_key)
    epinay = names.index("Épinay-sur-Duclair")
    assert names[epinay - 1].startswith(("E", "É")) and names.index("Yainville") > epinay
    assert names[-1] == "Ymare" or names[-1].startswith("Y")


def test_sort_key_ignores_accents_case_ligatures_and_hyphens():
    assert sort_key("Épinay") == "epinay"
    assert sort_key("Œuvre") == "oeuvre"
    assert sort_key("Saint-Aubin") == sort_key("saint aubin")


def test_saving_a_commune_keeps_its_sort_name():
    rouen = commune("rouen")
    rouen.name = "Éveux"
    rouen.save(update_fields=["name"])
    rouen.refresh_from_db()
    assert rouen.sort_name == "eveux"


def test_commune_selects_can_be_typed_into(client):
    client.force_login(UserFactory())
    body = client.get("/mon-espace/").content.decode()
    assert 'data-combobox=""' in body or "data-combobox " in body or "data-combobox>" in body
    body = client.get("/agenda/").content.decode()
    assert "data-combobox" in body
    assert '<script src="/static/js/pacte.js" defer></script>' in body


# --- The home commune opens the lists ---------------------------------------------------------


def test_agenda_opens_on_the_home_commune_with_a_switch(client):
    EventFactory(title="Atelier à Rouen", commune=commune("rouen"))
    EventFactory(title="Balade à Darnétal", commune=commune("darnetal"))
    client.force_login(UserFactory(home_commune=commune("rouen")))
    body = client.get("/agenda/").content.decode()
    assert "Atelier à Rouen" in body and "Balade à Darnétal" not in body
    assert "La liste s'ouvre sur votre commune, Rouen." in body
    assert 'href="?commune=">Voir toutes les communes</a>' in body
    body = client.get("/agenda/?commune=").content.decode()
    assert "Atelier à Rouen" in body and "Balade à Darnétal" in body
    # Another choice is the visitor's.
    body = client.get("/agenda/?commune=darnetal").content.decode()
    assert "Balade à Darnétal" in body and "Atelier à Rouen" not in body
    assert "Commune : Darnétal." in body


def test_agenda_for_anonymous_and_people_without_commune_is_not_filtered(client):
    EventFactory(title="Atelier à Rouen", commune=commune("rouen"))
    EventFactory(title="Balade à Darnétal", commune=commune("darnetal"))
    for user in (None, UserFactory(home_commune=None)):
        if user:
            client.force_login(user)
        body = client.get("/agenda/").content.decode()
        assert "Atelier à Rouen" in body and "Balade à Darnétal" in body
        assert "Voir toutes les communes" not in body


def test_agenda_filters_fold_behind_a_filtrer_summary(client):
    body = client.get("/agenda/").content.decode()
    assert '<details class="filters-fold" open>' in body
    assert '<summary><h2 class="h3">Filtrer</h2></summary>' in body


@pytest.mark.skipif("clubs" not in __import__("django.conf").conf.settings.INSTALLED_APPS, reason="clubs")
def test_clubs_list_opens_on_the_home_commune(client):
    from tests.clubs.factories import ClubFactory

    rouen = ClubFactory(organisation__commune=commune("rouen"))
    darnetal = ClubFactory(organisation__commune=commune("darnetal"))
    client.force_login(UserFactory(home_commune=commune("rouen")))
    body = client.get("/clubs/").content.decode()
    assert rouen.organisation.name in body and darnetal.organisation.name not in body
    assert "Voir toutes les communes" in body
    body = client.get("/clubs/?commune=").content.decode()
    assert darnetal.organisation.name in body


@pytest.mark.skipif("clubs" not in __import__("django.conf").conf.settings.INSTALLED_APPS, reason="clubs")
def test_garden_form_opens_on_the_home_commune(client):
    client.force_login(UserFactory(home_commune=commune("darnetal")))
    body = client.get(reverse("clubs:garden_new")).content.decode()
    darnetal = commune("darnetal")
    assert f'<option value="{darnetal.pk}" selected>Darnétal</option>' in body


# --- Calendar subscription ---------------------------------------------------------------------


def test_selection_subscription_is_a_stable_webcal_address(client, settings):
    settings.SITE_URL = "https://pacte.example.fr"
    one = client.get("/agenda/?theme=&commune=rouen&action=clubs&page=1").content.decode()
    two = client.get("/agenda/?action=clubs&commune=rouen").content.decode()
    url = "webcal://pacte.example.fr/agenda/agenda.ics?action=clubs&amp;commune=rouen"
    assert f'href="{url}">Ajouter cette sélection à mon agenda</a>' in one
    assert url in two
    assert 'webcal://pacte.example.fr/agenda/agenda.ics"' in client.get("/agenda/").content.decode()


def test_event_page_offers_ajouter_a_mon_agenda(client):
    event = EventFactory()
    body = client.get(event.get_absolute_url()).content.decode()
    assert ">Ajouter à mon agenda</a>" in body and "iCal" not in body


# --- Events' public ---------------------------------------------------------------------------


def test_event_for_professionals_refuses_residents_with_the_reason(client):
    event = EventFactory(audience=EventAudience.PROFESSIONALS)
    resident = UserFactory(category=PublicCategory.HABITANT)
    with pytest.raises(RefusedError, match="réservé aux professionnels"):
        registration_create(event=event, user=resident)
    client.force_login(resident)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Réservé aux professionnels" in body and "indiquez-le dans votre profil" in body
    assert "M'inscrire" not in body
    worker = UserFactory(category=PublicCategory.SOCIAL)
    assert registration_create(event=event, user=worker).status == "confirmed"


def test_event_for_members_accepts_members_only(client):
    organisation = OrganisationFactory(name="Les Amis du Compost")
    event = EventFactory(audience=EventAudience.MEMBERS, organiser=organisation)
    with pytest.raises(RefusedError, match="réservé aux membres de « Les Amis du Compost »"):
        registration_create(event=event, user=UserFactory())
    member = MembershipFactory(organisation=organisation).user
    assert registration_create(event=event, user=member).status == "confirmed"
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Réservé aux membres de « Les Amis du Compost »" in body


def test_everyone_event_states_its_public(client):
    body = client.get(EventFactory().get_absolute_url()).content.decode()
    assert "<dt>Public</dt><dd>Tout public</dd>" in body


# --- Past and full events ---------------------------------------------------------------------


def test_past_event_says_it_is_over_without_registration_nor_cancellation(client):
    event = EventFactory(past=True)
    user = UserFactory()
    Registration.objects.create(event=event, user=user, status="confirmed")
    client.force_login(user)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Événement terminé." in body and "Vous y étiez inscrit·e." in body
    assert "Annuler mon inscription" not in body and "M'inscrire" not in body
    assert "Ajouter à mon agenda" not in body


def test_full_event_tells_anonymous_visitors_about_the_waiting_list(client):
    event = EventFactory(capacity=1)
    registration_create(event=event, user=UserFactory())
    body = client.get(event.get_absolute_url()).content.decode()
    assert "une liste d'attente est ouverte" in body
    assert "Se connecter pour s'inscrire sur la liste d'attente" in body


# --- Cancellation ------------------------------------------------------------------------------


def test_cancel_asks_for_confirmation_then_cancels_and_sends_an_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Atelier réparation")
    user = UserFactory()
    registration = registration_create(event=event, user=user)
    client.force_login(user)
    detail = client.get(event.get_absolute_url()).content.decode()
    url = reverse("agenda:cancel", args=[event.slug])
    assert f'href="{url}">Annuler mon inscription</a>' in detail
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "Annuler mon inscription ?" in body
    assert "Oui, annuler mon inscription" in body and "Non, garder mon inscription" in body
    assert_valid(body, "confirmation d'annulation")
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # a GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert "Un e-mail vous le confirme." in response.content.decode()
    assert [m.subject for m in mailoutbox if m.to == [user.email]][-1].endswith(
        "Inscription annulée : Atelier réparation"
    )
    assert AuditEntry.objects.filter(verb="registration.cancel").exists()


def test_cancel_from_my_space_comes_back_to_it(client):
    event = EventFactory()
    user = UserFactory()
    registration_create(event=event, user=user)
    client.force_login(user)
    body = client.get("/mon-espace/").content.decode()
    url = reverse("agenda:cancel", args=[event.slug]) + "?next=mon-espace"
    assert url in body
    assert 'name="next" value="mon-espace"' in client.get(url).content.decode()
    response = client.post(reverse("agenda:cancel", args=[event.slug]), {"next": "mon-espace"})
    assert response["Location"] == "/mon-espace/"


def test_cancel_page_of_a_started_event_sends_back_with_the_reason(client):
    event = EventFactory(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    user = UserFactory()
    Registration.objects.create(event=event, user=user, status="confirmed")
    client.force_login(user)
    response = client.get(reverse("agenda:cancel", args=[event.slug]), follow=True)
    assert "ne peut plus être annulée" in response.content.decode()


# --- Error titles and the home page -------------------------------------------------------------


@pytest.mark.parametrize(
    "url,data",
    [
        ("/mon-espace/", {"first_name": "", "last_name": "", "category": "inconnue"}),
        ("/comptes/signup/", {"email": "pas-une-adresse"}),
    ],
)
def test_form_pages_with_errors_start_their_title_with_erreur(client, url, data):
    if url.startswith("/mon-espace"):
        client.force_login(UserFactory())
    body = client.post(url, data).content.decode()
    assert "<title>Erreur : " in body
    assert '<div class="form-errors" role="alert" tabindex="-1">' in body


def test_form_pages_without_errors_have_a_plain_title(client):
    client.force_login(UserFactory())
    assert "<title>Mon espace · " in client.get("/mon-espace/").content.decode()


def test_home_explains_the_pacte_and_its_acronyms(client):
    body = client.get("/").content.decode()
    assert "Le PACTE est le programme de la Métropole Rouen Normandie pour la transition écologique" in body
    assert '<abbr title="axe huit">axe VIII</abbr>' in body
    assert "Direction de l'Accompagnement des Changements de la Transition Écologique" in body
    assert "Agence normande de la biodiversité et du développement durable" in body
    # The Accord's historical figures are told apart from the portal's own counts.
    history = body.index("plus de 1 000 engagements")
    figures = body.index("Sur le portail aujourd'hui")
    assert history < figures
    assert "engagements des communes" not in body


def test_agenda_cards_state_a_restricted_public(client):
    EventFactory(title="Formation des animateurs", audience=EventAudience.PROFESSIONALS)
    body = client.get("/agenda/").content.decode()
    assert '<span class="badge">Professionnels</span>' in body


def test_clearing_the_filters_shows_every_commune(client):
    client.force_login(UserFactory(home_commune=commune("rouen")))
    body = client.get("/agenda/").content.decode()
    assert '<a href="/agenda/?commune=">Effacer les filtres</a>' in body
    client.force_login(UserFactory(home_commune=None))
    assert '<a href="/agenda/">Effacer les filtres</a>' in client.get("/agenda/").content.decode()
