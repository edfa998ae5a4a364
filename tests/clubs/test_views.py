"""Permission matrix of every clubs view: anonymous, non-member, member, animator of another club,
animator, staff (docs/architecture.md). Another club's object is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clubs.enums import PracticeStatus
from clubs.models import (
    ClubMailing,
    ClubMembershipRecord,
    Practice,
    PracticeAdoption,
    PracticeReply,
    PracticeReport,
)
from pacte.enums import Action
from pacte.models import Event, ExchangeNetwork, Membership, Reply, Topic
from pacte.services.exchanges import topic_create
from tests.clubs.conftest import ROLES
from tests.clubs.factories import PracticeFactory, member
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/login/"


def matrix(**expected):
    """Parametrize over the six roles with the expected status of each."""
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize("role,status", list(expected.items()))


def url(name, club, *args):
    return reverse(f"clubs:{name}", args=[club.slug, *args])


# --- Public pages ------------------------------------------------------------------------------


@matrix(anonymous=200, non_member=200, member=200, other_animator=200, animator=200, staff=200)
@pytest.mark.parametrize("path", ["/clubs/", "/clubs/pratiques/"])
def test_lists(client, world, role, status, path):
    PracticeFactory(club=world.club, title="Composteur partagé")
    world.login(client, role)
    response = client.get(path)
    assert response.status_code == status
    assert world.club.name in response.content.decode()


def test_club_list_filters_and_member_count(client, world):
    world.club.organisation.themes.set([])
    response = client.get("/clubs/", {"club_type": "cop21"})
    assert world.club.name not in response.content.decode()
    response = client.get("/clubs/", {"commune": "rouen", "club_type": "groupe_local"})
    body = response.content.decode()
    assert world.club.name in body and "2 membres" in body  # the member and the animator


@matrix(anonymous=200, non_member=200, member=200, other_animator=200, animator=200, staff=200)
def test_club_page(client, world, role, status):
    world.login(client, role)
    response = client.get(world.club.get_absolute_url())
    assert response.status_code == status
    body = response.content.decode()
    assert world.people["animator"].display_name in body  # animators are listed
    if role == "anonymous":
        assert f"{LOGIN}?next=" in body and "Se connecter pour rejoindre le club" in body
    elif role in ("member", "animator"):
        assert "Quitter le club" in body and "Partager une pratique" in body
    else:
        assert "Rejoindre le club" in body and "Quitter le club" not in body
    assert ("Animer le club" in body) == (role in ("animator", "staff"))


@matrix(anonymous=404, non_member=404, member=404, other_animator=404, animator=404, staff=200)
def test_inactive_club_page_only_for_staff(client, world, role, status):
    world.club.organisation.is_active = False
    world.club.organisation.save()
    world.login(client, role)
    assert client.get(world.club.get_absolute_url()).status_code == status


def test_club_page_shows_meetings_practices_and_topics(client, world):
    organisation = world.club.organisation
    EventFactory(title="Troc de graines", organiser=organisation, action=Action.CLUBS)
    EventFactory(title="Rencontre d'un autre club", organiser=world.other_club.organisation)
    EventFactory(title="Rencontre passée", organiser=organisation, past=True)
    PracticeFactory(club=world.club, title="Pratique visible")
    PracticeFactory(club=world.club, title="Pratique signalée", reported=True)
    topic_create(
        network=ExchangeNetwork.CLUBS,
        organisation=organisation,
        title="Sujet du club",
        body="Bonjour",
        author=world.people["member"],
        by=None,
    )
    body = client.get(world.club.get_absolute_url()).content.decode()
    assert "Troc de graines" in body and "Pratique visible" in body and "Sujet du club" in body
    assert "Rencontre d'un autre club" not in body and "Rencontre passée" not in body
    assert "Pratique signalée" not in body


# --- Join and leave ----------------------------------------------------------------------------


@matrix(anonymous=302, non_member=302, member=302, other_animator=302, animator=302, staff=302)
def test_join(client, world, role, status):
    user = world.login(client, role)
    response = client.post(url("join", world.club), follow=False)
    assert response.status_code == status
    if user is None:
        assert response.url.startswith(LOGIN)
        return
    assert Membership.objects.filter(organisation=world.club.organisation, user=user).exists()
    page = client.get(response.url).content.decode()
    if role in ("member", "animator"):
        assert "déjà membre" in page
    else:
        assert "Bienvenue" in page


def test_join_leave_through_the_pages(client, world):
    user = world.people["non_member"]
    client.force_login(user)
    page = client.post(url("join", world.club), follow=True).content.decode()
    assert "Quitter le club" in page
    page = client.post(url("leave", world.club), follow=True).content.decode()
    assert "Vous avez quitté le club" in page and "Rejoindre le club" in page
    assert ClubMembershipRecord.objects.get(club=world.club, user=user).left_at is not None


def test_leave_refused_shows_reason(client, world):
    client.force_login(world.people["animator"])
    page = client.post(url("leave", world.club), follow=True).content.decode()
    assert "seule personne qui anime ce club" in page


def test_get_on_post_only_actions_is_refused(client, world):
    client.force_login(world.people["member"])
    assert client.get(url("join", world.club)).status_code == 405
    assert client.get(url("leave", world.club)).status_code == 405


# --- Animator pages ----------------------------------------------------------------------------


@matrix(anonymous=302, non_member=404, member=404, other_animator=404, animator=200, staff=200)
@pytest.mark.parametrize("name", ["manage", "edit", "meeting_create", "mailing_create"])
def test_animator_pages(client, world, role, status, name):
    world.login(client, role)
    response = client.get(url(name, world.club))
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(LOGIN)


def test_manage_page_links_to_attendance_of_past_meetings(client, world):
    past = EventFactory(title="Taille des fruitiers", organiser=world.club.organisation, past=True)
    PracticeFactory(club=world.club, title="Panneaux pas chers", reported=True)
    client.force_login(world.people["animator"])
    body = client.get(url("manage", world.club)).content.decode()
    for text in ("Publier une rencontre", "Écrire aux membres", "Saisir les présences", "Panneaux pas chers"):
        assert text in body
    assert reverse("agenda:attendance", args=[past.slug]) in body
    # The kernel attendance page lets the club's animator in, and only them.
    assert client.get(reverse("agenda:attendance", args=[past.slug])).status_code == 200
    client.force_login(world.people["other_animator"])
    assert client.get(reverse("agenda:attendance", args=[past.slug])).status_code == 404


def test_edit_presentation(client, world):
    client.force_login(world.people["animator"])
    response = client.post(
        url("edit", world.club),
        {
            "summary": "Un club qui composte",
            "description": "Tout sur nous",
            "meeting_place": "Jardin des Cèdres",
        },
    )
    assert response.status_code == 302
    world.club.refresh_from_db()
    assert world.club.organisation.summary == "Un club qui composte"
    response = client.post(url("edit", world.club), {"mail_reply_to": "pas une adresse", "summary": "Gardé"})
    body = response.content.decode()
    assert (
        response.status_code == 200 and "Saisissez une adresse de courriel valide" in body and "Gardé" in body
    )


def _meeting_data(**overrides):
    start = timezone.localtime() + timedelta(days=10)
    data = {
        "title": "Troc de graines",
        "commune": world_commune_pk(),
        "place": "Jardin des Cèdres",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "registration_required": "on",
        "capacity": "12",
    }
    data.update(overrides)
    return data


def world_commune_pk():
    from tests.factories import commune

    return commune("rouen").pk


def test_publish_meeting(client, world):
    client.force_login(world.people["animator"])
    response = client.post(url("meeting_create", world.club), _meeting_data())
    event = Event.objects.get(title="Troc de graines")
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert (
        event.organiser == world.club.organisation and event.action == Action.CLUBS and event.capacity == 12
    )
    assert "Troc de graines" in client.get(world.club.get_absolute_url()).content.decode()


def test_publish_meeting_french_errors_keep_input(client, world):
    client.force_login(world.people["animator"])
    start = timezone.localtime() + timedelta(days=3)
    data = _meeting_data(
        ends_at=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), title="Mon titre gardé"
    )
    data["starts_at"] = start.strftime("%Y-%m-%dT%H:%M")
    body = client.post(url("meeting_create", world.club), data).content.decode()
    assert "La fin doit être après le début." in body and "Mon titre gardé" in body
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    body = client.post(url("meeting_create", world.club), _meeting_data(starts_at=past)).content.decode()
    assert "La rencontre doit commencer dans le futur." in body
    closes = (start + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    body = client.post(
        url("meeting_create", world.club), _meeting_data(registration_closes_at=closes)
    ).content.decode()
    assert "au plus tard au début de la rencontre" in body
    assert not Event.objects.exists()


def test_mailing_form_creates_and_sends(client, world, django_capture_on_commit_callbacks, mailoutbox):
    client.force_login(world.people["animator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("mailing_create", world.club), {"subject": "Samedi", "message": "On plante !"}
        )
    assert response.status_code == 302
    mailing = ClubMailing.objects.get()
    assert mailing.status == "sent" and mailing.recipient_count == 2  # the member and the animator
    body = client.post(url("mailing_create", world.club), {"subject": "", "message": "x"}).content.decode()
    assert "Ce champ est obligatoire." in body


# --- Practices ---------------------------------------------------------------------------------


@matrix(anonymous=302, non_member=403, member=200, other_animator=403, animator=200, staff=403)
def test_practice_create_page(client, world, role, status):
    world.login(client, role)
    response = client.get(url("practice_create", world.club))
    assert response.status_code == status
    if status == 403:
        assert "Rejoindre le club" in response.content.decode()


@matrix(anonymous=200, non_member=200, member=200, other_animator=200, animator=200, staff=200)
def test_published_practice_page(client, world, role, status):
    practice = PracticeFactory(club=world.club)
    world.login(client, role)
    response = client.get(practice.get_absolute_url())
    assert response.status_code == status
    body = response.content.decode()
    assert ("Je l'ai adoptée" in body) == (role in ("member", "animator"))
    assert ("Signaler" in body) == (role != "anonymous")
    assert ("Masquer la pratique" in body) == (role in ("animator", "staff"))


@matrix(anonymous=404, non_member=404, member=404, other_animator=404, animator=200, staff=200)
@pytest.mark.parametrize("state", [PracticeStatus.REPORTED, PracticeStatus.HIDDEN])
def test_reported_or_hidden_practice_page(client, world, role, status, state):
    practice = PracticeFactory(club=world.club, status=state)
    world.login(client, role)
    assert client.get(practice.get_absolute_url()).status_code == status


def test_practice_of_another_club_is_404_under_this_club(client, world):
    practice = PracticeFactory(club=world.other_club)
    client.force_login(world.people["animator"])
    assert client.get(url("practice_detail", world.club, practice.pk)).status_code == 404
    assert (
        client.post(url("practice_moderate", world.club, practice.pk), {"action": "hide"}).status_code == 404
    )


@matrix(anonymous=302, non_member=302, member=302, other_animator=302, animator=302, staff=302)
def test_adopt(client, world, role, status):
    practice = PracticeFactory(club=world.club)
    user = world.login(client, role)
    response = client.post(url("practice_adopt", world.club, practice.pk))
    assert response.status_code == status
    adopted = PracticeAdoption.objects.filter(practice=practice, user=user).exists() if user else False
    assert adopted == (role in ("member", "animator"))
    if role == "anonymous":
        assert response.url.startswith(LOGIN)


def test_adopt_and_withdraw_through_the_page(client, world):
    practice = PracticeFactory(club=world.club)
    client.force_login(world.people["member"])
    page = client.post(url("practice_adopt", world.club, practice.pk), follow=True).content.decode()
    assert "1 personne l'a adoptée" in page and "Retirer mon adoption" in page
    page = client.post(url("practice_adopt", world.club, practice.pk), follow=True).content.decode()
    assert "Personne ne l'a encore adoptée" in page and "Je l'ai adoptée" in page


# Refused people see the page again with the refusal next to the form (200), their text kept.
@matrix(anonymous=302, non_member=200, member=302, other_animator=200, animator=302, staff=200)
def test_reply_to_practice(client, world, role, status):
    practice = PracticeFactory(club=world.club)
    user = world.login(client, role)
    response = client.post(url("practice_reply", world.club, practice.pk), {"text": "Bravo"})
    assert response.status_code == status
    assert PracticeReply.objects.filter(author=user).exists() == (role in ("member", "animator"))


def test_empty_reply_shows_error(client, world):
    practice = PracticeFactory(club=world.club)
    client.force_login(world.people["member"])
    response = client.post(url("practice_reply", world.club, practice.pk), {"text": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()


@matrix(anonymous=302, non_member=200, member=200, other_animator=200, animator=200, staff=200)
def test_report_page(client, world, role, status):
    practice = PracticeFactory(club=world.club)
    world.login(client, role)
    assert client.get(url("practice_report", world.club, practice.pk)).status_code == status


def test_report_takes_the_practice_off_public_pages(client, world, settings):
    settings.PACTE_REPORTS_TO_HIDE = 1
    practice = PracticeFactory(club=world.club, title="Pratique douteuse")
    client.force_login(world.people["non_member"])
    body = client.post(url("practice_report", world.club, practice.pk), {"reason": ""}).content.decode()
    assert "Ce champ est obligatoire." in body
    response = client.post(
        url("practice_report", world.club, practice.pk), {"reason": "Publicité"}, follow=True
    )
    assert "votre signalement est transmis" in response.content.decode()
    client.logout()
    assert "Pratique douteuse" not in client.get("/clubs/pratiques/").content.decode()
    assert "Pratique douteuse" not in client.get(world.club.get_absolute_url()).content.decode()
    assert client.get(practice.get_absolute_url()).status_code == 404
    # The animator restores it from the moderation queue.
    client.force_login(world.people["animator"])
    assert "Publicité" in client.get(url("manage", world.club)).content.decode()
    client.post(
        url("practice_moderate", world.club, practice.pk),
        {"action": "restore", "next": "manage", "reason": "Relue : rien à redire."},
    )
    client.logout()
    assert "Pratique douteuse" in client.get("/clubs/pratiques/").content.decode()
    assert PracticeReport.objects.get().resolution == PracticeStatus.PUBLISHED


@matrix(anonymous=302, non_member=404, member=404, other_animator=404, animator=302, staff=302)
def test_practice_moderation(client, world, role, status):
    practice = PracticeFactory(club=world.club)
    world.login(client, role)
    response = client.post(
        url("practice_moderate", world.club, practice.pk), {"action": "hide", "reason": "Hors sujet."}
    )
    assert response.status_code == status
    practice.refresh_from_db()
    assert (practice.status == PracticeStatus.HIDDEN) == (role in ("animator", "staff"))


@matrix(anonymous=302, non_member=404, member=404, other_animator=404, animator=302, staff=302)
def test_practice_reply_moderation(client, world, role, status):
    practice = PracticeFactory(club=world.club)
    reply = PracticeReply.objects.create(practice=practice, author=world.people["member"], text="Pub")
    world.login(client, role)
    response = client.post(
        url("practice_reply_moderate", world.club, practice.pk), {"reply": reply.pk, "action": "hide"}
    )
    assert response.status_code == status
    reply.refresh_from_db()
    assert reply.is_hidden == (role in ("animator", "staff"))


def test_reply_moderation_with_bad_id_is_404(client, world):
    practice = PracticeFactory(club=world.club)
    client.force_login(world.people["animator"])
    assert (
        client.post(url("practice_reply_moderate", world.club, practice.pk), {"reply": "x"}).status_code
        == 404
    )


def test_practice_list_filters(client, world):
    PracticeFactory(club=world.club, title="Vélo cargo")
    PracticeFactory(club=world.other_club, title="Compost collectif")
    body = client.get("/clubs/pratiques/", {"club": world.club.slug}).content.decode()
    assert "Vélo cargo" in body and "Compost collectif" not in body
    body = client.get("/clubs/pratiques/", {"commune": "elbeuf"}).content.decode()
    assert "Vélo cargo" not in body
    assert client.get("/clubs/pratiques/", {"club": "inconnu"}).status_code == 200


def test_htmx_list_returns_the_results_partial(client, world):
    PracticeFactory(club=world.club)
    body = client.get("/clubs/pratiques/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in body and "pratique" in body
    body = client.get("/clubs/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in body and world.club.name in body


# --- Discussions -------------------------------------------------------------------------------


def _topic(world, club=None, **kwargs):
    club = club or world.club
    author = world.people["member"] if club == world.club else world.people["other_animator"]
    return topic_create(
        network=ExchangeNetwork.CLUBS,
        organisation=club.organisation,
        title=kwargs.get("title", "Graines à échanger"),
        body="Qui en a ?",
        author=author,
        by=author,
    )


@matrix(anonymous=200, non_member=200, member=200, other_animator=200, animator=200, staff=200)
def test_topic_pages(client, world, role, status):
    topic = _topic(world)
    world.login(client, role)
    assert client.get(url("topics", world.club)).status_code == status
    response = client.get(topic.get_absolute_url())
    assert response.status_code == status
    body = response.content.decode()
    assert ("Répondre" in body) == (role in ("member", "animator"))
    assert ("Masquer la discussion" in body) == (role in ("animator", "staff"))


@matrix(anonymous=404, non_member=404, member=404, other_animator=404, animator=200, staff=200)
def test_hidden_topic_page(client, world, role, status):
    topic = _topic(world)
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    world.login(client, role)
    assert client.get(topic.get_absolute_url()).status_code == status


def test_topic_of_another_club_is_404_under_this_club(client, world):
    topic = _topic(world, club=world.other_club)
    assert client.get(url("topic_detail", world.club, topic.pk)).status_code == 404


@matrix(anonymous=302, non_member=403, member=200, other_animator=403, animator=200, staff=403)
def test_topic_create_page(client, world, role, status):
    world.login(client, role)
    assert client.get(url("topic_create", world.club)).status_code == status


def test_member_opens_a_topic_and_another_replies(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(world.people["member"])
    response = client.post(url("topic_create", world.club), {"title": "Sortie vélo", "body": "Dimanche ?"})
    topic = Topic.objects.get()
    assert response.status_code == 302 and response.url == topic.get_absolute_url()
    assert topic.network == ExchangeNetwork.CLUBS and topic.organisation == world.club.organisation
    client.force_login(world.people["animator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("topic_reply", world.club, topic.pk), {"body": "Partante !"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[world.people["member"].email]]
    assert topic.get_absolute_url() in mailoutbox[0].body


# Refused people see the page again with the refusal next to the form (200), their text kept.
@matrix(anonymous=302, non_member=200, member=302, other_animator=200, animator=302, staff=302)
def test_topic_reply(client, world, role, status):
    topic = _topic(world)
    user = world.login(client, role)
    response = client.post(url("topic_reply", world.club, topic.pk), {"body": "Moi"})
    assert response.status_code == status
    # Staff may take part anywhere (kernel rule); members of the club may; others may not.
    assert Reply.objects.filter(author=user).exists() == (role in ("member", "animator", "staff"))


@matrix(anonymous=302, non_member=404, member=404, other_animator=404, animator=302, staff=302)
def test_topic_moderation(client, world, role, status):
    topic = _topic(world)
    world.login(client, role)
    assert client.post(url("topic_moderate", world.club, topic.pk), {"action": "hide"}).status_code == status
    topic.refresh_from_db()
    assert topic.is_hidden == (role in ("animator", "staff"))


@matrix(anonymous=302, non_member=404, member=404, other_animator=404, animator=302, staff=302)
def test_topic_reply_moderation(client, world, role, status):
    topic = _topic(world)
    reply = Reply.objects.create(topic=topic, body="Pub", author=world.people["member"])
    world.login(client, role)
    response = client.post(
        url("topic_reply_moderate", world.club, topic.pk), {"reply": reply.pk, "action": "hide"}
    )
    assert response.status_code == status
    reply.refresh_from_db()
    assert reply.is_hidden == (role in ("animator", "staff"))


@matrix(anonymous=302, non_member=302, member=302, other_animator=302, animator=302, staff=302)
def test_topic_notifications_toggle(client, world, role, status):
    topic = _topic(world)
    user = world.login(client, role)
    response = client.post(url("topic_notifications", world.club, topic.pk), {"scope": "topic"})
    assert response.status_code == status
    if user is None:
        assert response.url.startswith(LOGIN)
    else:
        assert user.exchange_opt_outs.filter(topic=topic).exists()
        page = client.get(topic.get_absolute_url()).content.decode()
        assert "Suivre à nouveau ce sujet" in page


# --- Mail preferences --------------------------------------------------------------------------


@matrix(anonymous=302, non_member=302, member=302, other_animator=302, animator=302, staff=302)
def test_club_mail_preference(client, world, role, status):
    user = world.login(client, role)
    response = client.post(url("mailings", world.club), {"receives": "0"})
    assert response.status_code == status
    if role in ("member", "animator"):
        assert not ClubMembershipRecord.objects.open().get(club=world.club, user=user).receives_mailings
    else:
        assert not ClubMembershipRecord.objects.filter(receives_mailings=False).exists()


def test_member_count_on_list(client, world):
    member(world.club)
    body = client.get("/clubs/").content.decode()
    assert "3 membres" in body  # member, animator, and the one who just joined
    assert not Practice.objects.exists()


def test_empty_topic_reply_shows_error_on_the_topic_page(client, world):
    topic = _topic(world)
    client.force_login(world.people["member"])
    response = client.post(url("topic_reply", world.club, topic.pk), {"body": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ce champ est obligatoire." in body and topic.title in body
    assert not Reply.objects.exists()


def test_notifications_for_all_discussions(client, world):
    topic = _topic(world)
    user = world.people["member"]
    client.force_login(user)
    client.post(url("topic_notifications", world.club, topic.pk), {"scope": "all"})
    assert user.exchange_opt_outs.filter(topic__isnull=True).exists()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Recevoir à nouveau les notifications des discussions" in page
    client.post(url("topic_notifications", world.club, topic.pk), {"scope": "all"})
    assert not user.exchange_opt_outs.exists()


def test_reply_on_hidden_topic_refused(client, world):
    topic = _topic(world)
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    client.force_login(world.people["animator"])
    response = client.post(url("topic_reply", world.club, topic.pk), {"body": "Encore"}, follow=True)
    assert "masqué" in response.content.decode()
    assert not Reply.objects.exists()


def test_reading_pages_answer_head(client, world):
    # require_safe, not require_GET: HEAD is GET without the body (link checkers, monitoring).
    practice = PracticeFactory(club=world.club)
    topic = topic_create(
        network=ExchangeNetwork.CLUBS,
        organisation=world.club.organisation,
        title="Sujet",
        body="Corps",
        author=world.people["member"],
        by=world.people["member"],
    )
    public = [
        reverse("clubs:list"),
        reverse("clubs:practices"),
        reverse("clubs:gardens"),
        reverse("clubs:charter"),
        world.club.get_absolute_url(),
        practice.get_absolute_url(),
        url("topics", world.club),
        topic.get_absolute_url(),
    ]
    for path in public:
        response = client.head(path)
        assert (response.status_code, response.content) == (200, b""), path
    world.login(client, "animator")
    for path in [url("manage", world.club), url("edit", world.club), reverse("clubs:my_gardens")]:
        response = client.head(path)
        assert (response.status_code, response.content) == (200, b""), path
    assert client.head(url("join", world.club)).status_code == 405


# --- Moderation as Decidim does it, and authors' own corrections ------------------------------


def test_moderation_asks_for_a_reason_on_a_confirmation_page_and_tells_the_author(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(club=world.club, reported=True)
    client.force_login(world.people["animator"])
    detail = client.get(practice.get_absolute_url()).content.decode()
    # On a reported practice, "Masquer" is the primary action; "Rétablir" is secondary.
    assert (
        'class="button button-small" href="'
        + url("practice_moderate", world.club, practice.pk)
        + '?action=hide"'
        in detail
    )
    confirm = client.get(url("practice_moderate", world.club, practice.pk), {"action": "hide"})
    assert confirm.status_code == 200 and "Motif" in confirm.content.decode()
    empty = client.post(url("practice_moderate", world.club, practice.pk), {"action": "hide", "reason": ""})
    assert empty.status_code == 200 and "Erreur : " in empty.content.decode()
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.REPORTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("practice_moderate", world.club, practice.pk), {"action": "hide", "reason": "Publicité."}
        )
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.HIDDEN
    (to_author,) = [m for m in mailoutbox if m.to == [practice.author.email]]
    assert "Publicité." in to_author.body


@matrix(anonymous=302, non_member=404, member=404, other_animator=404, animator=302, staff=302)
def test_practice_edit_by_others(client, world, role, status):
    practice = PracticeFactory(club=world.club, title="Titre d'origine")
    world.login(client, role)
    response = client.post(
        url("practice_edit", world.club, practice.pk), {"title": "Corrigé", "text": "Texte"}
    )
    assert response.status_code == status
    practice.refresh_from_db()
    assert (practice.title == "Corrigé") == (role in ("animator", "staff"))


def test_author_corrects_and_deletes_their_hidden_practice(client, world):
    practice = PracticeFactory(club=world.club, hidden=True, title="Ma pratique")
    client.force_login(practice.author)
    page = client.get(practice.get_absolute_url()).content.decode()
    assert url("practice_edit", world.club, practice.pk) in page
    assert client.get(url("practice_edit", world.club, practice.pk)).status_code == 200
    bad = client.post(url("practice_edit", world.club, practice.pk), {"title": "", "text": "Gardé tel quel"})
    assert bad.status_code == 200 and "Gardé tel quel" in bad.content.decode()
    client.post(
        url("practice_edit", world.club, practice.pk), {"title": "Ma pratique corrigée", "text": "Mieux"}
    )
    practice.refresh_from_db()
    assert practice.title == "Ma pratique corrigée" and practice.status == PracticeStatus.HIDDEN
    assert client.get(url("practice_delete", world.club, practice.pk)).status_code == 200
    assert client.post(url("practice_delete", world.club, practice.pk)).status_code == 302
    assert not type(practice).objects.filter(pk=practice.pk).exists()


def test_reply_author_corrects_then_deletes_their_reply_and_others_cannot(client, world):
    practice = PracticeFactory(club=world.club)
    reply = PracticeReply.objects.create(practice=practice, author=world.people["member"], text="Premier jet")
    edit = reverse("clubs:practice_reply_edit", args=[world.club.slug, practice.pk, reply.pk])
    world.login(client, "non_member")
    assert client.post(edit, {"text": "Piraté"}).status_code == 404
    world.login(client, "member")
    assert "Modifier ou supprimer" in client.get(practice.get_absolute_url()).content.decode()
    client.post(edit, {"text": "Version corrigée"})
    reply.refresh_from_db()
    assert reply.text == "Version corrigée"
    client.post(edit, {"action": "delete"})
    assert not PracticeReply.objects.filter(pk=reply.pk).exists()


def test_club_page_shows_animators_what_waits_and_keeps_leaving_out_of_the_way(client, world):
    PracticeFactory(club=world.club, reported=True)
    client.force_login(world.people["animator"])
    body = client.get(world.club.get_absolute_url()).content.decode()
    assert "<strong>1</strong> pratique signalée" in body
    assert '<details class="leave-club">' in body
    assert body.index("Vous animez ce club") < body.index("Quitter le club")
    client.force_login(world.people["member"])
    assert "pratique signalée" not in client.get(world.club.get_absolute_url()).content.decode()
