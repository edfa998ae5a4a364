"""Ma structure (/mon-espace/structures/<slug>/) and the public page of an organisation
(/structures/<slug>/): services, permissions, invitations, events and registrants."""

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pacte.enums import Action, MembershipRole
from pacte.models import AuditEntry, Event, Invitation, Membership, Organisation
from pacte.services.errors import RefusedError
from pacte.services.organisations import (
    invitation_accept,
    invitation_from_token,
    invitation_token,
    invitation_withdraw,
    organisation_event_propose,
    organisation_invite,
    organisation_member_remove,
    organisation_member_set_role,
    organisation_update_page,
)
from pacte.services.registrations import registration_create
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    ThemeFactory,
    UserFactory,
    commune,
)
from tests.pacte.test_html_validity import assert_valid

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "member", "other_referent", "referent", "staff"]


@dataclass
class World:
    organisation: Organisation
    other: Organisation
    people: dict

    def login(self, client, role):
        client.logout()
        if self.people[role] is not None:
            client.force_login(self.people[role])
        return self.people[role]


@pytest.fixture
def world():
    organisation = OrganisationFactory(name="Les Jardins Partagés", slug="jardins-partages")
    other = OrganisationFactory(name="Autre association", slug="autre-association")
    people = {
        "anonymous": None,
        "non_member": UserFactory(),
        "member": MembershipFactory(organisation=organisation).user,
        "other_referent": MembershipFactory(organisation=other, referent=True).user,
        "referent": MembershipFactory(organisation=organisation, referent=True).user,
        "staff": UserFactory(staff=True),
    }
    return World(organisation=organisation, other=other, people=people)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def matrix(**expected):
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize("role,status", list(expected.items()))


def png(width=40, height=20) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 60)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


# --- Permission matrix ------------------------------------------------------------------------

MANAGE_PAGES = [
    "organisation_manage",
    "organisation_members",
    "organisation_events",
    "organisation_event_propose",
]


@matrix(anonymous=302, non_member=404, member=404, other_referent=404, referent=200, staff=200)
@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_ma_structure_pages_matrix(client, world, role, status, name):
    world.login(client, role)
    response = client.get(reverse(name, args=[world.organisation.slug]))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))
    if status == 200:
        assert world.organisation.name in response.content.decode()


@matrix(anonymous=302, non_member=404, member=404, other_referent=404, referent=200, staff=200)
@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_registrants_matrix(client, world, role, status, suffix):
    event = EventFactory(organiser=world.organisation)
    world.login(client, role)
    name = "organisation_event_registrants" + ("_csv" if suffix else "")
    response = client.get(reverse(name, args=[world.organisation.slug, event.slug]))
    assert response.status_code == status


def test_another_organisations_event_is_a_404_even_for_a_referent(client, world):
    foreign = EventFactory(organiser=world.other)
    client.force_login(world.people["referent"])
    url = reverse("organisation_event_registrants", args=[world.organisation.slug, foreign.slug])
    assert client.get(url).status_code == 404


@matrix(anonymous=302, non_member=404, member=404, other_referent=404, referent=302, staff=302)
def test_writes_matrix(client, world, role, status):
    target = MembershipFactory(organisation=world.organisation)
    world.login(client, role)
    url = reverse("organisation_member_remove", args=[world.organisation.slug, target.pk])
    response = client.post(url)
    assert response.status_code == status
    assert Membership.objects.filter(pk=target.pk).exists() == (role not in ("referent", "staff"))


@matrix(anonymous=200, non_member=200, member=200, other_referent=200, referent=200, staff=200)
def test_public_page_matrix(client, world, role, status):
    world.organisation.summary = "Un jardin pour tous."
    world.organisation.save()
    world.login(client, role)
    response = client.get(f"/structures/{world.organisation.slug}/")
    assert response.status_code == status
    body = response.content.decode()
    assert "Un jardin pour tous." in body
    assert ("Gérer cette structure" in body) == (role in ("referent", "staff"))


def test_inactive_organisation_has_no_public_page(client, world):
    world.organisation.is_active = False
    world.organisation.save()
    assert client.get(f"/structures/{world.organisation.slug}/").status_code == 404


