"""Bookings of the Atelier's spaces: no two live bookings of one space overlap.

The guarantee, on every database: each booking write locks the space's row (and the residency's,
for the weekly quota) before checking, so concurrent requests for one space are handled one after
the other (row locks on PostgreSQL; on SQLite every transaction is IMMEDIATE, see settings). On
PostgreSQL an exclusion constraint (btree_gist over the space and the time range) is the backstop,
also against writes made outside these services.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from pacte.cache import invalidate
from pacte.emails import send_templated_email
from pacte.enums import Action
from pacte.models import Event
from pacte.permissions import acts_as_staff
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..enums import BookingStatus
from ..models import Booking, BookingSeries, Closure, OpeningHours, Residency, Space
from ..models.bookings import NO_SHOW_AFTER
from .common import AREA, check_referent_or_staff, check_staff, referent_emails

MAX_OCCURRENCES = 52
# Per-account limit on booking requests (a series counts once): generous for people, tight for scripts.
BOOKING_RATE = "60/h"


def _fmt(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


def week_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to next Monday 00:00, local time, of the week holding `moment`."""
    local = timezone.localtime(moment)
    monday = (local - timedelta(days=local.weekday())).date()
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    return start, timezone.make_aware(datetime.combine(monday + timedelta(days=7), datetime.min.time()))


def booked_hours(residency: Residency, moment: datetime, exclude_pk=None) -> float:
    """Hours the residency holds (live bookings) in the week of `moment`."""
    start, end = week_bounds(moment)
    bookings = Booking.objects.live().filter(residency=residency, starts_at__gte=start, starts_at__lt=end)
    if exclude_pk:
        bookings = bookings.exclude(pk=exclude_pk)
    return sum(booking.hours for booking in bookings.only("starts_at", "ends_at"))


def booking_refusal(*, space: Space, residency: Residency | None, starts_at, ends_at, now=None) -> str | None:
    """Why this slot cannot be booked, in French, or None when it can.

    Checked in the order a person can act on: the space, the residency, the duration, the
    opening hours and closures, then other bookings and the weekly quota.
    """
    now = now or timezone.now()
    if not space.is_active:
        return f"L'espace « {space.name} » n'est pas réservable."
    if ends_at <= starts_at:
        return "La fin doit venir après le début."
    if starts_at <= now:
        return "Ce créneau est passé."
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    day = local_start.date()
    if residency is not None:
        if not residency.is_active:
            return "Cette résidence n'est plus active."
        if not residency.rules_accepted_at:
            return "Un référent de l'association doit d'abord accepter le règlement intérieur."
        if not residency.spaces.filter(pk=space.pk).exists():
            return f"Votre résidence ne donne pas accès à l'espace « {space.name} »."
        if not residency.starts_on <= day <= residency.ends_on:
            return (
                f"Votre résidence court du {residency.starts_on:%d/%m/%Y} au {residency.ends_on:%d/%m/%Y} : "
                "ce jour est en dehors."
            )
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < space.min_duration_minutes:
        return f"Cet espace se réserve au moins {space.min_duration_minutes} minutes."
    if minutes > space.max_duration_minutes:
        return f"Cet espace se réserve au plus {space.max_duration_minutes} minutes d'affilée."
    if local_end.date() != day and not (
        local_end.date() == day + timedelta(days=1) and local_end.time() == datetime.min.time()
    ):
        return "Une réservation tient dans une seule journée."
    intervals = OpeningHours.objects.filter(venue_id=space.venue_id, weekday=day.weekday())
    end_time = local_end.time() if local_end.date() == day else datetime.max.time()
    if not any(i.opens_at <= local_start.time() and end_time <= i.closes_at for i in intervals):
        hours = ", ".join(f"{i.opens_at:%H:%M}–{i.closes_at:%H:%M}" for i in intervals)
        if not hours:
            return "L'Atelier est fermé ce jour-là."
        return f"En dehors des horaires d'ouverture de ce jour ({hours})."
    closure = Closure.objects.filter(venue_id=space.venue_id).covering(day, space).first()
    if closure is not None:
        return f"Fermeture : {closure.reason} ({closure.starts_on:%d/%m/%Y} – {closure.ends_on:%d/%m/%Y})."
    clash = Booking.objects.overlapping(space, starts_at, ends_at).first()
    if clash is not None:
        return (
            f"L'espace « {space.name} » est déjà réservé de {timezone.localtime(clash.starts_at):%H:%M} "
            f"à {timezone.localtime(clash.ends_at):%H:%M} ce jour-là."
        )
    if residency is not None:
        used = booked_hours(residency, starts_at)
        if used + minutes / 60 > residency.weekly_quota_hours:
            return (
                f"Quota dépassé : {used:g} h déjà réservées cette semaine sur {residency.weekly_quota_hours} h "
                "autorisées."
            )
    return None


