"""Sending an issue to its subscribers: every subscriber gets it once, whatever happens.

How it works. Starting a sending (`issues._start`) writes one `Delivery` row per active
subscriber. Workers then take rows in batches (`deliveries_send_batch`); for each row:

1. **Claim** — one conditional UPDATE, committed on its own: `pending` (and due) → `sending`, with
   a fresh claim token and the time. Two workers can never both claim a row: the UPDATE matches
   only while the row is still claimable, and the database serialises it.
2. **Send** — one SMTP transaction for that single address, with a Message-ID fixed for the row.
3. **Record** — `sent` (or the failure), written only if the row still carries our claim token.

What each failure leaves behind:

- **The worker dies** (killed, machine lost) between 1 and 3: the row stays `sending`. A claim
  older than the lease (`lease`, 5 minutes by default, much longer than the SMTP timeout) is
  claimable again, so the next batch — the periodic task restarts every sending issue each minute
  — sends it. Rows already `sent` are never claimed again: a re-run sends nothing twice.
- **The SMTP server is down or fails for everyone** (connection refused or lost, timeout, a 421 or
  a 4xx answer to MAIL FROM or DATA): the claim is released (`pending`, attempt not counted against
  the address), the batch stops, and the task tries again later with a growing delay. An outage
  never deactivates anyone.
- **The server refuses this address for now** (4xx to RCPT TO: greylisting, full mailbox): the row
  goes back to `pending` with `next_attempt_at` (5 min, 10, 20, …); after `MAX_ATTEMPTS` it is
  `failed` and counts as one failure of the address.
- **The server refuses this address for good** (5xx to RCPT TO: hard bounce): `failed`, and the
  address is deactivated with the server's answer as the reason; `MAX_FAILURES` issues in a row
  failed for an address (temporary refusals past `MAX_ATTEMPTS`) deactivate it too. A 5xx to the
  message itself (content, size) fails the row without blaming the address.
- **The address left** (unsubscribed, deactivated, erased) before its turn: `skipped`.
- **One message cannot be built or encoded** (an error that is not the network's nor SMTP's):
  that row alone is `failed`, with the error; the others go on.

The guarantee. No row is sent twice by the mechanism (claims are exclusive, `sent` is final), and
no row is lost (every non-final row is claimable again after its delay or lease). One window is
left that no SMTP client can close: if the worker dies after the server accepted the message but
before step 3 commits (a few milliseconds), the row is claimed again after the lease and the
message sent a second time — with the same Message-ID, by which mail systems recognise and drop a
duplicate. Everything else — crashes before or during the SMTP conversation, outages, temporary
refusals — ends with exactly one accepted message per subscriber; the tests prove it with a real
SMTP server and a real worker killed mid-send.
"""

import contextlib
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..enums import DeliveryStatus, SubscriberStatus
from ..models import Delivery, Issue, Subscriber
from .subscriptions import personal_urls, subscriber_deactivate

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
MAX_FAILURES = 3
SMTP_TIMEOUT = 60  # seconds; the lease must stay well above it
RETRY_DELAY = timedelta(minutes=5)


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retry_later: int = 0
    # True when the server failed for everyone: the caller waits before the next batch.
    outage: bool = False
    # Rows claimable now (more batches to run at once).
    due: int = 0


class _Outage(Exception):
    pass


def _claimable(now, lease: timedelta) -> Q:
    pending = Q(status=DeliveryStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - lease)
    return pending | abandoned


