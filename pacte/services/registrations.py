from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..emails import send_templated_email
from ..enums import RegistrationStatus
from ..models import Event, Registration
from .audit import audit_log
from .errors import RefusedError


def _locked_event(event: Event) -> Event:
    # The row lock serialises concurrent sign-ups for one event, so capacity holds (PostgreSQL);
    # SQLite serialises whole transactions (IMMEDIATE mode, see settings).
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def registration_create(*, event: Event, user, by=None) -> Registration:
    """Register `user`: confirmed while places are left, otherwise on the waiting list.

    Refused with a French reason when the event is unpublished, past, closed or not yet open, when
    the person is not among its public (professionals, members of the organiser), or when they
    already hold a live registration.
    """
    event = _locked_event(event)
    refusal = event.registration_refusal(user=user)
    if refusal:
        raise RefusedError(refusal, code="registration_closed")
    if Registration.objects.active().filter(event=event, user=user).exists():
        raise RefusedError("Vous êtes déjà inscrit·e à cet événement.", code="already_registered")

    if event.is_full:
        status = RegistrationStatus.WAITLISTED
    else:
        status = RegistrationStatus.CONFIRMED
        event.seats_taken += 1
        event.save(update_fields=["seats_taken", "updated_at"])
    registration = Registration(event=event, user=user, status=status)
    registration.full_clean()
    registration.save()
    audit_log(target=registration, verb="registration.create", by=by or user, to_state=status)
    send_templated_email(
        to=user.email,
        template="registration_confirmed"
        if status == RegistrationStatus.CONFIRMED
        else "registration_waitlisted",
        context={"user": user, "event": event, "registration": registration},
    )
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by, reason: str = "") -> Registration | None:
    """Cancel a live registration; a freed place goes to the first person on the waiting list.

    The person is told by e-mail. Returns the promoted registration, if any. Refused once the
    event has started.
    """
    event = _locked_event(registration.event)
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    )
    if registration.status == RegistrationStatus.CANCELLED:
        raise RefusedError("Cette inscription est déjà annulée.", code="already_cancelled")
    if event.starts_at <= timezone.now():
        raise RefusedError(
            "L'événement a commencé : l'inscription ne peut plus être annulée.", code="started"
        )
    previous = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_log(
        target=registration,
        verb="registration.cancel",
        by=by,
        from_state=previous,
        to_state=RegistrationStatus.CANCELLED,
        reason=reason,
    )
    if registration.user_id:
        send_templated_email(
            to=registration.user.email,
            template="registration_cancelled",
            context={"user": registration.user, "event": event, "registration": registration},
        )
    promoted = None
    if previous == RegistrationStatus.CONFIRMED:
        event.seats_taken -= 1
        promoted = _promote_next(event)
        event.save(update_fields=["seats_taken", "updated_at"])
    return promoted


def _promote_next(event: Event, *, reason: str = "Place libérée par une annulation.") -> Registration | None:
    """Confirm the first person waiting when the locked `event` has a place; the caller saves
    the event's seat count."""
    if event.is_full:
        return None
    promoted = (
        Registration.objects.select_for_update(of=("self",))
        .filter(event=event, status=RegistrationStatus.WAITLISTED)
        .queue_order()
        .select_related("user")
        .first()
    )
    if promoted is None:
        return None
    promoted.status = RegistrationStatus.CONFIRMED
    promoted.promoted_at = timezone.now()
    promoted.save(update_fields=["status", "promoted_at", "updated_at"])
    event.seats_taken += 1
    audit_log(
        target=promoted,
        verb="registration.promote",
        from_state=RegistrationStatus.WAITLISTED,
        to_state=RegistrationStatus.CONFIRMED,
        reason=reason,
    )
    if promoted.user_id:
        send_templated_email(
            to=promoted.user.email,
            template="registration_promoted",
            context={"user": promoted.user, "event": event, "registration": promoted},
        )
    return promoted


@transaction.atomic
def event_record_attendance(*, event: Event, attended_ids, walk_in_count: int, by) -> Event:
    """Record who came among the registered, plus a headcount of people without registration."""
    event = _locked_event(event)
    if event.starts_at > timezone.now():
        raise RefusedError("Les présences se saisissent une fois l'événement commencé.", code="not_started")
    if walk_in_count < 0:
        raise RefusedError("Le nombre de personnes venues sans inscription ne peut être négatif.")
    attended_ids = {int(pk) for pk in attended_ids}
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    confirmed.filter(pk__in=attended_ids).update(attended=True, updated_at=timezone.now())
    confirmed.exclude(pk__in=attended_ids).update(attended=False, updated_at=timezone.now())
    event.walk_in_count = walk_in_count
    event.attendance_recorded_at = timezone.now()
    event.save(update_fields=["walk_in_count", "attendance_recorded_at", "updated_at"])
    audit_log(
        target=event,
        verb="event.attendance",
        by=by,
        data={"attended": len(attended_ids), "walk_in": walk_in_count},
    )
    return event


ATTENDANCE_STATES = {True: "present", False: "absent", None: ""}


@transaction.atomic
def registration_set_attended(*, registration: Registration, attended: bool | None, by) -> Registration:
    """Correct one person's attendance (staff, after the event); refused before the event starts
    and for registrations that were not confirmed."""
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if event.starts_at > timezone.now():
        raise RefusedError("Les présences se saisissent une fois l'événement commencé.", code="not_started")
    if attended is not None and registration.status != RegistrationStatus.CONFIRMED:
        raise RefusedError(
            "Seules les inscriptions confirmées peuvent être marquées présentes ou absentes.",
            code="not_confirmed",
        )
    if registration.attended == attended:
        return registration
    previous = registration.attended
    registration.attended = attended
    registration.save(update_fields=["attended", "updated_at"])
    audit_log(
        target=registration,
        verb="registration.attendance",
        by=by,
        from_state=ATTENDANCE_STATES[previous],
        to_state=ATTENDANCE_STATES[attended],
    )
    return registration


def registration_send_reminders(now=None) -> int:
    """E-mail confirmed people the day before their event; safe to run twice (marks each one)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    sent = 0
    due = (
        Registration.objects.confirmed()
        .filter(
            reminder_sent_at__isnull=True,
            user__isnull=False,
            event__is_published=True,
            event__starts_at__date=tomorrow,
        )
        .select_related("user", "event", "event__commune")
    )
    for registration in due.iterator(chunk_size=500):
        with transaction.atomic():
            # Claim the row first so a second run (or worker) does not send it again.
            claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            send_templated_email(
                to=registration.user.email,
                template="event_reminder",
                context={"user": registration.user, "event": registration.event},
            )
            sent += 1
    return sent