def _lock(space: Space, residency: Residency | None):
    # Lock order (space, then residency) is the same everywhere, so two bookings never deadlock.
    space = Space.objects.select_for_update().get(pk=space.pk)
    if residency is not None:
        residency = Residency.objects.select_for_update().select_related("organisation").get(pk=residency.pk)
    return space, residency


def _insert(*, space, residency, starts_at, ends_at, title, expected_people, by, series=None) -> Booking:
    refusal = booking_refusal(space=space, residency=residency, starts_at=starts_at, ends_at=ends_at)
    if refusal:
        raise RefusedError(refusal, code="slot_refused")
    if expected_people > space.capacity:
        raise RefusedError(
            f"L'espace « {space.name} » accueille au plus {space.capacity} personnes.", code="capacity"
        )
    status = BookingStatus.PENDING if space.requires_approval else BookingStatus.CONFIRMED
    booking = Booking(
        space=space,
        residency=residency,
        organisation=residency.organisation if residency else None,
        series=series,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        expected_people=expected_people,
        created_by=by,
    )
    booking.full_clean()
    try:
        # A savepoint, so a constraint violation leaves the surrounding transaction usable.
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:  # the exclusion constraint, should a write bypass the lock
        raise RefusedError("Cet espace est déjà réservé sur ce créneau.", code="overlap") from error
    audit_log(target=booking, verb="atelier.booking.create", by=by, to_state=status)
    return booking


def _check_booker(residency: Residency | None, by) -> None:
    if residency is None:
        check_staff(by, "Seule l'équipe de l'Atelier réserve hors résidence.")
    else:
        check_referent_or_staff(by, residency.organisation)


@transaction.atomic
def booking_create(
    *, space: Space, residency: Residency | None, starts_at, ends_at, title: str, expected_people: int = 1, by
) -> Booking:
    """Book one slot: confirmed at once, or pending when the space requires the team's approval.

    Refused with the reason (see `booking_refusal`) when the slot is not allowed or taken.
    """
    _check_booker(residency, by)
    rate_limit(by=by, action="atelier.booking", limit=BOOKING_RATE)
    space, residency = _lock(space, residency)
    return _insert(
        space=space,
        residency=residency,
        starts_at=starts_at,
        ends_at=ends_at,
        title=title,
        expected_people=expected_people,
        by=by,
    )


def series_occurrences(first_starts_at, duration_minutes: int, until) -> list[tuple[datetime, datetime]]:
    """Weekly occurrences from the first up to `until` (inclusive), same local wall-clock time."""
    local = timezone.localtime(first_starts_at)
    occurrences = []
    day = local.date()
    while day <= until and len(occurrences) < MAX_OCCURRENCES:
        start = timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)))
        occurrences.append((start, start + timedelta(minutes=duration_minutes)))
        day += timedelta(days=7)
    return occurrences


def booking_series_preview(
    *, space: Space, residency: Residency, first_starts_at, duration_minutes: int, until
) -> list[tuple[datetime, datetime, str | None]]:
    """Each occurrence with its refusal reason (None when it can be booked), before confirming."""
    return [
        (start, end, booking_refusal(space=space, residency=residency, starts_at=start, ends_at=end))
        for start, end in series_occurrences(first_starts_at, duration_minutes, until)
    ]


