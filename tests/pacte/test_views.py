import pytest
from django.urls import reverse

from pacte.cache import CACHE_HEADER
from pacte.enums import MembershipRole, RegistrationStatus
from pacte.services.registrations import registration_create
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/agenda/",
        "/agenda/agenda.ics",
        "/accessibilite/",
        "/donnees-personnelles/",
        "/mentions-legales/",
        "/donnees/",
        "/comptes/signup/",
        "/comptes/login/",
    ],
)
def test_public_pages_open_to_anonymous(client, url):
    response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/mon-espace/", "/mon-espace/mes-donnees.json", "/mon-espace/supprimer-mon-compte/"]
)
def test_personal_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/comptes/login/")


def test_event_detail_shows_register_to_anonymous_and_draft_is_404(client):
    event = EventFactory(title="Balade nature")
    response = client.get(event.get_absolute_url())
    assert "Se connecter pour s'inscrire" in response.content.decode()
    draft = EventFactory(draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_draft_visible_to_organiser_referent_and_staff_only(client):
    organisation = OrganisationFactory()
    draft = EventFactory(draft=True, organiser=organisation)
    referent = MembershipFactory(organisation=organisation, referent=True).user
    member = MembershipFactory(organisation=organisation).user
    other_referent = MembershipFactory(referent=True).user
    for user, expected in [
        (referent, 200),
        (member, 404),
        (other_referent, 404),
        (UserFactory(staff=True), 200),
    ]:
        client.force_login(user)
        assert client.get(draft.get_absolute_url()).status_code == expected, user


def test_register_and_cancel_through_the_views(client):
    event = EventFactory(capacity=1)
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("agenda:register", args=[event.slug]), follow=True)
    assert "Votre inscription est confirmée" in response.content.decode()
    assert "Annuler mon inscription" in response.content.decode()
    other = UserFactory()
    client.force_login(other)
    response = client.post(reverse("agenda:register", args=[event.slug]), follow=True)
    assert "liste d'attente, en position 1" in response.content.decode()
    client.force_login(user)
    response = client.post(reverse("agenda:cancel", args=[event.slug]), follow=True)
    assert "Votre inscription est annulée" in response.content.decode()
    assert other.registrations.get().status == RegistrationStatus.CONFIRMED


def test_register_refused_shows_reason(client):
    event = EventFactory(past=True)
    client.force_login(UserFactory())
    response = client.post(reverse("agenda:register", args=[event.slug]), follow=True)
    assert "Événement terminé : les inscriptions sont closes." in response.content.decode()


def test_register_requires_login_and_post(client):
    event = EventFactory()
    assert client.post(reverse("agenda:register", args=[event.slug])).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("agenda:register", args=[event.slug])).status_code == 405


def test_cancel_someone_elses_registration_is_404(client):
    event = EventFactory()
    registration_create(event=event, user=UserFactory())
    client.force_login(UserFactory())
    assert client.post(reverse("agenda:cancel", args=[event.slug])).status_code == 404


def test_attendance_permission_matrix(client):
    organisation = OrganisationFactory()
    event = EventFactory(organiser=organisation)
    url = reverse("agenda:attendance", args=[event.slug])
    assert client.get(url).status_code == 302
    cases = [
        (UserFactory(), 404),
        (MembershipFactory(organisation=organisation, role=MembershipRole.MEMBER).user, 404),
        (MembershipFactory(referent=True).user, 404),
        (MembershipFactory(organisation=organisation, referent=True).user, 200),
        (UserFactory(staff=True), 200),
    ]
    for user, expected in cases:
        client.force_login(user)
        assert client.get(url).status_code == expected, user


def test_agenda_filters(client):
    full = EventFactory(title="Complet", capacity=1)
    registration_create(event=full, user=UserFactory())
    EventFactory(title="Ouvert", capacity=5, action="communes")
    body = client.get("/agenda/?places_left=on").content.decode()
    assert "Ouvert" in body and "Complet" not in body
    body = client.get("/agenda/?action=communes").content.decode()
    assert "Ouvert" in body and "Complet" not in body
    body = client.get("/agenda/?commune=rouen&date_from=2000-01-01").content.decode()
    assert "Ouvert" in body and "Complet" in body


def test_agenda_htmx_returns_partial(client):
    EventFactory(title="Atelier vélo")
    response = client.get("/agenda/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Atelier vélo" in body and "<html" not in body


def test_ical_for_event_and_agenda(client):
    event = EventFactory(title="Atelier ; compost, et paillage")
    response = client.get(reverse("agenda:event_ical", args=[event.slug]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "SUMMARY:Atelier \\; compost\\, et paillage" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    EventFactory(title="Autre", action="communes")
    body = client.get("/agenda/agenda.ics?action=communes").content.decode()
    assert body.count("BEGIN:VEVENT") == 1


def test_health_reports_ok(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_staff_without_totp_is_sent_to_second_factor_setup(client):
    client.force_login(UserFactory(staff=True, second_factor=False, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_staff_with_2fa_relaxed_reaches_admin(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    client.force_login(UserFactory(staff=True, is_superuser=True))
    assert client.get("/admin/pacte/event/").status_code == 200


def test_open_data_page_lists_the_files_apps_declare(client, monkeypatch):
    from pacte import portal

    declared = portal.OpenDataFile(
        title="Inscriptions par mois", description="Nombre d'inscriptions confirmées.", url_name="agenda:ical"
    )
    monkeypatch.setattr(portal, "open_data", lambda: [declared])
    body = client.get("/donnees/").content.decode()
    assert "Inscriptions par mois" in body and 'href="/agenda/agenda.ics"' in body
    assert "Licence Ouverte" in body


def test_reading_pages_answer_head(client):
    # HEAD is GET without the body (link checkers, monitoring, caches): every page that only
    # reads must accept it (require_safe, not require_GET), and the forms' pages too.
    event = EventFactory(title="Balade nature")
    public = [
        "/",
        "/agenda/",
        "/agenda/agenda.ics",
        event.get_absolute_url(),
        reverse("agenda:event_ical", args=[event.slug]),
        "/accessibilite/",
        "/donnees-personnelles/",
        "/mentions-legales/",
        "/donnees/",
        "/sante/",
        "/comptes/login/",
    ]
    for url in public:
        get = client.get(url)
        head = client.head(url)
        assert (head.status_code, head.content) == (200, b""), url
        assert head["Content-Type"] == get["Content-Type"], url
    client.force_login(UserFactory())
    for url in ["/mon-espace/", "/mon-espace/mes-donnees.json", "/mon-espace/supprimer-mon-compte/"]:
        head = client.head(url)
        assert (head.status_code, head.content) == (200, b""), url


def test_head_on_a_write_is_refused(client):
    event = EventFactory()
    client.force_login(UserFactory())
    assert client.head(reverse("agenda:register", args=[event.slug])).status_code == 405
    assert client.put("/mon-espace/").status_code == 405
    assert not event.registrations.exists()


def test_anonymous_head_is_served_from_the_page_cache(client):
    EventFactory()
    assert client.head("/agenda/")[CACHE_HEADER] == "miss"
    response = client.get("/agenda/")
    # HEAD stored the whole page (the test client, like a WSGI server, strips the body later).
    assert response[CACHE_HEADER] == "hit" and "Agenda du PACTE" in response.content.decode()
