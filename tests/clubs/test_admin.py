"""The clubs admin renders with data, and its actions go through the services (audited)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from clubs.enums import PracticeStatus
from clubs.models import Club, ClubMailing, ClubMembershipRecord, Practice, PracticeReply, PracticeReport
from clubs.services import club_mailing_create, practice_report
from pacte.models import AuditEntry
from tests.clubs.factories import ClubFactory, PracticeFactory, animator, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    return UserFactory(staff=True, is_superuser=True)


@pytest.fixture
def data(django_capture_on_commit_callbacks):
    club = ClubFactory()
    lead = animator(club)
    practice = PracticeFactory(club=club)
    PracticeReply.objects.create(practice=practice, author=lead, text="Bravo")
    practice_report(practice=practice, reporter=member(club), reason="Pub", by=None)
    with django_capture_on_commit_callbacks(execute=True):
        club_mailing_create(club=club, subject="Bonjour", message="Message", by=lead)
    return club, practice


@pytest.mark.parametrize(
    "model", [Club, ClubMembershipRecord, Practice, PracticeReport, PracticeReply, ClubMailing]
)
def test_admin_pages_render_with_data(client, staff, data, model):
    client.force_login(staff)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert client.get(changelist, {"q": "club"}).status_code == 200
    instance = model.objects.first()
    assert (
        client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        ).status_code
        == 200
    )


def test_club_changelist_shows_member_counts(client, staff, data):
    club, _ = data
    client.force_login(staff)
    body = client.get(reverse("admin:clubs_club_changelist")).content.decode()
    assert club.name in body and 'class="field-member_total">3<' in body


def test_practice_actions_call_the_services(client, staff, data):
    _, practice = data
    client.force_login(staff)
    changelist = reverse("admin:clubs_practice_changelist")
    client.post(changelist, {"action": "restore", "_selected_action": [practice.pk]})
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED
    assert AuditEntry.objects.filter(verb="practice.restore", actor=staff).exists()
    assert PracticeReport.objects.get().resolution == PracticeStatus.PUBLISHED
    client.post(changelist, {"action": "hide", "_selected_action": [practice.pk]})
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.HIDDEN
    # A refused transition is reported, not raised.
    response = client.post(changelist, {"action": "hide", "_selected_action": [practice.pk]}, follow=True)
    assert "déjà masquée" in response.content.decode()


def test_report_actions_and_reply_actions(client, staff, data):
    _, practice = data
    client.force_login(staff)
    report = PracticeReport.objects.get()
    client.post(
        reverse("admin:clubs_practicereport_changelist"),
        {"action": "hide_practices", "_selected_action": [report.pk]},
    )
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.HIDDEN
    reply = PracticeReply.objects.get()
    client.post(
        reverse("admin:clubs_practicereply_changelist"), {"action": "hide", "_selected_action": [reply.pk]}
    )
    reply.refresh_from_db()
    assert reply.is_hidden


def test_mailing_resume_action_is_safe(client, staff, data, django_capture_on_commit_callbacks, mailoutbox):
    mailing = ClubMailing.objects.get()
    sent = len(mailoutbox)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:clubs_clubmailing_changelist"),
            {"action": "resume_sending", "_selected_action": [mailing.pk]},
        )
    assert len(mailoutbox) == sent


def test_practices_cannot_be_added_in_admin(staff):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = staff
    assert not admin.site._registry[Practice].has_add_permission(request)
