"""Writes of the agenda's events themselves: creation and edits (by staff in the admin), publication,
capacity and deletion. Registrations are in registrations.py.

Each write records an audit entry and renews the agenda's cached pages (the kernel's page-cache
area, which every page showing events reads). The capacity and the waiting list move together under the event's row lock,
as in registrations.py: raising the capacity promotes the first people waiting (and tells them),
lowering it below the confirmed registrations is refused with a reason.
"""

from django.db import transaction

from ..cache import invalidate
from ..models import Event, Registration
from .audit import audit_log
from .errors import RefusedError
from .registrations import _locked_event, _promote_next

# What staff edit on an event; the counters (seats taken, attendance) belong to the services.
EVENT_FIELDS = frozenset(
    {
        "title",
        "slug",
        "action",
        "summary",
        "description",
        "organiser",
        "commune",
        "place",
        "address",
        "starts_at",
        "ends_at",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
        "registration_required",
        "audience",
        "is_published",
        "walk_in_count",
    }
)

PUBLISHED, UNPUBLISHED = "published", "unpublished"
# The kernel's page-cache area (PacteConfig.cache_area).
AGENDA_AREA = "agenda"
UNLIMITED = "sans limite"


def _state(is_published: bool) -> str:
    return PUBLISHED if is_published else UNPUBLISHED


def _capacity_label(capacity: int | None) -> str:
    return UNLIMITED if capacity is None else str(capacity)


def capacity_refusal(*, event: Event, capacity: int | None) -> str | None:
    """Why `capacity` cannot be set on `event`, in French, or None.

    Forms call it to show the reason next to the field; the services call it again under the
    event's row lock, where the confirmed count cannot move.
    """
    if capacity is None or capacity >= event.seats_taken:
        return None
    taken = event.seats_taken
    people = "1 personne a" if taken == 1 else f"{taken} personnes ont"
    return (
        f"{people} déjà une place confirmée : la capacité ne peut pas descendre en dessous de {taken}. "
        "Annulez d'abord des inscriptions si des places doivent être retirées."
    )


def _check_fields(values: dict) -> None:
    unknown = set(values) - EVENT_FIELDS
    if unknown:
        raise ValueError(f"Not event fields a service may set: {sorted(unknown)}")


def _set_capacity(event: Event, capacity: int | None, *, by, reason: str) -> list[Registration]:
    """Change the capacity of a locked event and promote whom the new places allow."""
    refusal = capacity_refusal(event=event, capacity=capacity)
    if refusal:
        raise RefusedError({"capacity": [RefusedError(refusal, code="capacity_below_confirmed")]})
    previous = event.capacity
    event.capacity = capacity
    audit_log(
        target=event,
        verb="event.capacity",
        by=by,
        from_state=_capacity_label(previous),
        to_state=_capacity_label(capacity),
        reason=reason,
    )
    promoted = []
    while (registration := _promote_next(event, reason="Places ajoutées à l'événement.")) is not None:
        promoted.append(registration)
    return promoted


def _set_published(event: Event, is_published: bool, *, by, reason: str) -> None:
    previous = event.is_published
    event.is_published = is_published
    audit_log(
        target=event,
        verb="event.publish" if is_published else "event.unpublish",
        by=by,
        from_state=_state(previous),
        to_state=_state(is_published),
        reason=reason,
    )


@transaction.atomic
def event_create(*, by, themes=(), **values) -> Event:
    """Create an event from the fields of EVENT_FIELDS (and its themes)."""
    _check_fields(values)
    event = Event(**values)
    event.full_clean()
    event.save()
    event.themes.set(themes)
    audit_log(target=event, verb="event.create", by=by, to_state=_state(event.is_published))
    invalidate(AGENDA_AREA)
    return event


@transaction.atomic
def event_update(*, event: Event, by, themes=None, reason: str = "", **values) -> Event:
    """Apply staff's edits to an event.

    A change of capacity goes through the same rule as event_capacity_change (waiting list
    promoted, refused below the confirmed count); a change of publication is recorded as a
    publication or an unpublication; the other fields changed are listed in one audit entry.
    Nothing is written when something is refused.
    """
    _check_fields(values)
    event = _locked_event(event)
    changed = sorted(name for name, value in values.items() if getattr(event, name) != value)
    for name in changed:
        if name not in {"capacity", "is_published"}:
            setattr(event, name, values[name])
    event.full_clean()
    themes_changed = themes is not None and {t.pk for t in themes} != set(
        event.themes.values_list("pk", flat=True)
    )
    fields = [name for name in changed if name not in {"capacity", "is_published"}]
    if fields or themes_changed:
        audit_log(
            target=event,
            verb="event.update",
            by=by,
            reason=reason,
            data={"fields": fields + (["themes"] if themes_changed else [])},
        )
    if "is_published" in changed:
        _set_published(event, values["is_published"], by=by, reason=reason)
    if "capacity" in changed:
        _set_capacity(event, values["capacity"], by=by, reason=reason)
    event.save()
    if themes_changed:
        event.themes.set(themes)
    invalidate(AGENDA_AREA)
    return event


@transaction.atomic
def event_publish(*, event: Event, by, reason: str = "") -> Event:
    """Put an event on the public agenda; refused when it is already there."""
    event = _locked_event(event)
    if event.is_published:
        raise RefusedError("Cet événement est déjà publié.", code="unchanged")
    _set_published(event, True, by=by, reason=reason)
    event.save(update_fields=["is_published", "updated_at"])
    invalidate(AGENDA_AREA)
    return event


@transaction.atomic
def event_unpublish(*, event: Event, by, reason: str = "") -> Event:
    """Take an event off the public agenda; its registrations stay (it may come back)."""
    event = _locked_event(event)
    if not event.is_published:
        raise RefusedError("Cet événement n'est pas publié.", code="unchanged")
    _set_published(event, False, by=by, reason=reason)
    event.save(update_fields=["is_published", "updated_at"])
    invalidate(AGENDA_AREA)
    return event


@transaction.atomic
def event_capacity_change(*, event: Event, capacity: int | None, by, reason: str = "") -> list[Registration]:
    """Set the number of places (None: unlimited). Returns the registrations promoted from the
    waiting list, each told by e-mail after commit; refused below the confirmed count."""
    event = _locked_event(event)
    if capacity == event.capacity:
        return []
    promoted = _set_capacity(event, capacity, by=by, reason=reason)
    event.save(update_fields=["capacity", "seats_taken", "updated_at"])
    invalidate(AGENDA_AREA)
    return promoted


@transaction.atomic
def event_delete(*, event: Event, by, reason: str = "") -> None:
    """Delete an event nobody is registered to; otherwise refused (unpublish it instead, so the
    registered people's history stays)."""
    event = _locked_event(event)
    if event.registrations.active().exists():
        raise RefusedError(
            "Des personnes sont inscrites à cet événement : dépubliez-le plutôt, ou annulez d'abord "
            "leurs inscriptions.",
            code="has_registrations",
        )
    audit_log(target=event, verb="event.delete", by=by, from_state=_state(event.is_published), reason=reason)
    event.delete()
    invalidate(AGENDA_AREA)
