"""Indicators of the tool library (declared by AssociationsConfig.metrics): tools offered, loans,
distinct borrowing associations, events served by pooled tools and the people they reached (the
kernel's attendance: registrations marked present plus the walk-in headcount). One aggregate query
each; the period and commune apply to the loan's first day and the borrower's commune."""

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from pacte.enums import Action
from pacte.metrics import Metric, Period, bounds
from pacte.metrics import by_commune as _by_commune
from pacte.models import Event, Registration

from .enums import SERVED_STATUSES
from .models import Loan, Tool


def tools_offered(period: Period) -> int:
    """Tools in the catalogue, added by the last day of the period (commune: the owner's)."""
    _start, end = bounds(period)
    tools = Tool.objects.offered().filter(created_at__lt=end)
    return _by_commune(tools, period, "owner__commune").count()


def _loans(period: Period):
    loans = Loan.objects.filter(
        status__in=SERVED_STATUSES, start_on__gte=period.start, start_on__lte=period.end
    )
    return _by_commune(loans, period, "borrower__commune")


def loans(period: Period) -> int:
    return _loans(period).count()


def borrowing_associations(period: Period) -> int:
    return _loans(period).aggregate(n=Count("borrower", distinct=True))["n"]


def events_served(period: Period) -> int:
    return _loans(period).exclude(event=None).aggregate(n=Count("event", distinct=True))["n"]


def people_reached(period: Period) -> int:
    """People present at the events the loans served: attended registrations + walk-ins, by a
    subquery per event (a join would count the walk-ins once per registration)."""
    present = (
        Registration.objects.filter(event=OuterRef("pk"), attended=True)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    events = Event.objects.filter(pk__in=_loans(period).exclude(event=None).values("event"))
    attended = Coalesce(Subquery(present, output_field=IntegerField()), Value(0))
    return events.aggregate(n=Sum(attended + F("walk_in_count")))["n"] or 0


METRICS = [
    Metric(
        "reseau.tools_offered", "Outils d'animation proposés au réseau", Action.RELAIS_NETWORK, tools_offered
    ),
    Metric("reseau.loans", "Prêts d'outils entre associations", Action.RELAIS_NETWORK, loans),
    Metric(
        "reseau.borrowing_associations",
        "Associations ayant emprunté un outil",
        Action.RELAIS_NETWORK,
        borrowing_associations,
    ),
    Metric(
        "reseau.events_served",
        "Événements animés avec un outil du réseau",
        Action.RELAIS_NETWORK,
        events_served,
    ),
    Metric(
        "reseau.people_reached",
        "Personnes présentes aux événements animés avec un outil du réseau",
        Action.RELAIS_NETWORK,
        people_reached,
        help_text="Inscrits présents et personnes venues sans inscription, d'après les présences saisies.",
    ),
]


def participations() -> list:
    """The referents who borrowed a pooled tool, counted while the loan runs, in the commune of the
    borrowing association."""
    from pacte.portal import Participation

    return [
        Participation(
            Loan.objects.filter(status__in=SERVED_STATUSES),
            at="start_on",
            until="end_on",
            action=Action.RELAIS_NETWORK,
            person="requested_by",
            commune="borrower__commune",
            label="Emprunts d'outils du réseau",
        )
    ]
