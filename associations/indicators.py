"""Indicators of action 3 (AssociationsConfig.metrics): labelled associations, applications by
status, amounts requested, granted and paid, and people reached according to accepted bilans,
by period and commune (the association's commune; for people reached, the commune of the people
counted in the bilan). Each runs one or two queries."""

from decimal import Decimal

from django.db.models import Count, Sum

from pacte.enums import Action
from pacte.metrics import Metric, Period, bounds
from pacte.metrics import by_commune as _by_commune
from pacte.portal import Participation, QualitativeReport

from .enums import GRANTED_STATUSES, ApplicationStatus, BudgetCategory
from .models import Bilan, BilanParticipation, BudgetLine, Payment, RelaisLabel, SubsidyApplication


def labelled_associations(period: Period) -> int:
    """Associations holding a label on the last day of the period."""
    labels = RelaisLabel.objects.current(period.end)
    return _by_commune(labels, period, "organisation__commune").values("organisation").distinct().count()


def labels_granted(period: Period) -> int:
    start, end = bounds(period)
    labels = RelaisLabel.objects.granted().filter(decided_at__gte=start, decided_at__lt=end)
    return _by_commune(labels, period, "organisation__commune").count()


def _submitted(period: Period):
    start, end = bounds(period)
    applications = SubsidyApplication.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    return _by_commune(applications, period, "organisation__commune")


def applications_by_status(period: Period) -> dict[str, int]:
    """Applications submitted in the period, by their status now."""
    counts = dict(_submitted(period).order_by().values_list("status").annotate(n=Count("id")))
    return {
        label: counts.get(value, 0)
        for value, label in ApplicationStatus.choices
        if value != ApplicationStatus.DRAFT
    }


def amount_requested(period: Period) -> int:
    lines = BudgetLine.objects.filter(application__in=_submitted(period), category=BudgetCategory.REQUEST)
    return _euros(lines.aggregate(total=Sum("amount"))["total"])


def amount_granted(period: Period) -> int:
    """Amounts granted by decisions dated within the period."""
    granted = SubsidyApplication.objects.filter(
        status__in=GRANTED_STATUSES, decision_date__gte=period.start, decision_date__lte=period.end
    )
    granted = _by_commune(granted, period, "organisation__commune")
    return _euros(granted.aggregate(total=Sum("granted_amount"))["total"])


def amount_paid(period: Period) -> int:
    payments = Payment.objects.filter(paid_on__gte=period.start, paid_on__lte=period.end)
    payments = _by_commune(payments, period, "application__organisation__commune")
    return _euros(payments.aggregate(total=Sum("amount"))["total"])


def people_reached(period: Period) -> int:
    """People reached according to the bilans accepted within the period, counted in the commune
    where the bilan places them."""
    start, end = bounds(period)
    rows = BilanParticipation.objects.filter(bilan__accepted_at__gte=start, bilan__accepted_at__lt=end)
    rows = _by_commune(rows, period, "commune")
    return rows.aggregate(total=Sum("participants"))["total"] or 0


def _euros(value) -> int:
    return int((value or Decimal(0)).quantize(Decimal(1)))


def participations() -> list[Participation]:
    """The associations' contacts: who asked for the label, who filed a subsidy application."""
    return [
        Participation(
            RelaisLabel.objects.all(),
            at="charter_accepted_at",
            action=Action.ASSOCIATIONS,
            person="requested_by",
            label="Demandes de label Relais COP21",
        ),
        Participation(
            SubsidyApplication.objects.filter(submitted_at__isnull=False),
            at="submitted_at",
            action=Action.ASSOCIATIONS,
            person="created_by",
            label="Demandes de subvention",
        ),
    ]


def qualitative_reports(period: Period) -> list[QualitativeReport]:
    """The bilans accepted within the period (by the association's commune), two queries. Shown
    whole on the dashboard: its readers may not open the application itself (instruction only)."""
    start, end = bounds(period)
    bilans = (
        Bilan.objects.filter(accepted_at__gte=start, accepted_at__lt=end)
        .select_related("application__organisation__commune", "application__campaign")
        .prefetch_related("participations")
        .order_by("-accepted_at")
    )
    bilans = _by_commune(bilans, period, "application__organisation__commune")
    return [
        QualitativeReport(
            action=Action.ASSOCIATIONS,
            title=f"Bilan · {bilan.application.campaign}",
            author=bilan.application.organisation.name,
            commune_id=bilan.application.organisation.commune_id,
            commune_name=getattr(bilan.application.organisation.commune, "name", ""),
            date=bilan.accepted_at.date(),
            text=bilan.account,
            people=bilan.people_reached,
        )
        for bilan in bilans
    ]


METRICS = [
    Metric(
        "associations.labelled",
        "Associations labellisées Relais COP21",
        Action.ASSOCIATIONS,
        labelled_associations,
        over_months="last",
    ),
    Metric(
        "associations.labels_granted", "Labels Relais COP21 accordés", Action.ASSOCIATIONS, labels_granted
    ),
    Metric(
        "associations.applications_by_status",
        "Demandes de subvention déposées, par état",
        Action.ASSOCIATIONS,
        applications_by_status,
        kind="breakdown",
    ),
    Metric(
        "associations.amount_requested",
        "Montants demandés (€)",
        Action.ASSOCIATIONS,
        amount_requested,
        tags=("euros",),
    ),
    Metric(
        "associations.amount_granted",
        "Montants accordés (€)",
        Action.ASSOCIATIONS,
        amount_granted,
        tags=("euros",),
    ),
    Metric(
        "associations.amount_paid", "Montants versés (€)", Action.ASSOCIATIONS, amount_paid, tags=("euros",)
    ),
    Metric(
        "associations.people_reached",
        "Personnes touchées selon les bilans validés",
        Action.ASSOCIATIONS,
        people_reached,
        help_text="Participants déclarés dans les bilans validés pendant la période, par commune des participants.",
    ),
]
