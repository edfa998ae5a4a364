"""Admin of the letter: the editors' group, previews, test send, schedule, send now, progress;
every save and button goes through the services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsletter.enums import DeliveryStatus, IssueStatus, SheetStatus
from newsletter.models import Delivery, ExperienceSheet, Issue
from pacte.models import AuditEntry
from tests.newsletter.conftest import ROLES
from tests.newsletter.factories import IssueFactory, SectionFactory, SheetFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

# Who reaches the letter's admin pages: its editors and the DACTE; another team's staff gets a
# 403, people without staff powers are sent to the login.
ALLOWED = {"anonymous": 302, "citizen": 302, "other_staff": 403, "editor": 200, "dacte": 200}


@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_matrix(client, world, role):
    issue = IssueFactory()
    SectionFactory(issue=issue)
    sheet = SheetFactory()
    world.login(client, role)
    urls = [
        f"/admin/newsletter/issue/{issue.pk}/apercu/",
        f"/admin/newsletter/issue/{issue.pk}/apercu-email.html",
        f"/admin/newsletter/issue/{issue.pk}/apercu-email.txt",
        f"/admin/newsletter/issue/{issue.pk}/envoi/",
        f"/admin/newsletter/issue/{issue.pk}/envoi/progression/",
        f"/admin/newsletter/issue/{issue.pk}/change/",
        f"/admin/newsletter/experiencesheet/{sheet.pk}/change/",
        "/admin/newsletter/subscriber/",
        "/admin/newsletter/delivery/",
    ]
    for url in urls:
        response = client.get(url)
        expected = ALLOWED[role]
        if expected == 403 and response.status_code == 302:
            expected = 302  # Django's admin sends staff without rights to its login
        assert response.status_code == expected, (url, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_send_now_button_matrix(client, world, role):
    issue = IssueFactory()
    SectionFactory(issue=issue)
    SubscriberFactory()
    world.login(client, role)
    client.post(f"/admin/newsletter/issue/{issue.pk}/envoi/", {"action": "send_now"})
    issue.refresh_from_db()
    assert (issue.status != IssueStatus.DRAFT) == (role in {"editor", "dacte"})


def test_previews_show_the_issue_as_page_and_as_email(client, world):
    issue = IssueFactory(title="L'eau, un bien commun")
    SectionFactory(issue=issue, title="Le FSL eau")
    world.login(client, "editor")
    page = client.get(f"/admin/newsletter/issue/{issue.pk}/apercu/").content.decode()
    assert "Aperçu de la rédaction" in page and "Le FSL eau" in page
    html = client.get(f"/admin/newsletter/issue/{issue.pk}/apercu-email.html")
    assert "Le FSL eau" in html.content.decode() and "unsafe-inline" in html["Content-Security-Policy"]
    text = client.get(f"/admin/newsletter/issue/{issue.pk}/apercu-email.txt")
    assert text["Content-Type"].startswith("text/plain") and "Le FSL eau" in text.content.decode()
    assert "Me désabonner en un clic" in text.content.decode()


def test_sending_page_says_how_many_will_receive_it(client, world):
    issue = IssueFactory()
    SubscriberFactory()
    SubscriberFactory()
    SubscriberFactory(pending=True)
    world.login(client, "editor")
    page = client.get(f"/admin/newsletter/issue/{issue.pk}/envoi/").content.decode()
    assert "aux <strong>2</strong> abonné·es confirmé·es" in page


def test_test_send_goes_to_the_editor_only(client, world, django_capture_on_commit_callbacks):
    issue = IssueFactory()
    SectionFactory(issue=issue)
    SubscriberFactory()
    editor = world.login(client, "editor")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/newsletter/issue/{issue.pk}/envoi/", {"action": "test"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert mail.outbox[0].subject.startswith("[PACTE] [ESSAI]")
    assert not Delivery.objects.exists()
    assert AuditEntry.objects.filter(verb="newsletter.issue.test_send", actor=editor).exists()


def test_schedule_refuses_the_past_next_to_the_field_and_accepts_the_future(client, world):
    issue = IssueFactory()
    SectionFactory(issue=issue)
    world.login(client, "editor")
    url = f"/admin/newsletter/issue/{issue.pk}/envoi/"
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"action": "schedule", "scheduled_at": past})
    assert response.status_code == 400
    assert "Choisissez une date et une heure à venir." in response.content.decode()
    assert f'value="{past}"' in response.content.decode()
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"action": "schedule", "scheduled_at": future}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SCHEDULED and issue.scheduled_at > timezone.now()
    assert client.post(url, {"action": "unschedule"}).status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT


def test_progress_counts_sent_failed_remaining_and_polls_while_running(client, world):
    issue = IssueFactory(status=IssueStatus.SENDING)
    for status in [DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.PENDING]:
        Delivery.objects.create(issue=issue, subscriber=SubscriberFactory(), status=status)
    world.login(client, "editor")
    fragment = client.get(f"/admin/newsletter/issue/{issue.pk}/envoi/progression/").content.decode()
    assert "Envoyés : <strong>2</strong>" in fragment
    assert "Échecs : <strong>1</strong>" in fragment
    assert "Restants : <strong>1</strong>" in fragment
    assert 'data-hx-trigger="every 2s"' in fragment
    listing = client.get("/admin/newsletter/issue/").content.decode()
    assert "2 / 1 / 1" in listing


def test_issue_add_and_sections_go_through_the_services(client, world):
    world.login(client, "editor")
    response = client.post(
        "/admin/newsletter/issue/add/",
        {
            "number": "7",
            "month": "2026-05-01",
            "title": "Se loger dignement",
            "editorial": "Éditorial.",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-MIN_NUM_FORMS": "0",
            "sections-MAX_NUM_FORMS": "1000",
            "sections-0-kind": "aides",
            "sections-0-title": "Le FSL",
            "sections-0-body": "Texte.",
            "sections-0-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    issue = Issue.objects.get(number=7)
    assert issue.status == IssueStatus.DRAFT and issue.sections.get().title == "Le FSL"
    assert AuditEntry.objects.filter(verb="newsletter.issue.create").exists()
    assert AuditEntry.objects.filter(verb="newsletter.section.create").exists()


def test_a_sent_issue_is_read_only(client, world):
    issue = IssueFactory(sent=True)
    world.login(client, "editor")
    page = client.get(f"/admin/newsletter/issue/{issue.pk}/change/").content.decode()
    assert 'name="title"' not in page


def test_sheet_workflow_through_admin_actions(client, world):
    sheet = SheetFactory(draft=True)
    world.login(client, "editor")
    changelist = "/admin/newsletter/experiencesheet/"
    client.post(changelist, {"action": "publish", "_selected_action": [sheet.pk]})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT  # a draft is not published without review
    client.post(changelist, {"action": "submit", "_selected_action": [sheet.pk]})
    client.post(changelist, {"action": "publish", "_selected_action": [sheet.pk]})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.PUBLISHED and sheet.published_at
    verbs = list(AuditEntry.objects.filter(object_id=str(sheet.pk)).values_list("verb", flat=True))
    assert "newsletter.sheet.submit" in verbs and "newsletter.sheet.publish" in verbs


def test_sheet_save_in_admin_cannot_change_status(client, world):
    world.login(client, "editor")
    response = client.post(
        "/admin/newsletter/experiencesheet/add/",
        {
            "title": "Nouvelle fiche",
            "slug": "nouvelle-fiche",
            "summary": "En bref.",
            "context": "C",
            "public": "P",
            "action": "A",
            "results": "R",
            "status": "published",
        },
    )
    assert response.status_code == 302
    assert ExperienceSheet.objects.get(slug="nouvelle-fiche").status == SheetStatus.DRAFT


def test_admin_todo_counts_sheets_in_review_for_editors_only(rf, world):
    from pacte import portal

    SheetFactory(review=True)
    request = rf.get("/admin/")
    request.user = world.people["editor"]
    items = [item for item in portal.admin_todo(request) if item.group == "Lettre aux travailleurs sociaux"]
    assert [(item.count, item.label) for item in items] == [(1, "fiche en relecture")]
    request.user = world.people["other_staff"]
    assert not [
        item for item in portal.admin_todo(request) if item.group == "Lettre aux travailleurs sociaux"
    ]


@pytest.mark.parametrize("role, allowed", [("editor", True), ("dacte", True)])
def test_deactivate_action_goes_through_the_service(client, world, role, allowed):
    subscriber = SubscriberFactory()
    world.login(client, role)
    client.post(
        "/admin/newsletter/subscriber/", {"action": "deactivate", "_selected_action": [subscriber.pk]}
    )
    subscriber.refresh_from_db()
    assert (subscriber.status == "deactivated") == allowed
    assert subscriber.deactivation_reason == "Désactivée par la rédaction."
    assert AuditEntry.objects.filter(
        verb="newsletter.subscriber.deactivate", object_id=str(subscriber.pk)
    ).exists()