@transaction.atomic
def booking_series_create(
    *,
    space: Space,
    residency: Residency,
    title: str,
    first_starts_at,
    duration_minutes: int,
    until,
    expected_people: int = 1,
    by,
) -> tuple[BookingSeries, list[Booking], list[tuple[datetime, str]]]:
    """Book every free occurrence of a weekly series; the others are returned with their reason.

    Each occurrence is checked again under the locks (another booking may have taken one since
    the preview). Refused when no occurrence can be booked.
    """
    _check_booker(residency, by)
    rate_limit(by=by, action="atelier.booking", limit=BOOKING_RATE)
    space, residency = _lock(space, residency)
    if until < timezone.localtime(first_starts_at).date():
        raise RefusedError("La date de fin de la série vient avant la première occurrence.", code="until")
    series = BookingSeries(
        residency=residency,
        space=space,
        title=title,
        first_starts_at=first_starts_at,
        duration_minutes=duration_minutes,
        until=until,
        created_by=by,
    )
    series.full_clean()
    series.save()
    created, skipped = [], []
    for start, end in series_occurrences(first_starts_at, duration_minutes, until):
        try:
            created.append(
                _insert(
                    space=space,
                    residency=residency,
                    starts_at=start,
                    ends_at=end,
                    title=title,
                    expected_people=expected_people,
                    by=by,
                    series=series,
                )
            )
        except RefusedError as error:
            skipped.append((start, error.messages[0]))
    if not created:
        raise RefusedError("Aucune occurrence de la série n'est réservable.", code="series_empty")
    return series, created, skipped


def _locked_booking(booking: Booking) -> Booking:
    Space.objects.select_for_update().get(pk=booking.space_id)
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("space", "organisation")
        .get(pk=booking.pk)
    )


@transaction.atomic
def booking_approve(*, booking: Booking, by) -> Booking:
    """The team confirms a booking that waited for approval."""
    check_staff(by)
    booking = _locked_booking(booking)
    if booking.status != BookingStatus.PENDING:
        raise RefusedError("Seule une réservation en attente se valide.", code="not_pending")
    if booking.starts_at <= timezone.now():
        raise RefusedError("Ce créneau est passé.", code="past")
    booking.status = BookingStatus.CONFIRMED
    booking.save(update_fields=["status", "updated_at"])
    audit_log(
        target=booking,
        verb="atelier.booking.approve",
        by=by,
        from_state=BookingStatus.PENDING,
        to_state=BookingStatus.CONFIRMED,
    )
    _tell(booking, "atelier/booking_decided")
    return booking


@transaction.atomic
def booking_refuse(*, booking: Booking, reason: str, by) -> Booking:
    """The team refuses a pending booking, with a reason the association reads; the slot is freed."""
    check_staff(by)
    if not reason.strip():
        raise RefusedError("Donnez le motif du refus.", code="no_reason")
    booking = _locked_booking(booking)
    if booking.status != BookingStatus.PENDING:
        raise RefusedError("Seule une réservation en attente se refuse.", code="not_pending")
    booking.status = BookingStatus.REFUSED
    booking.refusal_reason = reason[:300]
    booking.save(update_fields=["status", "refusal_reason", "updated_at"])
    audit_log(
        target=booking,
        verb="atelier.booking.refuse",
        by=by,
        from_state=BookingStatus.PENDING,
        to_state=BookingStatus.REFUSED,
        reason=reason,
    )
    _tell(booking, "atelier/booking_decided")
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by, reason: str = "") -> Booking:
    """Cancel a live booking before it starts: the slot is free again at once."""
    if booking.organisation_id:
        check_referent_or_staff(by, booking.organisation)
    else:
        check_staff(by)
    booking = _locked_booking(booking)
    if not booking.is_live:
        raise RefusedError("Cette réservation n'est plus active.", code="not_live")
    if booking.starts_at <= timezone.now():
        raise RefusedError("La réservation a commencé : elle ne s'annule plus.", code="started")
    previous = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_log(
        target=booking,
        verb="atelier.booking.cancel",
        by=by,
        from_state=previous,
        to_state=BookingStatus.CANCELLED,
        reason=reason,
    )
    return booking


@transaction.atomic
def booking_check_in(*, booking: Booking, by, now=None) -> Booking:
    """Say the association has arrived (from 15 minutes before the start to 30 minutes after)."""
    if booking.organisation_id:
        check_referent_or_staff(by, booking.organisation)
    else:
        check_staff(by)
    booking = _locked_booking(booking)
    now = now or timezone.now()
    if booking.checked_in_at:
        raise RefusedError("L'arrivée est déjà signalée.", code="already")
    if not booking.can_check_in(now):
        raise RefusedError(
            "L'arrivée se signale de 15 minutes avant le début à 30 minutes après.", code="not_now"
        )
    booking.checked_in_at = now
    booking.save(update_fields=["checked_in_at", "updated_at"])
    audit_log(target=booking, verb="atelier.booking.check_in", by=by)
    return booking


