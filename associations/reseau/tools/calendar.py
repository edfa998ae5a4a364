"""The availability month grid of a tool, computed in Python from its loans of the month (one query):
a day is available when at least one lendable copy is free that day."""

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, timedelta

from .models import Loan

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip
WEEKDAYS = [
    ("lun.", "lundi"),
    ("mar.", "mardi"),
    ("mer.", "mercredi"),
    ("jeu.", "jeudi"),
    ("ven.", "vendredi"),
    ("sam.", "samedi"),
    ("dim.", "dimanche"),
]


@dataclass
class Day:
    date: date
    in_month: bool
    available: bool
    past: bool


def parse_month(value: str | None, today: date) -> date:
    """The first day of the month `AAAA-MM`, within five years of today; else this month."""
    if value and len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        year, month = int(value[:4]), int(value[5:])
        if 1 <= month <= 12 and abs(year - today.year) <= 5:
            return date(year, month, 1)
    return today.replace(day=1)


def month_label(first: date) -> str:
    return f"{MONTHS[first.month - 1]} {first.year}"


def shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_grid(tool, copies, first: date, today: date) -> list[list[Day]]:
    """Weeks (Monday first) of the month; each day says whether a copy is free."""
    weeks = pycalendar.Calendar().monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    copy_ids = {copy.pk for copy in copies}
    busy: dict[int, set[date]] = {pk: set() for pk in copy_ids}
    loans = (
        Loan.objects.blocking()
        .filter(copy__in=copy_ids)
        .overlapping(start, end)
        .values_list("copy_id", "start_on", "end_on")
    )
    for copy_id, loan_start, loan_end in loans:
        day = max(loan_start, start)
        while day <= min(loan_end, end):
            busy[copy_id].add(day)
            day += timedelta(days=1)
    return [
        [
            Day(
                date=day,
                in_month=day.month == first.month,
                available=any(day not in busy[pk] for pk in copy_ids),
                past=day < today,
            )
            for day in week
        ]
        for week in weeks
    ]
