"""The venue and what the public pages show of it: the venue itself, its spaces, opening hours
and closures, and the criteria of a call (edited in the admin, every write audited).

Each entity has `<entity>_create`, `<entity>_update` and `<entity>_delete`, taking the instance the
admin form built (staff only). They all renew the Atelier's public pages: every one of these
objects is shown on them (home, space pages, call pages).
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..enums import BookingStatus
from ..models import (
    ApplicationDocument,
    Booking,
    Closure,
    Criterion,
    OpeningHours,
    RequiredDocument,
    Score,
    Space,
    Venue,
)
from .common import check_staff, renew_public_pages


def _create(obj, verb: str, by):
    check_staff(by)
    obj.full_clean()
    obj.save()
    audit_log(target=obj, verb=verb, by=by)
    renew_public_pages()
    return obj


def _update(obj, verb: str, by):
    check_staff(by)
    obj.full_clean()
    obj.save()
    audit_log(target=obj, verb=verb, by=by)
    renew_public_pages()
    return obj


def _delete(obj, verb: str, by) -> None:
    check_staff(by)
    # The entry is written first: it needs the primary key the deletion clears.
    audit_log(target=obj, verb=verb, by=by)
    obj.delete()
    renew_public_pages()


# --- Venue ------------------------------------------------------------------------------------


@transaction.atomic
def venue_create(*, venue: Venue, by) -> Venue:
    return _create(venue, "atelier.venue.create", by)


@transaction.atomic
def venue_update(*, venue: Venue, by) -> Venue:
    return _update(venue, "atelier.venue.update", by)


@transaction.atomic
def venue_delete(*, venue: Venue, by) -> None:
    """Its spaces go with it, so a venue whose spaces have bookings is refused (they are kept
    for the figures; the PROTECT on Booking.space would fail anyway)."""
    check_staff(by)
    if Booking.objects.filter(space__venue=venue).exists():
        raise RefusedError(
            "Ce lieu a des espaces déjà réservés : il ne peut pas être supprimé.", code="venue_has_bookings"
        )
    _delete(venue, "atelier.venue.delete", by)


# --- Spaces -----------------------------------------------------------------------------------


@transaction.atomic
def space_create(*, space: Space, by) -> Space:
    return _create(space, "atelier.space.create", by)


@transaction.atomic
def space_update(*, space: Space, by) -> Space:
    return _update(space, "atelier.space.update", by)


@transaction.atomic
def space_delete(*, space: Space, by) -> None:
    """A space that was ever booked stays (its bookings make the occupancy figures): staff make it
    not bookable instead."""
    check_staff(by)
    if space.bookings.exists():
        raise RefusedError(
            "Cet espace a déjà été réservé : décochez « réservable » plutôt que de le supprimer.",
            code="space_has_bookings",
        )
    _delete(space, "atelier.space.delete", by)


# --- Opening hours ----------------------------------------------------------------------------


@transaction.atomic
def opening_hours_create(*, opening_hours: OpeningHours, by) -> OpeningHours:
    return _create(opening_hours, "atelier.opening_hours.create", by)


@transaction.atomic
def opening_hours_update(*, opening_hours: OpeningHours, by) -> OpeningHours:
    return _update(opening_hours, "atelier.opening_hours.update", by)


@transaction.atomic
def opening_hours_delete(*, opening_hours: OpeningHours, by) -> None:
    _delete(opening_hours, "atelier.opening_hours.delete", by)


# --- Closures ---------------------------------------------------------------------------------


def closure_conflicts(closure: Closure):
    """Live bookings (confirmed or awaiting approval) the closure would fall on."""
    tz = timezone.get_current_timezone()
    starts = timezone.make_aware(datetime.combine(closure.starts_on, time.min), tz)
    ends = timezone.make_aware(datetime.combine(closure.ends_on + timedelta(days=1), time.min), tz)
    bookings = Booking.objects.live().filter(
        space__venue_id=closure.venue_id, starts_at__lt=ends, ends_at__gt=starts
    )
    if closure.space_id:
        bookings = bookings.filter(space_id=closure.space_id)
    return bookings.select_related("space", "organisation").order_by("starts_at")


def _check_no_conflict(closure: Closure) -> None:
    """A closure over live bookings is refused, naming them.

    Refusing is the simplest correct behaviour: cancelling the bookings here would e-mail
    associations from a side effect of an admin form, and accepting the closure silently would
    leave bookings in a closed room. Staff read which bookings are hit, cancel them (the booking
    action e-mails the association) or move the closure, then save again.
    """
    hit = list(closure_conflicts(closure)[:6])
    if not hit:
        return
    names = "; ".join(
        f"{b.space} le {timezone.localtime(b.starts_at):%d/%m/%Y à %H:%M}"
        + (f" ({b.organisation})" if b.organisation_id else "")
        + (" — confirmée" if b.status == BookingStatus.CONFIRMED else " — en attente")
        for b in hit[:5]
    )
    more = " et d'autres" if len(hit) > 5 else ""
    raise RefusedError(
        f"Cette fermeture tombe sur des réservations : {names}{more}. "
        "Annulez-les d'abord (les associations sont prévenues) ou changez les dates.",
        code="closure_over_bookings",
    )


@transaction.atomic
def closure_create(*, closure: Closure, by) -> Closure:
    check_staff(by)
    closure.full_clean()
    _check_no_conflict(closure)
    return _create(closure, "atelier.closure.create", by)


@transaction.atomic
def closure_update(*, closure: Closure, by) -> Closure:
    check_staff(by)
    closure.full_clean()
    _check_no_conflict(closure)
    return _update(closure, "atelier.closure.update", by)


@transaction.atomic
def closure_delete(*, closure: Closure, by) -> None:
    _delete(closure, "atelier.closure.delete", by)


# --- Criteria and required documents of a call -------------------------------------------------


@transaction.atomic
def criterion_create(*, criterion: Criterion, by) -> Criterion:
    return _create(criterion, "atelier.criterion.create", by)


@transaction.atomic
def criterion_update(*, criterion: Criterion, by) -> Criterion:
    return _update(criterion, "atelier.criterion.update", by)


@transaction.atomic
def criterion_delete(*, criterion: Criterion, by) -> None:
    """A criterion already scored by a reviewer stays: deleting it would change every ranking."""
    check_staff(by)
    if criterion.pk and Score.objects.filter(criterion=criterion).exists():
        raise RefusedError(
            f"Le critère « {criterion.label} » a déjà été noté : il ne peut plus être supprimé.",
            code="criterion_scored",
        )
    _delete(criterion, "atelier.criterion.delete", by)


@transaction.atomic
def required_document_create(*, required_document: RequiredDocument, by) -> RequiredDocument:
    return _create(required_document, "atelier.required_document.create", by)


@transaction.atomic
def required_document_update(*, required_document: RequiredDocument, by) -> RequiredDocument:
    return _update(required_document, "atelier.required_document.update", by)


@transaction.atomic
def required_document_delete(*, required_document: RequiredDocument, by) -> None:
    """A document applicants already sent stays: deleting what it answers would delete their files."""
    check_staff(by)
    if ApplicationDocument.objects.filter(required=required_document).exists():
        raise RefusedError(
            f"Des candidats ont déjà envoyé « {required_document.label} » : il ne peut plus être supprimé.",
            code="required_document_answered",
        )
    _delete(required_document, "atelier.required_document.delete", by)
