"""The indicators' registry: what every app declares (`PortalApp.metrics()`, read through
`pacte.metrics`) plus the people mobilised, counted once across the six actions (indicators.people).

A metric has a key, a French label, its action (None: all actions), a unit, and a function of a
`Period` (dates, commune, public category) that runs one aggregate query. The snapshots, the
dashboard, the exports and the public page all read them from here.
"""

from functools import partial

from pacte.enums import Action
from pacte.metrics import Metric, Period, all_metrics

from .people import people_total

PEOPLE = ("personne", "personnes")
PEOPLE_TOTAL = "personnes.total"
# Distinct people from 1 January to the end of the month: what a year (or its first months) adds
# up to, since distinct people of two months cannot be summed.
PEOPLE_YEAR_PREFIX = "personnes_annee."


def people_key(action: str | None = None) -> str:
    return f"personnes.{action}" if action else PEOPLE_TOTAL


def people_year_key(action: str | None = None) -> str:
    return f"{PEOPLE_YEAR_PREFIX}{action or 'total'}"


def _people(period: Period, action: str | None = None) -> int:
    return people_total(period, action)


def people_metrics() -> list[Metric]:
    """People mobilised, all actions and each action (a Metric whose `action` is None for all)."""
    metrics = [
        Metric(
            PEOPLE_TOTAL,
            "Personnes mobilisées, toutes actions (chacune comptée une fois)",
            None,
            _people,
            unit=PEOPLE,
            counts_people=True,
            over_months="distinct",
            help_text="Personnes distinctes touchées par au moins une action, plus les personnes "
            "venues sans inscription et les abonné·es sans compte.",
        )
    ]
    for action in Action:
        metrics.append(
            Metric(
                people_key(action),
                f"Personnes mobilisées : {action.label}",
                action,
                partial(_people, action=action.value),
                unit=PEOPLE,
                counts_people=True,
                over_months="distinct",
            )
        )
    return metrics


def registry() -> dict[str, Metric]:
    """Every metric by key: the people mobilised first, then the apps' in declaration order."""
    return {metric.key: metric for metric in [*people_metrics(), *all_metrics()]}


def count_metrics() -> list[Metric]:
    """The metrics that read as one number (the breakdowns are dashboard tables, not snapshots)."""
    return [metric for metric in registry().values() if metric.kind == "count"]


def get(key: str) -> Metric | None:
    return registry().get(key)


def labels() -> dict[str, str]:
    """French label of every key a snapshot may carry (the registry's and the year-to-date ones)."""
    found = {key: metric.label for key, metric in registry().items()}
    found[people_year_key(None)] = "Personnes mobilisées depuis le 1er janvier, toutes actions"
    for action in Action:
        found[people_year_key(action.value)] = f"Personnes mobilisées depuis le 1er janvier : {action.label}"
    return found
