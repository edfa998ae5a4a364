"""The public figures (`/indicateurs/`, the home page, the open data): read from the snapshots,
with every breakdown cell under `SMALL_NUMBER` hidden so that nobody can be recognised in a
small group (a commune where three people of one public took part...), and, where a single cell
of a breakdown is hidden, a second one withheld so that it cannot be computed from the total
(`suppressed`)."""

import csv
import io
from dataclasses import dataclass
from itertools import groupby

from pacte.enums import Action, PublicCategory
from pacte.maps import commune_table_rows

from .forms import month_label
from .models import MonthlySnapshot
from .registry import PEOPLE_TOTAL, count_metrics, labels, people_year_key

SMALL_NUMBER = 5


def shown(value: int | None) -> int | None:
    """The value, or None (shown as "moins de 5") for 1 to 4 people."""
    if value is None:
        return None
    return None if 0 < value < SMALL_NUMBER else value


# A cell of SMALL_NUMBER or more withheld so that a hidden one cannot be deduced (`suppressed`):
# shown as such on the page (intcomma leaves text as it is), empty in the open data.
WITHHELD = "non diffusé"


def suppressed(cells: dict, groups) -> dict:
    """{cell: published value} for `cells` ({cell: people}) where each group of cells adds up to
    a published total: 1 to 4 people hidden (None, "moins de 5"); and wherever a group would hide a
    single cell, which its total minus the others would give, the smallest other non-zero cell is
    withheld too (WITHHELD), until no group has a lone hidden cell (secondary suppression, as
    statistical offices practise it)."""
    published = {cell: shown(value) for cell, value in cells.items()}
    changed = True
    while changed:
        changed = False
        for group in groups:
            hidden = [cell for cell in group if cells[cell] and published[cell] in (None, WITHHELD)]
            others = [cell for cell in group if published[cell] not in (None, WITHHELD, 0)]
            if len(hidden) == 1 and others:
                published[min(others, key=cells.__getitem__)] = WITHHELD
                changed = True
    return published


