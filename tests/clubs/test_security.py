"""The clubs' side of the security review (tests/pacte/test_security.py holds the kernel's)."""

import re
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from clubs.enums import PracticeStatus
from clubs.gardens.models import Charter
from clubs.models import ClubMembershipRecord, Practice, PracticeReply, PracticeReport
from clubs.services import (
    club_mailing_create,
    practice_create,
    practice_hide,
    practice_reply_create,
    practice_report,
    practice_restore,
    unsubscribe_token,
)
from pacte.models import ExchangeNetwork, Reply
from pacte.ratelimit import RateLimited
from pacte.services.errors import RefusedError
from pacte.services.exchanges import topic_create
from tests.clubs.factories import ClubFactory, PracticeFactory, animator, image_upload, member
from tests.factories import UserFactory
from tests.pacte.test_allauth import login
from tests.pacte.test_security import png_header

pytestmark = pytest.mark.django_db


# --- 2. staff powers need the second factor -------------------------------------------------


def test_password_only_staff_cannot_run_a_club(client, settings, mailoutbox):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    club = ClubFactory()
    member(club)
    staff = UserFactory(staff=True, second_factor=False)
    urls = [
        reverse("clubs:manage", args=[club.slug]),
        reverse("clubs:edit", args=[club.slug]),
        reverse("clubs:meeting_create", args=[club.slug]),
        reverse("clubs:mailing_create", args=[club.slug]),
    ]
    assert login(client, staff.email).status_code == 302
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(urls[-1], {"subject": "Bonjour", "message": "Un message à tous."})
    assert response.status_code == 404
    # The service refuses the same account as well.
    with pytest.raises(RefusedError):
        club_mailing_create(club=club, subject="Bonjour", message="Un message.", by=staff)
    assert mailoutbox == []

    client.logout()
    client.force_login(UserFactory(staff=True))
    for url in urls:
        assert client.get(url).status_code == 200, url


# --- 3. reports: one per person, a threshold, a rate limit ----------------------------------


def test_one_report_per_person_is_a_database_constraint():
    practice = PracticeFactory()
    reporter = UserFactory()
    PracticeReport.objects.create(practice=practice, reporter=reporter, reason="Publicité")
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeReport.objects.create(practice=practice, reporter=reporter, reason="Encore")
    # Deleted accounts (NULL reporter) keep their reports counted without colliding.
    PracticeReport.objects.create(practice=practice, reporter=None, reason="a")
    PracticeReport.objects.create(practice=practice, reporter=None, reason="b")


