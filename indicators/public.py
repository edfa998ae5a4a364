"""The public figures (`/indicateurs/`, the home page, the open data): read from the snapshots,
with every breakdown cell under `SMALL_NUMBER` hidden so that nobody can be recognised in a
small group (a commune where three people of one public took part...)."""

import csv
import io
from dataclasses import dataclass

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
        actions.append((action.label, shown(people), figures))
    rows = commune_table_rows(by_commune, include_zero=False)
    return PublicFigures(
        month=month,
        label=f"de janvier à {month_label(month)}" if month.month > 1 else month_label(month),
        total=overall.get(people_key, {}).get(month, 0),
        actions=actions,
        publics=[(label, shown(by_category.get(value, 0))) for value, label in PublicCategory.choices],
        communes=[(row.name, row.value) for row in rows if row.value >= SMALL_NUMBER],
        other_communes=sum(1 for row in rows if 0 < row.value < SMALL_NUMBER),
    )


def open_data_people_csv() -> str:
    """Every month's people mobilised (month only, not year to date), by action, commune and
    public; cells of 1 to 4 people are left empty."""
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
    for month, key, commune, category, value in rows.iterator():
        breakdown = commune is not None or category
        value = shown(value) if breakdown else value
        writer.writerow(
            [
                f"{month:%Y-%m}",
                actions[key],
                communes.get(commune, ""),
                names.get(commune, "Toutes les communes"),
                categories.get(category, "Tous les publics"),
                "" if value is None else value,
            ]
        )
    return out.getvalue()


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