def latest_month():
    return (
        MonthlySnapshot.objects.overall()
        .filter(metric=PEOPLE_TOTAL)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def people_this_year() -> int | None:
    """Distinct people mobilised from 1 January to the last closed month (one query), for the
    home page's key figures; None before the first snapshot."""
    row = (
        MonthlySnapshot.objects.overall()
        .filter(metric=people_year_key(None))
        .order_by("-month")
        .values_list("value", flat=True)
        .first()
    )
    return row


@dataclass
class PublicFigures:
    month: object
    label: str
    total: int
    actions: list  # [(label, value or None, [(metric label, value)])]
    publics: list  # [(label, value or None)]
    communes: list  # [(name, value)] for communes with at least SMALL_NUMBER people
    other_communes: int  # communes with 1 to 4 people, not named


def public_figures() -> PublicFigures | None:
    """The year so far: three queries on the snapshots."""
    month = latest_month()
    if month is None:
        return None
    year_months = [month.replace(month=m) for m in range(1, month.month + 1)]
    overall = {}
    for key, when, value in (
        MonthlySnapshot.objects.overall()
        .filter(month__in=year_months)
        .values_list("metric", "month", "value")
    ):
        overall.setdefault(key, {})[when] = value
    people_key = people_year_key(None)
    by_category = dict(
        MonthlySnapshot.objects.filter(metric=people_key, month=month, commune__isnull=True)
        .exclude(category="")
        .values_list("category", "value")
    )
    by_commune = dict(
        MonthlySnapshot.objects.filter(
            metric=people_key, month=month, category="", commune__isnull=False
        ).values_list("commune_id", "value")
    )
    all_labels = labels()
    actions = []
    for action in Action:
        figures = []
        for metric in count_metrics():
            if metric.action != action or metric.key.startswith("personnes."):
                continue
            values = [overall.get(metric.key, {}).get(m, 0) for m in year_months]
            if metric.over_months == "sum":
                value = sum(values)
            elif metric.over_months == "mean":
                value = round(sum(values) / len(values))
            else:
                value = values[-1]
            figures.append((all_labels.get(metric.key, metric.label), value))
        people = overall.get(people_year_key(action.value), {}).get(month, 0)
        actions.append((action.label, people, figures))
    # Someone taking part in two actions counts in both: the actions' sum is not the total, but
    # near it (most people take part in one), so they are protected as a breakdown too.
    people_by_action = {label: people for label, people, _figures in actions}
    by_action = suppressed(people_by_action, [list(people_by_action)])
    actions = [(label, by_action[label], figures) for label, _people, figures in actions]
    categories = [value for value, _label in PublicCategory.choices]
    publics = suppressed({value: by_category.get(value, 0) for value in categories}, [categories])
    rows = commune_table_rows(by_commune, include_zero=False)
    return PublicFigures(
        month=month,
        label=f"de janvier à {month_label(month)}" if month.month > 1 else month_label(month),
        total=overall.get(people_key, {}).get(month, 0),
        actions=actions,
        publics=[(label, publics[value]) for value, label in PublicCategory.choices],
        communes=[(row.name, row.value) for row in rows if row.value >= SMALL_NUMBER],
        other_communes=sum(1 for row in rows if 0 < row.value < SMALL_NUMBER),
    )


def open_data_people_csv() -> str:
    """Every month's people mobilised (month only, not year to date), by action, commune and
    public; cells of 1 to 4 people are left empty, and so is a second cell wherever a lone empty
    one could be computed from its total (`suppressed`, over the communes, the publics, and the
    publics of each commune and the communes of each public)."""
    from pacte.models import Commune

    communes = dict(Commune.objects.values_list("pk", "insee_code"))
    names = dict(Commune.objects.values_list("pk", "name"))
    actions = {f"personnes.{value}": label for value, label in Action.choices}
    actions[PEOPLE_TOTAL] = "Toutes les actions"
    categories = dict(PublicCategory.choices)
    out = io.StringIO()
    writer = csv.writer(out)  # as /donnees/ says: UTF-8, commas, a header row
    writer.writerow(["mois", "action", "code_insee", "commune", "public", "personnes"])
    rows = (
        MonthlySnapshot.objects.filter(metric__in=list(actions))
        .order_by("month", "metric", "commune_id", "category")
        .values_list("month", "metric", "commune_id", "category", "value")
    )
    for (month, key), table in groupby(rows.iterator(), key=lambda row: row[:2]):
        cells = {(commune, category): value for _month, _key, commune, category, value in table}
        published = suppressed(cells, _breakdowns(cells))
        for (commune, category), value in cells.items():
            if commune is not None or category:  # a breakdown: as published
                value = published[(commune, category)]
            writer.writerow(
                [
                    f"{month:%Y-%m}",
                    actions[key],
                    communes.get(commune, ""),
                    names.get(commune, "Toutes les communes"),
                    categories.get(category, "Tous les publics"),
                    "" if value in (None, WITHHELD) else value,
                ]
            )
    return out.getvalue()


def _breakdowns(cells: dict) -> list[list]:
    """The groups of one month's and action's cells ({(commune or None, category or ""): value})
    that add up to a published total: the communes, the publics, the publics of each commune and
    the communes of each public."""
    groups: dict[tuple, list] = {}
    for commune, category in cells:
        if commune is not None and category:
            groups.setdefault(("commune", commune), []).append((commune, category))
            groups.setdefault(("public", category), []).append((commune, category))
        elif commune is not None:
            groups.setdefault(("communes",), []).append((commune, category))
        elif category:
            groups.setdefault(("publics",), []).append((commune, category))
    return list(groups.values())


def open_data_metrics_csv() -> str:
    """Every metric of the apps, every month, for the whole Métropole."""
    metrics = {metric.key: metric for metric in count_metrics() if not metric.key.startswith("personnes.")}
    out = io.StringIO()
    writer = csv.writer(out)  # as /donnees/ says: UTF-8, commas, a header row
    writer.writerow(["mois", "action", "indicateur", "libelle", "valeur"])
    rows = (
        MonthlySnapshot.objects.overall()
        .filter(metric__in=list(metrics))
        .order_by("month", "metric")
        .values_list("month", "metric", "value")
    )
    for month, key, value in rows.iterator():
        metric = metrics[key]
        writer.writerow([f"{month:%Y-%m}", Action(metric.action).label, key, metric.label, value])
    return out.getvalue()
