"""What the dashboard shows, read from the monthly snapshots only (a fixed number of queries,
whatever the data): key figures, the time series, the breakdowns by action, commune and public,
every metric of the apps, and the associations' bilans (through `PortalApp.qualitative_reports`).

Each block is a `Table`, which the page draws (with its chart) and the exports write as is.
"""

from dataclasses import dataclass, field
from datetime import date

from pacte import portal
from pacte.enums import Action, PublicCategory
from pacte.metrics import Period
from pacte.models import Commune

from .forms import month_label
from .models import MonthlySnapshot
from .registry import PEOPLE_TOTAL, labels, people_key, people_year_key, registry
from .services import month_period


@dataclass
class Table:
    """A block of the dashboard: its caption, column headings and rows of values."""

    slug: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def available_months() -> list[date]:
    """The months whose snapshots are computed (one query)."""
    return list(
        MonthlySnapshot.objects.overall()
        .filter(metric=PEOPLE_TOTAL)
        .order_by("month")
        .values_list("month", flat=True)
    )


@dataclass
class Selection:
    """The filters, resolved: which months the period covers and the month whose value stands
    for the whole period (the last one) in the distinct counts."""

    months: list[date]
    year_months: list[date]
    label: str
    is_year: bool
    action: str | None = None
    commune: Commune | None = None
    category: str | None = None

    @property
    def reference(self) -> date | None:
        return self.months[-1] if self.months else None

    def people_key(self, action=None) -> str:
        # A year's distinct people are the year-to-date value of its last month.
        return people_year_key(action) if self.is_year else people_key(action)


def select(values: dict, months: list[date]) -> Selection:
    period = values.get("periode")
    latest = months[-1] if months else None
    if period and len(period) == 7:
        month = date(int(period[:4]), int(period[5:]), 1)
        chosen, is_year, label = [month], False, month_label(month)
    else:
        year = int(period) if period else (latest.year if latest else date.today().year)
        chosen, is_year, label = [m for m in months if m.year == year], True, f"année {year}"
    year = chosen[0].year if chosen else None
    return Selection(
        months=chosen,
        year_months=[m for m in months if m.year == year],
        label=label,
        is_year=is_year,
        action=values.get("action"),
        commune=values.get("commune"),
        category=values.get("public"),
    )


def _aggregate(metric, values: list[int]) -> int | None:
    if not values:
        return None
    if metric.over_months == "sum":
        return sum(values)
    if metric.over_months == "mean":
        return round(sum(values) / len(values))
    return values[-1]  # "last", and the distinct counts read from their own key


def build(selection: Selection) -> dict:
    """The dashboard's tables for the selection: four queries on the snapshots, and the bilans'."""
    commune, category = selection.commune, selection.category or ""
    series = {}
    if selection.year_months:
        rows = MonthlySnapshot.objects.filter(
            month__in=selection.year_months, commune=commune, category=category
        ).values_list("metric", "month", "value")
        for key, month, value in rows:
            series.setdefault(key, {})[month] = value

    def value_at(key, month):
        return series.get(key, {}).get(month, 0) if month else None

    reference, action = selection.reference, selection.action
    people_now = selection.people_key(action)
    by_commune, by_category = {}, {}
    if reference:
        by_commune = dict(
            MonthlySnapshot.objects.filter(
                metric=people_now, month=reference, category=category, commune__isnull=False
            ).values_list("commune_id", "value")
        )
        by_category = dict(
            MonthlySnapshot.objects.filter(metric=people_now, month=reference, commune=commune)
            .exclude(category="")
            .values_list("category", "value")
        )

    actions = Table(
        "actions",
        f"Personnes mobilisées par action ({selection.label})",
        ["Action", "Personnes mobilisées"],
        [[label, value_at(selection.people_key(value), reference) or 0] for value, label in Action.choices],
    )
    communes_table = Table(
        "communes",
        f"Personnes mobilisées par commune ({selection.label})",
        ["Commune", "Personnes mobilisées"],
    )
    publics = Table(
        "publics",
        f"Personnes mobilisées par public ({selection.label})",
        ["Public", "Personnes mobilisées"],
        [[label, by_category.get(value, 0)] for value, label in PublicCategory.choices],
    )
    timeline = Table(
        "mois",
        "Personnes mobilisées chaque mois",
        ["Mois", "Personnes mobilisées"],
        [
            [month_label(month).capitalize(), value_at(people_key(action), month)]
            for month in selection.year_months
        ],
    )
    all_labels = labels()
    metric_rows = []
    for metric in registry().values():
        if metric.kind != "count" or metric.key.startswith("personnes."):
            continue
        if action and metric.action != action:
            continue
        if category and not metric.counts_people:
            continue
        value = _aggregate(metric, [value_at(metric.key, month) for month in selection.months])
        metric_rows.append([Action(metric.action).label, all_labels.get(metric.key, metric.label), value])
    metrics = Table(
        "indicateurs",
        f"Indicateurs des actions ({selection.label})",
        ["Action", "Indicateur", "Valeur"],
        metric_rows,
    )
    return {
        "people": value_at(people_now, reference),
        "tables": {
            "actions": actions,
            "communes": communes_table,
            "publics": publics,
            "mois": timeline,
            "indicateurs": metrics,
        },
        "by_commune": by_commune,
    }


def bilans(selection: Selection) -> Table:
    """The relay actors' qualitative bilans over the selected months (live, through the hook)."""
    table = Table(
        "bilans",
        f"Bilans qualitatifs des acteurs relais ({selection.label})",
        ["Date", "Action", "Structure", "Commune", "Personnes touchées", "Compte rendu"],
    )
    if not selection.months:
        return table
    period = Period(selection.months[0], month_period(selection.months[-1]).end, commune=selection.commune)
    for report in portal.qualitative_reports(period):
        if selection.action and report.action != selection.action:
            continue
        table.rows.append(
            [
                report.date,
                Action(report.action).label,
                report.author,
                report.commune_name,
                report.people,
                report.text,
            ]
        )
    return table