def test_absolute_url_falls_back_to_the_kernel_page(world):
    assert world.organisation.get_absolute_url() == "/structures/jardins-partages/"


def test_public_page_shows_upcoming_published_events_and_sections(
    client, world, monkeypatch, settings, tmp_path
):
    (tmp_path / "section.html").write_text("<p>{{ n }} éléments de {{ organisation.name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    EventFactory(organiser=world.organisation, title="Troc de graines")
    EventFactory(organiser=world.organisation, title="Brouillon secret", is_published=False)
    from pacte import portal

    monkeypatch.setattr(
        portal,
        "organisation_sections",
        lambda request, organisation: [portal.PageSection("Bloc de test", "section.html", {"n": 3})],
    )
    body = client.get(f"/structures/{world.organisation.slug}/").content.decode()
    assert "Troc de graines" in body and "Brouillon secret" not in body
    assert "Bloc de test" in body and "3 éléments de Les Jardins Partagés" in body


def test_my_space_links_referents_to_ma_structure(client, world):
    client.force_login(world.people["referent"])
    body = client.get("/mon-espace/").content.decode()
    assert reverse("organisation_manage", args=[world.organisation.slug]) in body
    client.force_login(world.people["member"])
    body = client.get("/mon-espace/").content.decode()
    assert world.organisation.name in body
    assert reverse("organisation_manage", args=[world.organisation.slug]) not in body


# --- The public page's content ----------------------------------------------------------------


def test_referent_edits_the_page_with_a_logo(client, world):
    theme = ThemeFactory()
    client.force_login(world.people["referent"])
    response = client.post(
        reverse("organisation_manage", args=[world.organisation.slug]),
        {
            "summary": "Jardiner ensemble au Petit-Quevilly.",
            "description": "Des parcelles partagées.",
            "email": "contact@jardins.fr",
            "phone": "02 35 00 00 00",
            "website": "https://jardins.example.fr",
            "commune": commune("le-petit-quevilly").pk,
            "themes": [theme.pk],
            "logo": png(),
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=world.organisation.pk)
    assert organisation.summary == "Jardiner ensemble au Petit-Quevilly."
    assert organisation.commune.slug == "le-petit-quevilly"
    assert list(organisation.themes.all()) == [theme]
    assert organisation.logo.name.startswith("logos/") and organisation.logo.name.endswith(".jpg")
    entry = AuditEntry.objects.get(verb="organisation.update")
    assert entry.actor == world.people["referent"]
    assert set(entry.data["fields"]) >= {"summary", "email", "logo", "themes", "commune"}


def test_bad_input_keeps_what_was_typed(client, world):
    client.force_login(world.people["referent"])
    response = client.post(
        reverse("organisation_manage", args=[world.organisation.slug]),
        {
            "summary": "Texte gardé",
            "website": "pas une adresse",
            "phone": "abc",
            "logo": SimpleUploadedFile("logo.png", b"not an image", content_type="image/png"),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Texte gardé" in body
    assert "Saisissez une URL valide." in body
    assert "Numéro de téléphone invalide." in body
    assert "pas une image lisible" in body
    assert_valid(body, "ma structure avec erreurs")


def test_page_service_refuses_fields_of_staff(world):
    with pytest.raises(ValueError):
        organisation_update_page(
            organisation=world.organisation, by=world.people["referent"], rna="W123456789"
        )


# --- Members and référents --------------------------------------------------------------------


def test_last_referent_cannot_leave(client, world):
    referent = world.people["referent"]
    membership = Membership.objects.get(user=referent, organisation=world.organisation)
    with pytest.raises(RefusedError) as refusal:
        organisation_member_remove(membership=membership, by=referent)
    assert "au moins un référent" in refusal.value.messages[0]
    client.force_login(referent)
    response = client.post(
        reverse("organisation_member_remove", args=[world.organisation.slug, membership.pk]), follow=True
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "au moins un référent" in response.content.decode()


def test_last_referent_cannot_step_down(world):
    membership = Membership.objects.get(user=world.people["referent"], organisation=world.organisation)
    with pytest.raises(RefusedError):
        organisation_member_set_role(membership=membership, role=MembershipRole.MEMBER, by=membership.user)


def test_referent_leaves_once_another_is_named(client, world):
    referent = world.people["referent"]
    member = Membership.objects.get(user=world.people["member"])
    organisation_member_set_role(membership=member, role=MembershipRole.REFERENT, by=referent)
    client.force_login(referent)
    mine = Membership.objects.get(user=referent, organisation=world.organisation)
    url = reverse("organisation_member_remove", args=[world.organisation.slug, mine.pk])
    confirmation = client.get(url).content.decode()
    assert "Quitter « Les Jardins Partagés » ?" in confirmation
    assert_valid(confirmation, "confirmation")
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    assert not Membership.objects.filter(pk=mine.pk).exists()
    verbs = list(AuditEntry.objects.values_list("verb", flat=True))
    assert "membership.role" in verbs and "membership.remove" in verbs


def test_invite_an_existing_account_adds_them(world, mailoutbox, django_capture_on_commit_callbacks):
    person = UserFactory(email="marie@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        result = organisation_invite(
            organisation=world.organisation,
            email="Marie@Exemple.fr",
            role=MembershipRole.REFERENT,
            by=world.people["referent"],
        )
    assert isinstance(result, Membership) and result.user == person and result.role == MembershipRole.REFERENT
    assert [m.to for m in mailoutbox] == [["marie@exemple.fr"]]
    assert "Ma structure" in mailoutbox[0].alternatives[0][0]
    with pytest.raises(RefusedError, match="déjà partie"):
        organisation_invite(
            organisation=world.organisation,
            email="marie@exemple.fr",
            role="membre",
            by=world.people["referent"],
        )


def test_invite_an_unknown_address_and_accept(client, world, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(world.people["referent"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation_members", args=[world.organisation.slug]),
            {"email": "nouvelle@exemple.fr", "role": "membre"},
            follow=True,
        )
    body = response.content.decode()
    assert "une invitation lui a été envoyée" in body and "nouvelle@exemple.fr" in body
    invitation = Invitation.objects.get(email="nouvelle@exemple.fr")
    assert AuditEntry.objects.filter(verb="organisation.invite").exists()
    (message,) = mailoutbox
    assert (
        message.to == ["nouvelle@exemple.fr"]
        and "Invitation à rejoindre Les Jardins Partagés" in message.subject
    )
    # The link of the e-mail (its signature carries the time it was made).
    link = re.search(r"https?://\S+(/structures/invitation/\S+/)", message.body).group(1)
    assert invitation_from_token(link.split("/")[-2]) == invitation

    # Anonymous: told how to sign up and come back.
    client.logout()
    body = client.get(link).content.decode()
    assert "Créez votre compte" in body and "nouvelle@exemple.fr" in body
    assert_valid(body, "invitation")
    # Signed in with another address: refused with the reason.
    client.force_login(UserFactory(email="autre@exemple.fr"))
    client.post(link)
    assert not Membership.objects.filter(
        organisation=world.organisation, user__email="autre@exemple.fr"
    ).exists()
    # The invited address joins, once.
    newcomer = UserFactory(email="nouvelle@exemple.fr")
    client.force_login(newcomer)
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(organisation=world.organisation, user=newcomer).role == "membre"
    response = client.get(link)
    assert response.status_code == 410 and "déjà été utilisée" in response.content.decode()


def test_invitation_links_refused_when_withdrawn_expired_or_forged(world, monkeypatch):
    invitation = organisation_invite(
        organisation=world.organisation, email="x@exemple.fr", role="membre", by=world.people["referent"]
    )
    token = invitation_token(invitation)
    with pytest.raises(RefusedError, match="pas valide"):
        invitation_from_token(token + "x")
    from pacte.services import organisations

    monkeypatch.setattr(organisations, "INVITATION_MAX_AGE", timedelta(seconds=-1))
    with pytest.raises(RefusedError, match="expiré"):
        invitation_from_token(token)
    monkeypatch.undo()
    with pytest.raises(RefusedError, match="déjà"):
        organisation_invite(
            organisation=world.organisation, email="x@exemple.fr", role="membre", by=world.people["referent"]
        )
    invitation_withdraw(invitation=invitation, by=world.people["referent"])
    with pytest.raises(RefusedError, match="retirée"):
        invitation_from_token(token)


def test_accept_refuses_another_address(world):
    invitation = organisation_invite(
        organisation=world.organisation, email="x@exemple.fr", role="membre", by=world.people["referent"]
    )
    with pytest.raises(RefusedError, match="x@exemple.fr"):
        invitation_accept(invitation=invitation, user=UserFactory(email="y@exemple.fr"))


# --- Events -----------------------------------------------------------------------------------


def _event_data(**overrides):
    starts = timezone.localtime() + timedelta(days=10)
    data = {
        "title": "Troc de graines",
        "action": Action.ASSOCIATIONS,
        "summary": "Échanger ses graines.",
        "description": "",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Jardin",
        "address": "",
        "commune": commune().pk,
        "registration_required": "on",
        "audience": "tout_public",
        "capacity": "20",
    }
    data.update(overrides)
    return data


def test_referent_proposes_an_event_that_waits_for_staff(client, world):
    client.force_login(world.people["referent"])
    response = client.post(
        reverse("organisation_event_propose", args=[world.organisation.slug]), _event_data(), follow=True
    )
    assert "La DACTE le relira" in response.content.decode()
    event = Event.objects.get(title="Troc de graines")
    assert event.organiser == world.organisation and not event.is_published and event.capacity == 20
    assert AuditEntry.objects.filter(verb="event.propose", object_id=str(event.pk)).exists()
    # Not on the public agenda, but listed in Ma structure as waiting.
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(world.people["referent"])
    body = client.get(reverse("organisation_events", args=[world.organisation.slug])).content.decode()
    assert "En attente de publication" in body


def test_organisation_allowed_by_staff_publishes_directly(world):
    world.organisation.publishes_events_directly = True
    world.organisation.save()
    starts = timezone.now() + timedelta(days=3)
    event = organisation_event_propose(
        organisation=world.organisation,
        by=world.people["referent"],
        title="Atelier vélo",
        action=Action.ASSOCIATIONS,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    assert event.is_published and event.slug.startswith("atelier-velo-")


def test_event_form_errors_keep_input(client, world):
    client.force_login(world.people["referent"])
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("organisation_event_propose", args=[world.organisation.slug]),
        _event_data(starts_at=past, capacity="0"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "La date de début doit être dans le futur." in body
    assert "Troc de graines" in body
    assert not Event.objects.filter(title="Troc de graines").exists()
    assert_valid(body, "proposer un événement")


def test_registrants_page_and_csv(client, world):
    event = EventFactory(organiser=world.organisation, capacity=1, title="Balade")
    first = UserFactory(first_name="Alice", last_name="=HYPERLINK(1)")
    registration_create(event=event, user=first)
    registration_create(event=event, user=UserFactory(first_name="Bob"))
    client.force_login(world.people["referent"])
    page = client.get(reverse("organisation_event_registrants", args=[world.organisation.slug, event.slug]))
    body = page.content.decode()
    assert "2 inscriptions" in body and "Liste d&#x27;attente" in body
    assert_valid(body, "inscrits")
    response = client.get(
        reverse("organisation_event_registrants_csv", args=[world.organisation.slug, event.slug])
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "Nom;Prénom;E-mail;Statut;Inscription le;Présence"
    assert lines[1].startswith("'=HYPERLINK(1);Alice;")
    assert "Liste d'attente" in lines[2]


@pytest.mark.parametrize("name", ["organisation_manage", "organisation_members", "organisation_events"])
def test_ma_structure_pages_are_valid_html(client, world, name):
    EventFactory(organiser=world.organisation)
    organisation_invite(
        organisation=world.organisation, email="x@exemple.fr", role="membre", by=world.people["referent"]
    )
    client.force_login(world.people["referent"])
    assert_valid(client.get(reverse(name, args=[world.organisation.slug])).content.decode(), name)


def test_public_page_is_valid_html(client, world):
    EventFactory(organiser=world.organisation)
    assert_valid(client.get(f"/structures/{world.organisation.slug}/").content.decode(), "structure")


# --- Queries ----------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("no_page_cache")
def test_lists_queries_do_not_grow(client, world):
    client.force_login(world.people["referent"])

    def add(n):
        for _ in range(n):
            event = EventFactory(organiser=world.organisation)
            registration_create(event=event, user=UserFactory())
            MembershipFactory(organisation=world.organisation)

    add(2)
    urls = [
        reverse("organisation_members", args=[world.organisation.slug]),
        reverse("organisation_events", args=[world.organisation.slug]),
        f"/structures/{world.organisation.slug}/",
    ]
    few = [_count(client, url) for url in urls]
    add(8)
    many = [_count(client, url) for url in urls]
    assert many == few


# --- Page cache ---------------------------------------------------------------------------------


def test_public_page_is_renewed_by_the_referents_edit(world):
    from tests.admin_forms import anonymous_page, warm

    url = f"/structures/{world.organisation.slug}/"
    assert "Nouvelle présentation" not in warm(url)
    organisation_update_page(
        organisation=world.organisation, by=world.people["referent"], summary="Nouvelle présentation"
    )
    response, state = anonymous_page(url)
    assert state != "hit" and "Nouvelle présentation" in response.content.decode()


def test_a_proposed_event_published_directly_reaches_the_cached_agenda(world):
    from tests.admin_forms import anonymous_page, warm

    world.organisation.publishes_events_directly = True
    world.organisation.save()
    warm("/agenda/")
    starts = timezone.now() + timedelta(days=3)
    organisation_event_propose(
        organisation=world.organisation,
        by=world.people["referent"],
        title="Atelier vélo direct",
        action=Action.ASSOCIATIONS,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    assert "Atelier vélo direct" in anonymous_page("/agenda/")[0].content.decode()


def test_pending_invitation_waits_in_my_space_and_prefills_signup(client, world):
    invitation = organisation_invite(
        organisation=world.organisation, email="lea@exemple.fr", role="membre", by=world.people["referent"]
    )
    link = reverse("invitation_accept", args=[invitation_token(invitation)])
    body = client.get(link).content.decode()
    assert "email=lea%40exemple.fr" in body
    client.force_login(UserFactory(email="lea@exemple.fr"))
    body = client.get("/mon-espace/").content.decode()
    assert "vous invite à rejoindre « Les Jardins Partagés »" in body
    assert_valid(body, "mon espace avec invitation")
    invitation_path = re.search(r'href="(/structures/invitation/[^"]+/)"', body).group(1)
    client.post(invitation_path)
    assert Membership.objects.filter(organisation=world.organisation, user__email="lea@exemple.fr").exists()
    assert "vous invite" not in client.get("/mon-espace/").content.decode()


def test_invitations_and_proposals_are_rate_limited(client, world, settings):
    settings.PACTE_RATE_LIMITS = {"organisations.invite": "2/h", "organisations.event_propose": "1/h"}
    client.force_login(world.people["referent"])
    url = reverse("organisation_members", args=[world.organisation.slug])
    for n in range(2):
        assert client.post(url, {"email": f"p{n}@exemple.fr", "role": "membre"}).status_code == 302
    response = client.post(url, {"email": "p3@exemple.fr", "role": "membre"})
    assert response.status_code == 200
    assert "avant de recommencer" in response.content.decode()
    assert "p3@exemple.fr" in response.content.decode()  # what was typed stays
    assert not Invitation.objects.filter(email="p3@exemple.fr").exists()
    propose = reverse("organisation_event_propose", args=[world.organisation.slug])
    assert client.post(propose, _event_data()).status_code == 302
    response = client.post(propose, _event_data(title="Deuxième"))
    assert response.status_code == 200 and "Deuxième" in response.content.decode()
    assert "avant de recommencer" in response.content.decode()
    assert not Event.objects.filter(title="Deuxième").exists()
