"""Figures of action 2 (Atelier des Transitions) for the indicators app.

Declared through `AtelierConfig.metrics`. Every figure is for a `Period` (inclusive dates,
Europe/Paris); when `period.commune` is set, applications and residents count by the association's
commune, bookings and events by the venue's commune (the Atelier is in Rouen). Each metric runs a
fixed number of queries, whatever the data.
"""

from django.db.models import Sum
from django.utils import timezone

from pacte.enums import Action, RegistrationStatus
from pacte.metrics import Metric, Period, bounds, by_category, by_commune
from pacte.models import Event, Registration
from pacte.portal import Participation

from .enums import ApplicationStatus, BookingStatus
from .models import Application, Booking, Residency


def applications(period: Period) -> int:
    """Applications submitted within the period."""
    start, end = bounds(period)
    found = Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    return by_commune(found, period, "organisation__commune").count()


def applications_by_decision(period: Period) -> dict:
    start, end = bounds(period)
    found = by_commune(
        Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end),
        period,
        "organisation__commune",
    )
    labels = dict(ApplicationStatus.choices)
    counts = {labels[status]: 0 for status in ApplicationStatus.values if status != ApplicationStatus.DRAFT}
    for status in found.values_list("status", flat=True):
        counts[labels[status]] = counts.get(labels[status], 0) + 1
    return counts


def residents(period: Period) -> int:
    """Associations resident at some point of the period."""
    found = Residency.objects.filter(starts_on__lte=period.end, ends_on__gte=period.start, is_active=True)
    return by_commune(found, period, "organisation__commune").values("organisation").distinct().count()


def _bookings(period: Period):
    start, end = bounds(period)
    found = Booking.objects.filter(
        starts_at__gte=start,
        starts_at__lt=min(end, timezone.now()),
        status__in=(BookingStatus.CONFIRMED, BookingStatus.RELEASED),
    )
    return by_commune(found, period, "space__venue__commune")


def _hours(bookings) -> int:
    return round(
        sum((b.ends_at - b.starts_at).total_seconds() for b in bookings.only("starts_at", "ends_at")) / 3600
    )


def hours_booked(period: Period) -> int:
    """Hours booked (confirmed, no-shows included) that took place in the period."""
    return _hours(_bookings(period))


def hours_used(period: Period) -> int:
    """Hours of bookings whose association checked in."""
    return _hours(_bookings(period).filter(checked_in_at__isnull=False))


def occupancy_rate(period: Period) -> int:
    """Booked hours over open hours of the period, in percent (all spaces, closures deducted)."""
    from .models import Space
    from .occupancy import open_hours_by_space

    spaces = list(Space.objects.select_related("venue"))
    if period.commune is not None:
        spaces = [space for space in spaces if space.venue.commune_id == period.commune.pk]
    open_hours = sum(open_hours_by_space(period.start, period.end, spaces).values())
    return round(100 * hours_booked(period) / open_hours) if open_hours else 0


def _events(period: Period):
    start, end = bounds(period)
    found = Event.objects.published().filter(
        action=Action.ATELIER, starts_at__gte=start, starts_at__lt=min(end, timezone.now())
    )
    return by_commune(found, period, "commune")


def events(period: Period) -> int:
    """Events held at the Atelier (published in the agenda) within the period."""
    return _events(period).count()


def events_public(period: Period) -> int:
    """People who came to those events: registered people marked present, plus walk-ins."""
    held = _events(period)
    attended = by_category(
        Registration.objects.filter(event__in=held, status=RegistrationStatus.CONFIRMED, attended=True),
        period,
        "user__category",
    ).count()
    # Walk-ins have no known public: a figure narrowed to one public leaves them out.
    walk_ins = 0 if period.category else held.aggregate(total=Sum("walk_in_count"))["total"] or 0
    return attended + walk_ins


def participations() -> list[Participation]:
    """The people who act for an association at the Atelier: who filed its application, and who
    booked a space that was used or held (team bookings, without an association, do not count).
    The public of its events is counted by the kernel's registrations and walk-ins."""
    return [
        Participation(
            Application.objects.filter(submitted_at__isnull=False),
            at="submitted_at",
            action=Action.ATELIER,
            person="created_by",
            label="Candidatures à l'Atelier",
        ),
        Participation(
            Booking.objects.filter(
                organisation__isnull=False, status__in=(BookingStatus.CONFIRMED, BookingStatus.RELEASED)
            ),
            at="starts_at",
            action=Action.ATELIER,
            person="created_by",
            label="Réservations des espaces de l'Atelier",
        ),
    ]


METRICS = [
    Metric("atelier.applications", "Candidatures déposées à l'Atelier", Action.ATELIER, applications),
    Metric(
        "atelier.applications_by_decision",
        "Candidatures à l'Atelier par décision",
        Action.ATELIER,
        applications_by_decision,
        kind="breakdown",
    ),
    Metric(
        "atelier.residents",
        "Associations résidentes de l'Atelier",
        Action.ATELIER,
        residents,
        over_months="last",
    ),
    Metric("atelier.hours_booked", "Heures réservées à l'Atelier", Action.ATELIER, hours_booked),
    Metric("atelier.hours_used", "Heures utilisées à l'Atelier", Action.ATELIER, hours_used),
    Metric(
        "atelier.occupancy_rate",
        "Taux d'occupation des espaces de l'Atelier (%)",
        Action.ATELIER,
        occupancy_rate,
        over_months="mean",
        help_text="Heures réservées sur heures d'ouverture, fermetures déduites.",
    ),
    Metric("atelier.events", "Événements accueillis à l'Atelier", Action.ATELIER, events),
    Metric(
        "atelier.events_public",
        "Public des événements de l'Atelier",
        Action.ATELIER,
        events_public,
        counts_people=True,
    ),
]
