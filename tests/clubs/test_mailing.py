"""E-mails to a club's members: queued through Celery (eager in tests), one per member, safe to run
twice, each with a one-click unsubscribe link that works without signing in."""

import re

import pytest
from django.test import Client

from clubs.models import ClubMailing, ClubMailingRecipient, ClubMembershipRecord
from clubs.services import club_leave, club_mailing_create, club_mailings_set, unsubscribe_token
from clubs.tasks import send_club_mailing
from pacte.models import AuditEntry
from pacte.services.errors import RefusedError
from tests.clubs.factories import ClubFactory, animator, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club():
    return ClubFactory()


def _send(club, by, capture, subject="Troc samedi", message="Apportez vos graines !"):
    with capture(execute=True):
        return club_mailing_create(club=club, subject=subject, message=message, by=by)


def _unsubscribe_path(message):
    return re.search(r"https?://[^/\s]+(/clubs/desabonnement/[^/\s]+/)", message.body).group(1)


def test_one_email_per_member_with_unsubscribe_link(club, django_capture_on_commit_callbacks, mailoutbox):
    lead = animator(club)
    people = [member(club) for _ in range(3)]
    club.mail_reply_to = "club@exemple.fr"
    club.mail_signature = "Camille, pour le club"
    club.save()
    mailing = _send(club, lead, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in [lead, *people])
    message = mailoutbox[0]
    assert message.subject == f"[PACTE] {club.name} : Troc samedi"
    assert "Apportez vos graines !" in message.body and "Camille, pour le club" in message.body
    assert "Ne plus recevoir les e-mails de ce club" in message.body
    assert message.extra_headers["Reply-To"] == "club@exemple.fr"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mailing.refresh_from_db()
    assert mailing.status == "sent" and mailing.recipient_count == 4 and mailing.sent_at
    assert ClubMailingRecipient.objects.filter(mailing=mailing, sent_at__isnull=False).count() == 4
    assert list(AuditEntry.objects.for_object(mailing).values_list("verb", flat=True)) == [
        "club.mailing.sent",
        "club.mailing.create",
    ]


