"""Issues: content, test sends, scheduling, and the start and end of a sending."""

from django.db import transaction
from django.utils import timezone

from pacte.cache import invalidate
from pacte.permissions import acts_as_staff
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..enums import DeliveryStatus, IssueStatus
from ..models import Delivery, Issue, Section, Subscriber

EDITABLE = {IssueStatus.DRAFT, IssueStatus.SCHEDULED}


def can_edit(user) -> bool:
    return acts_as_staff(user) and user.has_perm("newsletter.change_issue")


def can_send(user) -> bool:
    return acts_as_staff(user) and user.has_perm("newsletter.send_issue")


def _check_editor(by) -> None:
    if not can_edit(by):
        raise RefusedError("Seule l'équipe de rédaction de la lettre peut modifier un numéro.")


def _check_sender(by) -> None:
    if not can_send(by):
        raise RefusedError("Seule l'équipe de rédaction de la lettre peut envoyer un numéro.")


def _check_editable(issue: Issue) -> None:
    if issue.pk and Issue.objects.filter(pk=issue.pk).exclude(status__in=EDITABLE).exists():
        raise RefusedError(
            "Ce numéro est parti (ou part en ce moment) : son contenu ne change plus, l'archive montre ce qui a été envoyé."
        )


@transaction.atomic
def issue_save(*, issue: Issue, sheets=None, by) -> Issue:
    """Create or edit an issue that has not been sent; the status only moves by the services below."""
    _check_editor(by)
    _check_editable(issue)
    created = issue.pk is None
    if created:
        issue.status = IssueStatus.DRAFT
    else:
        current = Issue.objects.values("status", "scheduled_at").get(pk=issue.pk)
        issue.status, issue.scheduled_at = current["status"], current["scheduled_at"]
    issue.month = issue.month.replace(day=1) if issue.month else issue.month
    issue.full_clean()
    issue.save()
    if sheets is not None:
        issue.sheets.set(sheets)
    audit_log(target=issue, verb="newsletter.issue.create" if created else "newsletter.issue.update", by=by)
    return issue


@transaction.atomic
def section_save(*, section: Section, by) -> Section:
    _check_editor(by)
    _check_editable(section.issue)
    created = section.pk is None
    section.full_clean()
    section.save()
    audit_log(
        target=section.issue,
        verb="newsletter.section.create" if created else "newsletter.section.update",
        by=by,
        data={"section": section.pk, "titre": section.title},
    )
    return section


@transaction.atomic
def section_delete(*, section: Section, by) -> None:
    _check_editor(by)
    _check_editable(section.issue)
    audit_log(target=section.issue, verb="newsletter.section.delete", by=by, data={"titre": section.title})
    section.delete()


@transaction.atomic
def issue_send_test(*, issue: Issue, by) -> str:
    """Send the issue to the editor's own address, marked as a test (after commit). Nothing is
    recorded as a delivery; personal links point to the letter's page."""
    from pacte.tasks import send_email

    from ..rendering import issue_context, issue_message, preview_links

    _check_editor(by)
    rate_limit(by=by, action="newsletter.test_send", limit="20/h")
    message = issue_message(context=issue_context(issue), to=by.email, test=True, **preview_links())
    audit_log(target=issue, verb="newsletter.issue.test_send", by=by, data={"to": by.email})

    parts = {
        "to": message.to,
        "subject": message.subject,
        "text": message.body,
        "html": message.alternatives[0][0],
        "headers": message.extra_headers,
    }
    transaction.on_commit(lambda: send_email.delay(**parts))
    return by.email


