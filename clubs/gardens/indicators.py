"""Figures of the "jardiniers de la nature" network, declared with the clubs' (ClubsConfig.metrics).

Gardens and signatures count by the garden's commune; each metric runs one or two queries.
"""

from django.db.models import Count, OuterRef, Q, Subquery

from pacte.enums import Action
from pacte.metrics import Metric, Period, bounds
from pacte.metrics import by_commune as _by_commune
from pacte.portal import Participation

from .models import CharterSignature, Garden, GardenChecklistVersion, GardenPractice


def gardens(period: Period) -> int:
    """Gardens in the network at the end of the period (registered, not withdrawn)."""
    _, end = bounds(period)
    return Garden.objects.registered_at(end).in_commune(period.commune).count()


def new_gardens(period: Period) -> int:
    start, end = bounds(period)
    return Garden.objects.filter(created_at__gte=start, created_at__lt=end).in_commune(period.commune).count()


def charter_signatures(period: Period) -> int:
    """Charter acceptances within the period (a garden that accepts a new version counts again)."""
    start, end = bounds(period)
    signatures = CharterSignature.objects.filter(signed_at__gte=start, signed_at__lt=end)
    return _by_commune(signatures, period, "garden__commune").count()


def garden_practices(period: Period) -> dict[str, int]:
    """For each checklist item, the gardens in the network at the end of the period that applied it
    then, read from each garden's last checklist version before that moment. Two queries."""
    _, end = bounds(period)
    in_network = Garden.objects.registered_at(end).in_commune(period.commune)
    latest = (
        GardenChecklistVersion.objects.filter(garden=OuterRef("garden"), created_at__lt=end)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    versions = GardenChecklistVersion.objects.filter(garden__in=in_network, pk=Subquery(latest))
    through = GardenChecklistVersion.practices.through
    counts = dict(
        through.objects.filter(gardenchecklistversion__in=versions)
        .order_by()
        .values_list("gardenpractice")
        .annotate(n=Count("id"))
    )
    practices = GardenPractice.objects.filter(Q(is_active=True) | Q(pk__in=list(counts)))
    return {practice.name: counts.get(practice.pk, 0) for practice in practices}


def participations() -> list[Participation]:
    """Gardeners are in the network from their garden's registration until its withdrawal."""
    return [
        Participation(
            Garden.objects.all(),
            at="created_at",
            until="withdrawn_at",
            action=Action.CLUBS,
            person="owner",
            commune="commune",
            label="Jardiniers de la nature",
        )
    ]


METRICS = [
    Metric(
        "clubs.gardens",
        "Jardins du réseau des jardiniers de la nature (en fin de période)",
        Action.CLUBS,
        gardens,
        over_months="last",
    ),
    Metric("clubs.new_gardens", "Nouveaux jardins inscrits au réseau", Action.CLUBS, new_gardens),
    Metric(
        "clubs.charter_signatures", "Signatures de la charte des jardiniers", Action.CLUBS, charter_signatures
    ),
    Metric(
        "clubs.garden_practices",
        "Jardins appliquant chaque pratique de la liste (en fin de période)",
        Action.CLUBS,
        garden_practices,
        kind="breakdown",
        over_months="last",
    ),
]
