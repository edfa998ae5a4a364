"""Registry of the programme's indicators.

Each action app declares its figures in its own `indicators.py` (auto-discovered by
`pacte.apps.PacteConfig.ready`, like `admin.py`) by calling `register(...)`. The indicators app
and the dashboard read them only through this registry, so the arrows keep pointing at the kernel.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .enums import Action


@dataclass(frozen=True)
class Period:
    """Inclusive dates in Europe/Paris; `commune` (a pacte.Commune or None) narrows the figures."""

    start: date
    end: date
    commune: object | None = None


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


_metrics: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.key in _metrics and _metrics[metric.key] != metric:
        raise ValueError(f"Indicator {metric.key!r} is registered twice.")
    _metrics[metric.key] = metric
    return metric


def all_metrics(action: Action | None = None) -> list[Metric]:
    return [m for m in _metrics.values() if action is None or m.action == action]


def get_metric(key: str) -> Metric:
    return _metrics[key]


def compute_all(period: Period, action: Action | None = None) -> dict[str, int | dict]:
    return {m.key: m.compute(period) for m in all_metrics(action)}