def _classify(error: Exception) -> tuple[str, int, str]:
    """("outage" | "temporary" | "permanent" | "address", SMTP code, text) for an SMTP error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (0, b""))
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        if code == 421:
            return "outage", code, text
        return ("address" if code >= 500 else "temporary"), code, text
    if isinstance(error, smtplib.SMTPSenderRefused):
        # Our sender refused: a problem of the server or of our configuration, never of the address.
        return "outage", error.smtp_code, str(error.smtp_error)
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        if code >= 500:
            return "permanent", code, text
        return "outage", code, text  # 4xx to MAIL FROM / DATA: the server, not the address
    if isinstance(error, OSError):
        # Connection refused or lost, timeouts, TLS errors: the server is unreachable.
        return "outage", 0, str(error) or error.__class__.__name__
    # Anything else comes from this one message (an address the mail library cannot encode…):
    # it fails alone rather than holding up the whole sending as an outage would.
    return "permanent", 0, f"{error.__class__.__name__} : {error}"


def _finish(delivery_pk: int, token, **values) -> bool:
    """Write the outcome only if the row still carries our claim (never over another worker's)."""
    return bool(
        Delivery.objects.filter(pk=delivery_pk, claim_token=token, status=DeliveryStatus.SENDING).update(
            updated_at=timezone.now(), **values
        )
    )


def _count_failure(subscriber: Subscriber, reason: str) -> None:
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        subscriber.failure_count += 1
        subscriber.save(update_fields=["failure_count", "updated_at"])
        if subscriber.failure_count >= MAX_FAILURES:
            subscriber_deactivate(
                subscriber=subscriber,
                reason=f"Échecs répétés ({subscriber.failure_count} numéros) : {reason}",
            )


def deliveries_send_batch(
    *,
    issue: Issue,
    limit: int = 100,
    lease: timedelta = LEASE,
    pause: float = 0.0,
    connection=None,
    now=None,
) -> BatchResult:
    """Send up to `limit` claimable deliveries of `issue`, `pause` seconds apart (the rate limit).

    Call it outside any transaction (as the task does): each claim and each outcome then commits
    on its own, which is what makes a crash recoverable (see the module docstring).
    """
    from ..rendering import issue_context, issue_message

    result = BatchResult()
    # `now` stands for the clock in tests (a lease or a retry delay that has run out).
    clock = (lambda: now) if now is not None else timezone.now
    now = clock()
    candidates = list(
        issue.deliveries.filter(_claimable(now, lease)).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    if not candidates:
        return result
    context = issue_context(issue)
    connection = connection or get_connection(timeout=SMTP_TIMEOUT)
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 — any failure to connect is an outage
        logger.warning("Newsletter: SMTP unreachable (%s); the sending will be retried.", error)
        result.outage = True
        return result
    try:
        for index, pk in enumerate(candidates):
            token = uuid.uuid4()
            claim_time = clock()
            claimed = (
                Delivery.objects.filter(pk=pk)
                .filter(_claimable(claim_time, lease))
                .update(
                    status=DeliveryStatus.SENDING,
                    claim_token=token,
                    claimed_at=claim_time,
                    attempts=F("attempts") + 1,
                    updated_at=claim_time,
                )
            )
            if not claimed:
                continue  # another worker took it
            delivery = Delivery.objects.select_related("subscriber").get(pk=pk)
            subscriber = delivery.subscriber
            if subscriber is None or subscriber.status != SubscriberStatus.ACTIVE:
                _finish(pk, token, status=DeliveryStatus.SKIPPED, claim_token=None)
                result.skipped += 1
                continue
            message = issue_message(context=context, to=subscriber.email, **personal_urls(subscriber))
            message.extra_headers["Message-ID"] = delivery.message_id
            if index and pause:
                time.sleep(pause)
            try:
                connection.send_messages([message])
            except Exception as error:  # noqa: BLE001 — classified below, nothing is lost
                kind, code, text = _classify(error)
                reason = f"{code} {text}".strip()[:500]
                if kind == "outage":
                    # Not the address's fault: give the claim back, the attempt does not count.
                    _finish(
                        pk,
                        token,
                        status=DeliveryStatus.PENDING,
                        claim_token=None,
                        attempts=F("attempts") - 1,
                        last_error=reason,
                    )
                    raise _Outage(reason) from error
                if kind == "temporary" and delivery.attempts < MAX_ATTEMPTS:
                    delay = RETRY_DELAY * (2 ** (delivery.attempts - 1))
                    _finish(
                        pk,
                        token,
                        status=DeliveryStatus.PENDING,
                        claim_token=None,
                        next_attempt_at=clock() + delay,
                        last_error=reason,
                    )
                    result.retry_later += 1
                    continue
                _finish(pk, token, status=DeliveryStatus.FAILED, claim_token=None, last_error=reason)
                result.failed += 1
                if kind == "address":
                    subscriber_deactivate(
                        subscriber=subscriber, reason=f"Adresse refusée par le serveur : {reason}"
                    )
                elif kind == "temporary":
                    _count_failure(subscriber, reason)
                # A 5xx to the message itself (content, size) is the issue's problem, not the address's.
                continue
            if not _finish(
                pk, token, status=DeliveryStatus.SENT, sent_at=clock(), claim_token=None, last_error=""
            ):
                # Our lease ran out and another worker holds the row: it must not happen with a
                # lease above the SMTP timeout; logged, since it may mean a duplicate.
                logger.error("Newsletter: delivery %s was taken back while being sent.", pk)
            result.sent += 1
            if subscriber.failure_count:
                Subscriber.objects.filter(pk=subscriber.pk).update(failure_count=0)
    except _Outage as outage:
        logger.warning(
            "Newsletter: SMTP failure for every address (%s); the sending will be retried.", outage
        )
        result.outage = True
    finally:
        # A dead connection cannot be closed cleanly; there is nothing left to do with it.
        with contextlib.suppress(Exception):
            connection.close()
    result.due = issue.deliveries.filter(_claimable(clock(), lease)).count()
    return result
