"""Figures of action 6 (the network of communes) for the indicators app.

Declared through the app's portal declaration (`CommunesConfig.metrics`). Every figure is
computed for a `Period` (inclusive dates, Europe/Paris) and, when `period.commune` is set, for
that commune (the commune of the convention, of the action, or the replicating commune).
Each metric runs one query, whatever the data.
"""

from django.db.models import Avg, Count, Q

from pacte.enums import Action
from pacte.metrics import Metric, Period, bounds
from pacte.metrics import by_commune as _by_commune
from pacte.models import Membership
from pacte.portal import Participation

from .enums import ActionStage, ModerationStatus
from .models import Commitment, CommuneAction, Convention, Replication


def communes_with_convention(period: Period) -> int:
    """Communes whose convention covers at least one day of the period (signed before its end)."""
    start, end = period.start, period.end
    conventions = Convention.objects.filter(signed_on__lte=end, starts_on__lte=end, ends_on__gte=start)
    return _by_commune(conventions, period, "commune").values("commune").distinct().count()


def _commitments(period: Period):
    conventions = Convention.objects.filter(starts_on__lte=period.end, ends_on__gte=period.start)
    return _by_commune(Commitment.objects.filter(convention__in=conventions), period, "convention__commune")


def commitments(period: Period) -> int:
    """Commitments of the conventions in force during the period."""
    return _commitments(period).count()


def commitments_progress(period: Period) -> int:
    """Mean progress (%) of those commitments, as recorded now (rounded)."""
    mean = _commitments(period).aggregate(mean=Avg("progress"))["mean"]
    return round(mean or 0)


def commitments_done(period: Period) -> int:
    """Commitments of those conventions at 100 %."""
    return _commitments(period).filter(progress=100).count()


def _published(period: Period):
    """Actions published (first publication) within the period and still published."""
    start, end = bounds(period)
    actions = CommuneAction.objects.published().filter(published_at__gte=start, published_at__lt=end)
    return _by_commune(actions, period, "commune")


def actions_published(period: Period) -> int:
    return _published(period).count()


def actions_by_stage(period: Period) -> dict:
    counts = _published(period).aggregate(
        **{value: Count("id", filter=Q(stage=value)) for value in ActionStage.values}
    )
    return {label: counts[value] for value, label in ActionStage.choices}


def actions_by_theme(period: Period) -> dict:
    return dict(
        _published(period)
        .order_by("theme__position", "theme__name")
        .values_list("theme__name")
        .annotate(n=Count("id"))
    )


def experiments(period: Period) -> int:
    """PACTE experiments among the actions published in the period."""
    return _published(period).filter(is_experiment=True).count()


def actions_submitted(period: Period) -> int:
    """Actions the communes posted in the period, whatever became of them."""
    start, end = bounds(period)
    return _by_commune(
        CommuneAction.objects.filter(created_at__gte=start, created_at__lt=end), period, "commune"
    ).count()


def actions_refused(period: Period) -> int:
    """Actions refused (still refused) whose review took place in the period."""
    start, end = bounds(period)
    refused = CommuneAction.objects.filter(
        status=ModerationStatus.REFUSED, moderated_at__gte=start, moderated_at__lt=end
    )
    return _by_commune(refused, period, "commune").count()


def replications(period: Period) -> int:
    """ "Nous aussi" declared in the period (by the replicating commune when narrowed)."""
    start, end = bounds(period)
    found = Replication.objects.filter(created_at__gte=start, created_at__lt=end)
    return _by_commune(found, period, "commune").count()


def actions_replicated(period: Period) -> int:
    """Distinct actions that travelled: replicated at least once in the period (by their commune)."""
    start, end = bounds(period)
    found = Replication.objects.filter(created_at__gte=start, created_at__lt=end)
    return _by_commune(found, period, "source__commune").values("source").distinct().count()


def participations() -> list[Participation]:
    """The communes' referents (members of an organisation of the commune kind), from when they
    joined and as long as they stay (the membership is deleted when they leave), counted in their
    commune."""
    from pacte.enums import OrganisationKind

    return [
        Participation(
            Membership.objects.filter(organisation__kind=OrganisationKind.COMMUNE),
            at="created_at",
            ongoing=True,
            action=Action.COMMUNES,
            person="user",
            commune="organisation__commune",
            label="Référents des communes",
        )
    ]


A = Action.COMMUNES
METRICS = [
    Metric(
        "communes.conventions",
        "Communes avec une convention PACTE",
        A,
        communes_with_convention,
        over_months="last",
    ),
    Metric(
        "communes.commitments", "Engagements des conventions en cours", A, commitments, over_months="last"
    ),
    Metric(
        "communes.commitments_progress",
        "Avancement moyen des engagements (%)",
        A,
        commitments_progress,
        over_months="last",
        help_text="Moyenne de l'avancement déclaré, tel qu'il est aujourd'hui.",
    ),
    Metric("communes.commitments_done", "Engagements tenus (100 %)", A, commitments_done, over_months="last"),
    Metric("communes.actions_submitted", "Actions déposées par les communes", A, actions_submitted),
    Metric("communes.actions_published", "Actions de communes publiées", A, actions_published),
    Metric("communes.actions_refused", "Actions refusées à la relecture", A, actions_refused),
    Metric("communes.actions_by_stage", "Actions publiées par statut", A, actions_by_stage, kind="breakdown"),
    Metric("communes.actions_by_theme", "Actions publiées par thème", A, actions_by_theme, kind="breakdown"),
    Metric("communes.experiments", "Expérimentations PACTE publiées", A, experiments),
    Metric("communes.replications", "« Nous aussi » déclarés", A, replications),
    Metric("communes.actions_replicated", "Bonnes pratiques qui ont voyagé", A, actions_replicated),
]