@transaction.atomic
def issue_schedule(*, issue: Issue, at, by) -> Issue:
    """Programme the sending: the periodic task starts it when the time comes."""
    _check_sender(by)
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status not in EDITABLE:
        raise RefusedError("Ce numéro est déjà parti ou en cours d'envoi.")
    if at is None or at <= timezone.now():
        raise RefusedError({"scheduled_at": "Choisissez une date et une heure à venir."})
    previous = issue.status
    issue.status = IssueStatus.SCHEDULED
    issue.scheduled_at = at
    issue.save(update_fields=["status", "scheduled_at", "updated_at"])
    audit_log(
        target=issue,
        verb="newsletter.issue.schedule",
        by=by,
        from_state=previous,
        to_state=issue.status,
        data={"at": at.isoformat()},
    )
    return issue


@transaction.atomic
def issue_cancel_schedule(*, issue: Issue, by) -> Issue:
    _check_sender(by)
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != IssueStatus.SCHEDULED:
        raise RefusedError("Ce numéro n'est pas programmé.")
    issue.status = IssueStatus.DRAFT
    issue.scheduled_at = None
    issue.save(update_fields=["status", "scheduled_at", "updated_at"])
    audit_log(
        target=issue,
        verb="newsletter.issue.unschedule",
        by=by,
        from_state=IssueStatus.SCHEDULED,
        to_state=issue.status,
    )
    return issue


def _start(issue: Issue, by) -> Issue:
    """Draft or scheduled → sending: one delivery row per active subscriber, then the task."""
    from ..tasks import send_issue

    if issue.status not in EDITABLE:
        raise RefusedError("Ce numéro est déjà parti ou en cours d'envoi.")
    if not issue.sections.exists() and not issue.editorial.strip():
        raise RefusedError("Ce numéro est vide : écrivez son éditorial et ses articles avant de l'envoyer.")
    previous = issue.status
    now = timezone.now()
    issue.status = IssueStatus.SENDING
    issue.sending_started_at = now
    issue.save(update_fields=["status", "sending_started_at", "updated_at"])
    # The audience is fixed now; rows are created in one statement, and the constraint on
    # (issue, subscriber) makes a second start create nothing.
    Delivery.objects.bulk_create(
        [
            Delivery(issue=issue, subscriber_id=pk)
            for pk in Subscriber.objects.active().values_list("pk", flat=True)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    audit_log(
        target=issue,
        verb="newsletter.issue.send",
        by=by,
        from_state=previous,
        to_state=issue.status,
        data={"deliveries": issue.deliveries.count()},
    )
    issue_pk = issue.pk
    transaction.on_commit(lambda: send_issue.delay(issue_pk))
    return issue


@transaction.atomic
def issue_send_now(*, issue: Issue, by) -> Issue:
    """The admin's "Envoyer maintenant" button."""
    _check_sender(by)
    return _start(Issue.objects.select_for_update().get(pk=issue.pk), by)


def issues_start_due(now=None) -> int:
    """Start the scheduled issues whose time has come (the periodic task, every minute)."""
    now = now or timezone.now()
    started = 0
    for pk in Issue.objects.filter(status=IssueStatus.SCHEDULED, scheduled_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            issue = Issue.objects.select_for_update().get(pk=pk)
            if issue.status == IssueStatus.SCHEDULED:
                try:
                    _start(issue, None)
                    started += 1
                except RefusedError:
                    continue
    return started


@transaction.atomic
def issue_finish_if_done(*, issue: Issue) -> bool:
    """Sending → sent once no delivery waits any more (sent, failed for good or skipped); the
    issue then appears in the public archive."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != IssueStatus.SENDING:
        return issue.status == IssueStatus.SENT
    waiting = issue.deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]).exists()
    if waiting:
        return False
    issue.status = IssueStatus.SENT
    issue.sent_at = timezone.now()
    issue.save(update_fields=["status", "sent_at", "updated_at"])
    counts = {
        status: issue.deliveries.filter(status=status).count()
        for status in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)
    }
    audit_log(
        target=issue,
        verb="newsletter.issue.sent",
        from_state=IssueStatus.SENDING,
        to_state=IssueStatus.SENT,
        data=counts,
    )
    transaction.on_commit(lambda: invalidate("newsletter"))
    return True
