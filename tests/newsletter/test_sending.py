"""Sending an issue: one delivery per subscriber, claimed before sending, exactly once through
crashes, outages and refusals — against a real SMTP server started by the tests (aiosmtpd)."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from newsletter.enums import DeliveryStatus, IssueStatus, SubscriberStatus
from newsletter.models import Delivery, Issue
from newsletter.services import (
    deliveries_send_batch,
    issue_finish_if_done,
    issue_send_now,
    subscriber_unsubscribe,
)
from newsletter.services.sending import MAX_ATTEMPTS, MAX_FAILURES
from newsletter.tasks import resume_sendings, send_issue
from pacte.models import AuditEntry
from tests.newsletter.factories import IssueFactory, SectionFactory, SubscriberFactory, editor
from tests.newsletter.smtp import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def _sending_issue(n_subscribers=5):
    subscribers = [SubscriberFactory() for _ in range(n_subscribers)]
    SubscriberFactory(pending=True)  # never receives anything before confirming
    SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED)
    issue = IssueFactory()
    SectionFactory(issue=issue)
    issue = issue_send_now(issue=issue, by=editor())
    return issue, subscribers


def _run_until_done(issue, rounds=20, **kwargs):
    for _ in range(rounds):
        deliveries_send_batch(issue=issue, **kwargs)
        if issue_finish_if_done(issue=issue):
            return
    raise AssertionError("the sending did not finish")


def test_send_now_creates_one_delivery_per_active_subscriber_and_queues_the_task(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        issue, subscribers = _sending_issue(3)
    assert issue.status == IssueStatus.SENDING
    assert set(issue.deliveries.values_list("subscriber_id", flat=True)) == {s.pk for s in subscribers}
    assert [cb for cb in callbacks if cb.__qualname__.startswith("_start")]  # the task, after commit
    assert AuditEntry.objects.filter(verb="newsletter.issue.send").exists()


def test_every_subscriber_gets_html_text_and_one_click_headers(smtp):
    issue, subscribers = _sending_issue(3)
    _run_until_done(issue)
    assert smtp.handler.per_recipient() == {s.email: 1 for s in subscribers}
    message = smtp.handler.messages[0]
    assert message["content_types"][:3] == ["multipart/alternative", "text/plain", "text/html"]
    assert (
        message["list_unsubscribe"].strip().startswith("<http")
        and "/lettre/desabonnement/" in message["list_unsubscribe"]
    )
    assert message["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    assert message["message_id"].startswith(f"<lettre-{issue.pk}-")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT and issue.sent_at
    assert AuditEntry.objects.filter(verb="newsletter.issue.sent").count() == 1


def test_a_rerun_sends_nothing_twice(smtp):
    issue, subscribers = _sending_issue(3)
    _run_until_done(issue)
    result = deliveries_send_batch(issue=issue)
    assert result.sent == 0
    assert len(smtp.handler.messages) == 3


def test_the_rate_limit_spaces_the_messages(smtp):
    issue, _ = _sending_issue(3)
    started = timezone.now()
    deliveries_send_batch(issue=issue, pause=0.2)
    assert (timezone.now() - started).total_seconds() >= 0.4


def test_batches_take_at_most_limit_rows(smtp):
    issue, _ = _sending_issue(5)
    result = deliveries_send_batch(issue=issue, limit=2)
    assert result.sent == 2 and result.due == 3


def test_a_server_failing_for_a_while_ends_with_each_subscriber_once(smtp):
    issue, subscribers = _sending_issue(5)
    smtp.handler.fail_data = 3  # three 451 at DATA: an outage, not the addresses' fault
    outages = 0
    for _ in range(10):
        result = deliveries_send_batch(issue=issue)
        outages += result.outage
        if issue_finish_if_done(issue=issue):
            break
    assert outages == 3
    assert smtp.handler.per_recipient() == {s.email: 1 for s in subscribers}
    assert set(issue.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # An outage never counts against an address.
    for subscriber in subscribers:
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.ACTIVE and subscriber.failure_count == 0


def test_an_unreachable_server_is_an_outage_then_the_sending_resumes(settings):
    issue, subscribers = _sending_issue(2)
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port  # nothing listens yet
    result = deliveries_send_batch(issue=issue)
    assert result.outage and result.sent == 0
    assert set(issue.deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    server.start()
    try:
        _run_until_done(issue)
        assert server.handler.per_recipient() == {s.email: 1 for s in subscribers}
    finally:
        server.stop()


def test_hard_bounce_fails_the_delivery_and_deactivates_with_the_reason(smtp):
    issue, subscribers = _sending_issue(3)
    bounced = subscribers[0]
    smtp.handler.rcpt_answers[bounced.email] = "550 5.1.1 Boîte inconnue"
    _run_until_done(issue)
    delivery = Delivery.objects.get(issue=issue, subscriber=bounced)
    assert delivery.status == DeliveryStatus.FAILED and "550" in delivery.last_error
    bounced.refresh_from_db()
    assert bounced.status == SubscriberStatus.DEACTIVATED
    assert "550" in bounced.deactivation_reason
    assert AuditEntry.objects.filter(verb="newsletter.subscriber.deactivate").count() == 1
    assert smtp.handler.per_recipient() == {s.email: 1 for s in subscribers[1:]}


def test_temporary_refusal_is_retried_later_then_given_up(smtp):
    issue, subscribers = _sending_issue(2)
    flaky = subscribers[0]
    smtp.handler.rcpt_answers[flaky.email] = "450 4.2.1 Boîte pleine"
    result = deliveries_send_batch(issue=issue)
    assert result.retry_later == 1 and result.sent == 1
    delivery = Delivery.objects.get(issue=issue, subscriber=flaky)
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at > timezone.now()
    # Not due yet: a batch now leaves it alone.
    assert deliveries_send_batch(issue=issue).retry_later == 0
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        later += timedelta(days=1)
        deliveries_send_batch(issue=issue, now=later)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == MAX_ATTEMPTS
    flaky.refresh_from_db()
    assert flaky.failure_count == 1 and flaky.status == SubscriberStatus.ACTIVE
    assert issue_finish_if_done(issue=issue)


def test_repeated_failures_deactivate_the_address(smtp):
    flaky = SubscriberFactory(failure_count=MAX_FAILURES - 1)
    smtp.handler.rcpt_answers[flaky.email] = "452 4.2.2 Boîte pleine"
    issue = issue_send_now(issue=SectionFactory().issue, by=editor())
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS + 1):
        deliveries_send_batch(issue=issue, now=later)
        later += timedelta(days=1)
    flaky.refresh_from_db()
    assert flaky.status == SubscriberStatus.DEACTIVATED
    assert flaky.deactivation_reason.startswith("Échecs répétés")


def test_a_claim_of_a_dead_worker_is_taken_back_after_the_lease(smtp):
    issue, subscribers = _sending_issue(2)
    stuck = Delivery.objects.filter(issue=issue).first()
    # What a worker killed after its claim leaves behind.
    Delivery.objects.filter(pk=stuck.pk).update(
        status=DeliveryStatus.SENDING,
        claimed_at=timezone.now(),
        claim_token="00000000-0000-0000-0000-000000000001",
    )
    result = deliveries_send_batch(issue=issue, lease=timedelta(minutes=5))
    assert result.sent == 1  # the other one; the claimed row is still within its lease
    assert not issue_finish_if_done(issue=issue)
    result = deliveries_send_batch(
        issue=issue, lease=timedelta(minutes=5), now=timezone.now() + timedelta(minutes=6)
    )
    assert result.sent == 1
    assert issue_finish_if_done(issue=issue)
    assert smtp.handler.per_recipient() == {s.email: 1 for s in subscribers}


def test_an_address_that_left_meanwhile_is_skipped(smtp):
    issue, subscribers = _sending_issue(2)
    subscriber_unsubscribe(subscriber=subscribers[0])
    _run_until_done(issue)
    assert smtp.handler.per_recipient() == {subscribers[1].email: 1}
    assert Delivery.objects.get(subscriber=subscribers[0]).status == DeliveryStatus.SKIPPED


def test_a_message_refused_for_its_content_fails_without_blaming_the_address():
    issue, subscribers = _sending_issue(1)

    class Refusing:
        def open(self):
            return True

        def close(self):
            pass

        def send_messages(self, messages):
            raise smtplib.SMTPDataError(554, b"5.6.0 Contenu refuse")

    result = deliveries_send_batch(issue=issue, connection=Refusing())
    assert result.failed == 1
    subscribers[0].refresh_from_db()
    assert subscribers[0].status == SubscriberStatus.ACTIVE and subscribers[0].failure_count == 0


def test_the_task_sends_in_process_and_the_issue_joins_the_archive(
    client, django_capture_on_commit_callbacks
):
    issue = IssueFactory()
    SectionFactory(issue=issue)
    subscribers = [SubscriberFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        issue_send_now(issue=issue, by=editor())
    # Eager Celery (tests, make run): the task ran at commit.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in subscribers)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    assert client.get(f"/lettre/{issue.number}/").status_code == 200


def test_resume_starts_scheduled_issues_whose_time_came(django_capture_on_commit_callbacks):
    issue = IssueFactory(status=IssueStatus.SCHEDULED, scheduled_at=timezone.now() - timedelta(minutes=1))
    SectionFactory(issue=issue)
    later = IssueFactory(status=IssueStatus.SCHEDULED, scheduled_at=timezone.now() + timedelta(hours=1))
    SubscriberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        resume_sendings()
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.SENT
    assert Issue.objects.get(pk=later.pk).status == IssueStatus.SCHEDULED
    assert len(mail.outbox) == 1


def test_task_is_safe_for_an_unknown_or_finished_issue():
    assert send_issue(999999) == {}
    assert send_issue(IssueFactory(sent=True).pk) == {}


def test_an_error_of_one_message_does_not_hold_up_the_others():
    issue, subscribers = _sending_issue(2)
    bad = subscribers[0]

    class OneBadAddress:
        sent = []

        def open(self):
            return True

        def close(self):
            pass

        def send_messages(self, messages):
            if messages[0].to == [bad.email]:
                raise ValueError("adresse impossible à encoder")
            self.sent.extend(messages)
            return 1

    connection = OneBadAddress()
    result = deliveries_send_batch(issue=issue, connection=connection)
    assert (result.sent, result.failed, result.outage) == (1, 1, False)
    assert "ValueError" in Delivery.objects.get(subscriber=bad).last_error
    assert issue_finish_if_done(issue=issue)