def test_running_the_task_twice_sends_nothing_more(club, django_capture_on_commit_callbacks, mailoutbox):
    lead = animator(club)
    member(club)
    mailing = _send(club, lead, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_club_mailing.delay(mailing.pk).get() == 0
    assert len(mailoutbox) == 2
    assert send_club_mailing(999999) == 0  # a mailing deleted meanwhile


def test_interrupted_sending_resumes_with_the_rest(club, django_capture_on_commit_callbacks, mailoutbox):
    lead = animator(club)
    first = member(club)
    mailing = ClubMailing.objects.create(club=club, subject="Reprise", message="Suite", author=lead)
    # The first run stopped after serving `first`.
    from django.utils import timezone

    ClubMailingRecipient.objects.create(mailing=mailing, user=first, sent_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        send_club_mailing(mailing.pk)
    assert [m.to for m in mailoutbox] == [[lead.email]]


def test_opted_out_and_former_members_are_left_out(club, django_capture_on_commit_callbacks, mailoutbox):
    lead = animator(club)
    quiet = member(club)
    club_mailings_set(club=club, user=quiet, receives=False, by=quiet)
    gone = member(club)
    club_leave(club=club, user=gone, by=gone)
    _send(club, lead, django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [[lead.email]]


def test_only_animators_and_staff_write_to_members(club):
    for person in (member(club), animator(ClubFactory()), UserFactory()):
        with pytest.raises(RefusedError):
            club_mailing_create(club=club, subject="x", message="y", by=person)
    assert club_mailing_create(club=club, subject="x", message="y", by=UserFactory(staff=True)).pk


def test_unsubscribe_link_works_without_login(club, django_capture_on_commit_callbacks, mailoutbox):
    lead = animator(club)
    person = member(club)
    _send(club, lead, django_capture_on_commit_callbacks)
    message = next(m for m in mailoutbox if m.to == [person.email])
    path = _unsubscribe_path(message)
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert "Me désabonner des e-mails du club" in page.content.decode()
    # A GET (a mail scanner following links) changes nothing.
    assert ClubMembershipRecord.objects.open().get(club=club, user=person).receives_mailings
    page = anonymous.post(path)
    assert "vous ne recevrez plus les e-mails du club" in page.content.decode()
    record = ClubMembershipRecord.objects.open().get(club=club, user=person)
    assert not record.receives_mailings and record.mailings_opted_out_at
    assert anonymous.post(path).status_code == 200  # twice is fine
    mailoutbox.clear()
    _send(club, lead, django_capture_on_commit_callbacks, subject="Deuxième")
    assert [m.to for m in mailoutbox] == [[lead.email]]


def test_one_click_post_from_a_mail_client_needs_no_csrf_token(club):
    person = member(club)
    client = Client(enforce_csrf_checks=True)
    path = f"/clubs/desabonnement/{unsubscribe_token(club=club, user=person)}/"
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not ClubMembershipRecord.objects.open().get(club=club, user=person).receives_mailings


def test_bad_or_stale_tokens(client, club):
    assert client.get("/clubs/desabonnement/pas-un-jeton/").status_code == 404
    person = member(club)
    token = unsubscribe_token(club=club, user=person)
    assert client.get(f"/clubs/desabonnement/{token[:-2]}xx/").status_code == 404
    club_leave(club=club, user=person, by=person)
    body = client.post(f"/clubs/desabonnement/{token}/").content.decode()
    assert "plus membre" in body


def test_member_switches_mails_back_on_from_the_club_page(client, club):
    person = member(club)
    club_mailings_set(club=club, user=person, receives=False, by=None)
    client.force_login(person)
    page = client.get(club.get_absolute_url()).content.decode()
    assert "Recevoir à nouveau les e-mails du club" in page
    client.post(f"/clubs/{club.slug}/e-mails/", {"receives": "1"})
    assert ClubMembershipRecord.objects.open().get(club=club, user=person).receives_mailings


def test_replies_go_to_the_animator_when_the_club_has_no_address(
    club, django_capture_on_commit_callbacks, mailoutbox
):
    lead = animator(club)
    member(club)
    _send(club, lead, django_capture_on_commit_callbacks)
    assert {m.extra_headers["Reply-To"] for m in mailoutbox} == {lead.email}


def test_one_greeting_and_one_signature_even_when_the_animator_writes_them(
    club, django_capture_on_commit_callbacks, mailoutbox
):
    lead = animator(club)
    person = member(club)
    written = f"Bonjour à toutes et tous,\n\nTroc de graines samedi.\n\n{lead.display_name}"
    _send(club, lead, django_capture_on_commit_callbacks, message=written)
    body = next(m.body for m in mailoutbox if m.to == [person.email])
    assert body.count("Bonjour") == 1
    assert body.count(lead.display_name) == 1
    mailoutbox.clear()
    _send(club, lead, django_capture_on_commit_callbacks, message="Troc de graines samedi.")
    body = next(m.body for m in mailoutbox if m.to == [person.email])
    assert body.startswith(f"Bonjour {person.display_name},")
    assert f"{lead.display_name}, pour le club {club.name}" in body


def test_animator_previews_then_sends_a_test_to_themself(
    client, club, mailoutbox, django_capture_on_commit_callbacks
):
    lead = animator(club)
    members = [member(club) for _ in range(2)]
    client.force_login(lead)
    url = f"/clubs/{club.slug}/animer/ecrire-aux-membres/"
    data = {"subject": "Troc samedi", "message": "Apportez vos graines !"}
    preview = client.post(url, {**data, "action": "preview"})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Aperçu de l" in page
    assert f"{club.name} : Troc samedi" in page and "Apportez vos graines !" in page and lead.email in page
    assert 'value="Troc samedi"' in page  # nothing typed is lost
    assert not mailoutbox and not ClubMailing.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        test = client.post(url, {**data, "action": "test"})
    assert test.status_code == 200
    assert [m.to for m in mailoutbox] == [[lead.email]]
    assert mailoutbox[0].extra_headers["Reply-To"] == lead.email
    assert not ClubMailing.objects.exists()
    assert all(p.email not in {m.to[0] for m in mailoutbox} for p in members)


def test_only_animators_preview_or_test(client, club):
    outsider = member(club)
    client.force_login(outsider)
    url = f"/clubs/{club.slug}/animer/ecrire-aux-membres/"
    assert client.post(url, {"subject": "x", "message": "y", "action": "test"}).status_code == 404
