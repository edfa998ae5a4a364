"""Occupancy of the spaces per month: hours open, booked, used, rate and no-shows (reads only)."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from .enums import BookingStatus
from .models import Booking, Closure, OpeningHours, Space


@dataclass
class OccupancyRow:
    space: Space
    hours_open: float
    hours_booked: float
    hours_used: float
    no_shows: int

    @property
    def rate(self) -> float | None:
        """Share of the open hours that were booked (0–1), None when the space never opened."""
        return self.hours_booked / self.hours_open if self.hours_open else None

    @property
    def rate_percent(self) -> str:
        return "—" if self.rate is None else f"{round(self.rate * 100)} %"


def month_bounds(month: date) -> tuple[date, date, datetime, datetime]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    return first, last, start, end


def _hours(opens, closes) -> float:
    return (datetime.combine(date.min, closes) - datetime.combine(date.min, opens)).total_seconds() / 3600


def open_hours_by_space(first: date, last: date, spaces) -> dict[int, float]:
    """{space id: hours open from `first` to `last` inclusive}, closures deducted (two queries)."""
    opening = {}
    for interval in OpeningHours.objects.all():
        opening.setdefault(interval.venue_id, {}).setdefault(interval.weekday, 0.0)
        opening[interval.venue_id][interval.weekday] += _hours(interval.opens_at, interval.closes_at)
    closures = list(Closure.objects.filter(starts_on__lte=last, ends_on__gte=first))
    hours = {}
    for space in spaces:
        total, day = 0.0, first
        while day <= last:
            closed = any(
                c.venue_id == space.venue_id
                and c.space_id in (None, space.pk)
                and c.starts_on <= day <= c.ends_on
                for c in closures
            )
            if not closed:
                total += opening.get(space.venue_id, {}).get(day.weekday(), 0.0)
            day += timedelta(days=1)
        hours[space.pk] = total
    return hours


def occupancy_report(month: date) -> list[OccupancyRow]:
    """One row per space for the month (a constant number of queries, whatever the bookings)."""
    first, last, start, end = month_bounds(month)
    spaces = list(Space.objects.select_related("venue").order_by("venue_id", "position", "name"))
    open_hours = open_hours_by_space(first, last, spaces)
    rows = {space.pk: OccupancyRow(space, open_hours[space.pk], 0.0, 0.0, 0) for space in spaces}
    bookings = Booking.objects.filter(
        starts_at__gte=start,
        starts_at__lt=end,
        status__in=(BookingStatus.CONFIRMED, BookingStatus.RELEASED),
    ).only("space_id", "starts_at", "ends_at", "status", "checked_in_at")
    for booking in bookings:
        row = rows.get(booking.space_id)
        if row is None:
            continue
        # A released booking was booked (and blocked others until released): it counts as booked.
        row.hours_booked += booking.hours
        if booking.checked_in_at:
            row.hours_used += booking.hours
        if booking.status == BookingStatus.RELEASED:
            row.no_shows += 1
    return list(rows.values())


HEADERS = [
    "Espace",
    "Mois",
    "Heures d'ouverture",
    "Heures réservées",
    "Heures utilisées",
    "Taux d'occupation",
    "Absences",
]


def report_table(month: date) -> list[list]:
    """Header + rows, ready for CSV or XLSX (rate as a fraction, hours rounded to the minute)."""
    label = f"{month:%Y-%m}"
    table = [HEADERS]
    for row in occupancy_report(month):
        table.append(
            [
                row.space.name,
                label,
                round(row.hours_open, 2),
                round(row.hours_booked, 2),
                round(row.hours_used, 2),
                round(row.rate, 4) if row.rate is not None else "",
                row.no_shows,
            ]
        )
    return table