def test_one_report_does_not_hide_a_practice_and_restored_practices_stay_restored(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.PACTE_REPORTS_TO_HIDE = 3
    practice = PracticeFactory()
    lead = animator(practice.club)
    first = UserFactory()
    practice_report(practice=practice, reporter=first, reason="Publicité", by=first)
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED
    assert Practice.objects.visible().filter(pk=practice.pk).exists()
    with pytest.raises(RefusedError, match="déjà signalé"):
        practice_report(practice=practice, reporter=first, reason="Encore", by=first)

    others = UserFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        for person in others:
            practice_report(practice=practice, reporter=person, reason="Publicité", by=person)
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.REPORTED
    # The animators are told once, when it leaves public pages; so is its author, with the reason.
    assert sorted(m.to[0] == practice.author.email for m in mailoutbox) == [False, True]

    practice_restore(practice=practice, by=lead)
    # The same three people cannot hide it again, and a fourth alone does not.
    for person in [first, *others]:
        with pytest.raises(RefusedError, match="déjà signalé"):
            practice_report(practice=practice, reporter=person, reason="Encore", by=person)
    newcomer = UserFactory()
    practice_report(practice=practice, reporter=newcomer, reason="Publicité", by=newcomer)
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED


def test_animator_keeps_a_published_practice_with_reports(settings):
    settings.PACTE_REPORTS_TO_HIDE = 3
    practice = PracticeFactory()
    lead = animator(practice.club)
    reporter = UserFactory()
    practice_report(practice=practice, reporter=reporter, reason="Hors sujet", by=reporter)
    practice_restore(practice=practice, by=lead, reason="Conforme")
    assert practice.reports.open().count() == 0
    practice_hide(practice=practice, by=lead, reason="Finalement non")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.HIDDEN


def test_a_fresh_account_cannot_mass_report(client, mailoutbox):
    club = ClubFactory()
    animator(club)
    practices = PracticeFactory.create_batch(18, club=club)
    client.force_login(UserFactory())  # belongs to no club
    refused = 0
    for practice in practices:
        response = client.post(
            reverse("clubs:practice_report", args=[club.slug, practice.pk]), {"reason": "Spam"}
        )
        if response.status_code == 200:
            assert "attendez" in response.content.decode()
            refused += 1
    assert refused == 18 - 5  # clubs.practice_report: 5 per hour
    assert PracticeReport.objects.count() == 5
    assert Practice.objects.visible().count() == 18
    assert mailoutbox == []


# --- 7. posting is rate-limited ---------------------------------------------------------------


def test_practices_replies_and_uploads_are_rate_limited(client):
    club = ClubFactory()
    author = member(club)
    practice = PracticeFactory(club=club)
    for n in range(10):
        practice_reply_create(practice=practice, author=author, text=f"Réponse {n}", by=author)
    with pytest.raises(RateLimited, match="attendez .* minutes? avant de recommencer"):
        practice_reply_create(practice=practice, author=author, text="Une de trop", by=author)
    for n in range(5):
        practice_create(club=club, author=author, title=f"Pratique {n}", text="Texte", by=author)
    with pytest.raises(RateLimited):
        practice_create(club=club, author=author, title="De trop", text="Texte", by=author)
    # Through the page: the French message next to the form, what was typed kept.
    client.force_login(author)
    response = client.post(
        reverse("clubs:practice_create", args=[club.slug]), {"title": "Mon compost", "text": "Détails"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "avant de recommencer" in body and 'value="Mon compost"' in body


def test_refused_replies_keep_the_typed_text_next_to_the_refusal(client, settings):
    settings.PACTE_RATE_LIMITS = {"exchanges.reply": "1/h", "clubs.practice_reply": "1/h"}
    club = ClubFactory()
    author = member(club)
    practice = PracticeFactory(club=club)
    topic = topic_create(
        network=ExchangeNetwork.CLUBS,
        organisation=club.organisation,
        title="Sortie",
        body="Qui vient ?",
        author=author,
        by=author,
    )
    client.force_login(author)
    posts = [
        (reverse("clubs:topic_reply", args=[club.slug, topic.pk]), "body", Reply.objects.filter(topic=topic)),
        (
            reverse("clubs:practice_reply", args=[club.slug, practice.pk]),
            "text",
            PracticeReply.objects.filter(practice=practice),
        ),
    ]
    for url, field, replies in posts:
        assert client.post(url, {field: "La première passe."}).status_code == 302
        response = client.post(url, {field: "Mon long texte tapé avec soin"})
        body = response.content.decode()
        # 429 for clients and proxies; the French reason and the text as typed, on the page.
        assert response.status_code == 429, url
        assert "avant de recommencer" in body and "Mon long texte tapé avec soin" in body
        assert replies.count() == 1
    # Another refusal (not a member any more) is a 200, the text still there.
    settings.PACTE_RATE_LIMITS = {}
    client.force_login(UserFactory())
    response = client.post(posts[1][0], {"text": "Texte d’une personne hors du club"})
    assert response.status_code == 200 and "Texte d’une personne hors du club" in response.content.decode()
    assert PracticeReply.objects.filter(practice=practice).count() == 1


# --- 4. a form's upload is bounded in time and memory -----------------------------------------


def test_six_hostile_photos_in_one_form_are_refused_in_under_a_second(client):
    club = ClubFactory()
    client.force_login(member(club))
    bombs = [
        SimpleUploadedFile(f"bombe-{n}.png", png_header(1, 39_000_000), content_type="image/png")
        for n in range(6)
    ]
    started = time.perf_counter()
    response = client.post(
        reverse("clubs:practice_create", args=[club.slug]),
        {"title": "Mon composteur", "text": "Trois bacs.", "photos": bombs},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and "8000 pixels au plus de côté" in response.content.decode()
    assert elapsed < 1.0
    assert not Practice.objects.exists()


def test_photos_of_one_form_share_a_pixel_budget(client, settings):
    settings.PACTE_IMAGE_FORM_PIXELS = 1_000_000
    club = ClubFactory()
    client.force_login(member(club))
    photos = [image_upload(f"p{n}.jpg", size=(800, 600)) for n in range(3)]  # 480,000 pixels each
    response = client.post(
        reverse("clubs:practice_create", args=[club.slug]),
        {"title": "Mon composteur", "text": "Trois bacs.", "photos": photos},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "p2.jpg : les photos envoyées ensemble sont trop grandes" in body
    assert not Practice.objects.exists()


# --- 13. unsubscribe links work for a year, then offer a new one -----------------------------


def test_unsubscribe_link_expires_after_a_year_and_offers_a_new_one(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    club = ClubFactory()
    person = member(club)
    recent = unsubscribe_token(club=club, user=person)
    assert client.get(reverse("clubs:unsubscribe", args=[recent])).status_code == 200
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 366 * 24 * 3600):
        old = unsubscribe_token(club=club, user=person)
    url = reverse("clubs:unsubscribe", args=[old])
    response = client.get(url)
    assert response.status_code == 410 and "a plus d'un an" in response.content.decode()
    # The old link unsubscribes no one...
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert ClubMembershipRecord.objects.get(club=club, user=person).receives_mailings is True
    # ...but sends a fresh link to the member's own address, once an hour at most.
    assert "Un nouveau lien vient de partir" in response.content.decode()
    assert [m.to for m in mailoutbox] == [[person.email]]
    fresh = re.search(r"/clubs/desabonnement/([^/\s]+)/", mailoutbox[0].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert "déjà été envoyé" in client.post(url).content.decode()
    assert len(mailoutbox) == 1
    client.post(reverse("clubs:unsubscribe", args=[fresh]))
    assert ClubMembershipRecord.objects.get(club=club, user=person).receives_mailings is False


# --- 8. the clubs' number fields are bounded --------------------------------------------------


@pytest.mark.parametrize("value", ["99999999999", "9223372036854775808", "99999999999999999999", "0"])
def test_out_of_range_numbers_are_refused_by_the_clubs_forms(client, value):
    club = ClubFactory()
    client.force_login(animator(club))
    response = client.post(
        reverse("clubs:meeting_create", args=[club.slug]),
        {
            "title": "Rencontre",
            "starts_at": "2030-05-14T18:00",
            "ends_at": "2030-05-14T20:00",
            "registration_required": "on",
            "capacity": value,
        },
    )
    assert response.status_code == 200 and 'id="id_capacity_error"' in response.content.decode()

    charter = Charter.objects.current()
    if charter is not None:
        response = client.post(
            reverse("clubs:garden_new"), {"charter_version": value, "accept_charter": "on"}
        )
        assert response.status_code == 200
