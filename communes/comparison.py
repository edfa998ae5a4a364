"""Similar communes, for the comparison block of a commune's page.

Two ways of being similar: the same population band (communes of a size face the same questions
and budgets), and being neighbours (the nearest communes by the centroid of their outline — the
communes of its territory). Reads a fixed number of queries whatever the number of actions.
"""

import math
from dataclasses import dataclass

from django.db.models import Count

from pacte.models import Commune, Theme

from .enums import PopulationBand
from .models import CommuneAction

SAME_BAND = 4
NEIGHBOURS = 3


@dataclass
class Comparison:
    band: PopulationBand
    same_band: list
    neighbours: list
    communes: list  # the commune first, then the others
    rows: list  # [(theme, [count per commune])]
    totals: list


def _distance(a, b) -> float:
    # Equirectangular distance in km: plenty for a 35 km wide Métropole.
    lat = math.radians((float(a.latitude) + float(b.latitude)) / 2)
    dx = (float(a.longitude) - float(b.longitude)) * math.cos(lat) * 111.32
    dy = (float(a.latitude) - float(b.latitude)) * 110.57
    return math.hypot(dx, dy)


def compare(commune) -> Comparison:
    everyone = list(Commune.objects.only("id", "name", "slug", "population", "latitude", "longitude"))
    others = [c for c in everyone if c.pk != commune.pk]
    band = PopulationBand.of(commune.population)
    same_band = sorted(
        (c for c in others if PopulationBand.of(c.population) == band),
        key=lambda c: abs(c.population - commune.population),
    )[:SAME_BAND]
    neighbours = sorted(others, key=lambda c: _distance(commune, c))[:NEIGHBOURS]
    compared = [commune]
    for candidate in [*same_band, *neighbours]:
        if candidate not in compared:
            compared.append(candidate)
    counts = {
        (row["commune"], row["theme"]): row["n"]
        for row in CommuneAction.objects.published()
        .filter(commune__in=[c.pk for c in compared])
        .order_by()
        .values("commune", "theme")
        .annotate(n=Count("id"))
    }
    themes = list(Theme.objects.active())
    rows = [(theme, [counts.get((c.pk, theme.pk), 0) for c in compared]) for theme in themes]
    totals = [sum(row[1][i] for row in rows) for i in range(len(compared))]
    return Comparison(
        band=band, same_band=same_band, neighbours=neighbours, communes=compared, rows=rows, totals=totals
    )
