"""Registry of the programme's indicators.

Each app declares its figures through its portal declaration (`PortalApp.metrics()`, usually a
list defined in the app's `indicators.py`). The indicators app and the dashboard read them only
through the functions below, so the arrows keep pointing at the kernel.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .enums import Action


@dataclass(frozen=True)
class Period:
    """Inclusive dates in Europe/Paris; `commune` (a pacte.Commune or None) narrows the figures,
    and so does `category` (a `pacte.enums.PublicCategory` value, "" for every public) for the
    metrics that count people (`Metric.counts_people`): the person's category on their account."""

    start: date
    end: date
    commune: object | None = None
    category: str = ""


PARIS = ZoneInfo("Europe/Paris")


def bounds(period: Period) -> tuple[datetime, datetime]:
    """[start, end) as aware datetimes: from the first day's midnight to the midnight after the last
    day, in Paris time (so a meeting at 23:30 on the last day counts, one at 00:10 the next does not)."""
    start = datetime.combine(period.start, time.min, tzinfo=PARIS)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=PARIS)
    return start, end


def by_commune(queryset, period: Period, field: str):
    """`queryset` narrowed to the period's commune through `field`, when the period has one."""
    return queryset.filter(**{field: period.commune}) if period.commune is not None else queryset


def by_category(queryset, period: Period, field: str):
    """`queryset` narrowed to the period's public category through `field` (a path to
    `User.category`), when the period has one. Rows without a person (a deleted account, a walk-in)
    have no category and drop out of a narrowed figure."""
    return queryset.filter(**{field: period.category}) if period.category else queryset


@dataclass(frozen=True)
class Metric:
    key: str  # unique, e.g. "clubs.members"
    label: str  # French, what the dashboard shows
    action: Action
    compute: Callable[[Period], int | dict]
    # How a value reads: "count" (a number) or "breakdown" (a dict label -> number).
    kind: str = "count"
    help_text: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    # French (singular, plural) of what is counted, for charts and tables ("personne", "personnes").
    unit: tuple[str, str] = ("", "")
    # How monthly values add up over several months: "sum" for what happens (new members),
    # "last" for a state at the end of the period (members), "mean" for a rate.
    over_months: str = "sum"
    # True when `compute` honours `period.category` (it counts people who have an account).
    counts_people: bool = False


def _registry() -> dict[str, Metric]:
    from .portal import metrics

    registry: dict[str, Metric] = {}
    for metric in metrics():
        if metric.key in registry:
            raise ValueError(f"Indicator {metric.key!r} is declared twice.")
        registry[metric.key] = metric
    return registry


def all_metrics(action: Action | None = None) -> list[Metric]:
    return [m for m in _registry().values() if action is None or m.action == action]


def get_metric(key: str) -> Metric:
    return _registry()[key]


def compute_all(period: Period, action: Action | None = None) -> dict[str, int | dict]:
    return {m.key: m.compute(period) for m in all_metrics(action)}