def bookings_release_no_shows(now=None) -> int:
    """Release confirmed bookings not checked in 30 minutes after their start (Celery beat).

    Each booking is claimed by a conditional update, so a second run (or worker) releases nothing
    twice; the association is told by e-mail.
    """
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, checked_in_at__isnull=True, starts_at__lte=now - NO_SHOW_AFTER
    ).values_list("pk", flat=True)
    released = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Booking.objects.filter(
                pk=pk, status=BookingStatus.CONFIRMED, checked_in_at__isnull=True
            ).update(status=BookingStatus.RELEASED, updated_at=now)
            if not claimed:
                continue
            booking = Booking.objects.select_related("space", "organisation").get(pk=pk)
            audit_log(
                target=booking,
                verb="atelier.booking.release",
                from_state=BookingStatus.CONFIRMED,
                to_state=BookingStatus.RELEASED,
                reason="Arrivée non signalée 30 minutes après le début.",
            )
            _tell(booking, "atelier/booking_released")
            released += 1
    return released


def bookings_send_reminders(now=None) -> int:
    """E-mail the association the day before each confirmed booking, with the check-in rule.

    Safe to run twice: each booking is claimed (reminder_sent_at) before its e-mail is queued."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        organisation__isnull=False,
        starts_at__gte=start,
        starts_at__lt=start + timedelta(days=1),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            _tell(
                Booking.objects.select_related("space__venue", "organisation").get(pk=pk),
                "atelier/booking_reminder",
            )
            sent += 1
    return sent


def _tell(booking: Booking, template: str) -> None:
    if booking.organisation_id:
        send_templated_email(
            to=referent_emails(booking.organisation), template=template, context={"booking": booking}
        )


@transaction.atomic
def booking_publish_event(
    *,
    booking: Booking,
    title: str,
    summary: str = "",
    description: str = "",
    capacity: int | None = None,
    registration_required: bool = True,
    themes=(),
    by,
) -> Event:
    """Publish the event held during a booking in the programme's agenda (kernel Event)."""
    booking = _locked_booking(booking)
    if booking.organisation_id:
        check_referent_or_staff(by, booking.organisation)
    else:
        check_staff(by)
    if booking.status != BookingStatus.CONFIRMED:
        raise RefusedError("Seule une réservation confirmée se publie dans l'agenda.", code="not_confirmed")
    if booking.event_id:
        raise RefusedError("Cet événement est déjà publié dans l'agenda.", code="already_published")
    if booking.starts_at <= timezone.now():
        raise RefusedError("Ce créneau est passé.", code="past")
    rate_limit(by=by, action="atelier.event", limit="10/h")
    if capacity is not None and capacity > booking.space.capacity:
        raise RefusedError(f"L'espace accueille au plus {booking.space.capacity} personnes.", code="capacity")
    venue = booking.space.venue
    event = Event(
        title=title,
        slug=_unique_event_slug(f"{title} {timezone.localtime(booking.starts_at):%Y-%m-%d}"),
        action=Action.ATELIER,
        organiser=booking.organisation,
        commune=venue.commune,
        place=f"{venue.name} — {booking.space.name}"[:200],
        address=venue.address,
        summary=summary,
        description=description,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        capacity=capacity if registration_required else None,
        registration_required=registration_required,
        is_published=True,
    )
    event.full_clean()
    event.save()
    event.themes.set(themes)
    booking.event = event
    booking.save(update_fields=["event", "updated_at"])
    audit_log(target=event, verb="event.create", by=by, to_state="published", data={"booking": booking.pk})
    audit_log(target=booking, verb="atelier.booking.publish_event", by=by, data={"event": event.pk})
    invalidate("agenda", AREA)
    return event


def _unique_event_slug(text: str) -> str:
    base = slugify(text)[:200] or "evenement"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def can_manage_booking(user, booking: Booking) -> bool:
    return acts_as_staff(user) or Booking.objects.editable_by(user).filter(pk=booking.pk).exists()
