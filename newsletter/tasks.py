"""Letter tasks: thin, they take ids, reload and call a service. Safe to run twice or in parallel
(the deliveries are claimed row by row, see services/sending.py)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings


def _setting(name, default):
    return getattr(settings, name, default)


def _same_queue(task) -> dict:
    # Follow-up batches go to the queue the sending came from (a dedicated queue of senders
    # stays the only one that sends).
    queue = (task.request.delivery_info or {}).get("routing_key")
    return {"queue": queue} if queue and not task.request.is_eager else {}


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_issue(
    self,
    issue_id: int,
    lease_seconds: float | None = None,
    pause: float | None = None,
    retry_base: float = 10,
) -> dict:
    """Send one batch of an issue, then queue the next batch while rows are due; an SMTP outage
    retries later with a growing delay. Rows waiting for a later attempt or a lease are picked
    up by `resume_sendings` (every minute)."""
    from .enums import IssueStatus
    from .models import Issue
    from .services import deliveries_send_batch, issue_finish_if_done

    issue = Issue.objects.filter(pk=issue_id, status=IssueStatus.SENDING).first()
    if issue is None:
        return {}
    lease = timedelta(
        seconds=lease_seconds if lease_seconds is not None else _setting("NEWSLETTER_LEASE_SECONDS", 300)
    )
    # The rate limit: messages per second of one worker (a relay's quota, spam reputation).
    if pause is None:
        pause = 1 / max(1, _setting("NEWSLETTER_RATE_PER_SECOND", 5))
    result = deliveries_send_batch(
        issue=issue, limit=_setting("NEWSLETTER_BATCH_SIZE", 100), lease=lease, pause=pause
    )
    options = {"lease_seconds": lease_seconds, "pause": pause, "retry_base": retry_base}
    if result.outage:
        if self.request.is_eager:
            return {"outage": True}  # in-process (make run): no busy loop; resume_sendings retries
        retries = self.request.retries or 0
        raise self.retry(
            countdown=min(600, retry_base * 2**retries), kwargs={"issue_id": issue_id, **options}
        )
    if not issue_finish_if_done(issue=issue) and result.due:
        send_issue.apply_async(kwargs={"issue_id": issue_id, **options}, **_same_queue(self))
    return {
        "sent": result.sent,
        "failed": result.failed,
        "retry_later": result.retry_later,
        "due": result.due,
    }


@shared_task(bind=True)
def resume_sendings(
    self, lease_seconds: float | None = None, pause: float | None = None, retry_base: float = 10
) -> int:
    """Every minute (Celery beat): start the scheduled issues whose time has come, and give every
    issue being sent a batch — this is what takes back deliveries of a worker that died."""
    from .enums import IssueStatus
    from .models import Issue
    from .services import issues_start_due

    issues_start_due()
    ids = list(Issue.objects.filter(status=IssueStatus.SENDING).values_list("pk", flat=True))
    for pk in ids:
        send_issue.apply_async(
            kwargs={"issue_id": pk, "lease_seconds": lease_seconds, "pause": pause, "retry_base": retry_base},
            **_same_queue(self),
        )
    return len(ids)
