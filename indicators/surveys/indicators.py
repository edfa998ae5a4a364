"""Figures of the questionnaires, declared by the indicators app (`IndicatorsConfig.metrics`),
and the people who answered for the people-mobilised count.

Answers count by the day they were received (Europe/Paris), and by the commune of the event they
follow when the period has a commune (answers through the open link of a questionnaire for every
event of an action have no event: they count only overall).
"""

from pacte.enums import Action
from pacte.metrics import Metric, Period, bounds, by_commune

from .models import Invitation, Response


def _responses(period: Period, action: str | None = None):
    responses = Response.objects.filter(submitted_on__gte=period.start, submitted_on__lte=period.end)
    if action:
        responses = responses.filter(survey__action=action)
    return by_commune(responses, period, "event__commune")


def respondents(period: Period):
    """Ids of the people who answered a non-anonymous questionnaire in the period (a queryset of
    user ids, distinct): the people-mobilised count unites it with the other actions' people."""
    return (
        _responses(period).filter(user__isnull=False).values_list("user_id", flat=True).distinct().order_by()
    )


def answers(action: str):
    def compute(period: Period) -> int:
        return _responses(period, action).count()

    return compute


def response_rate(action: str):
    """Share (in %) of the personal invitations sent in the period that were answered."""

    def compute(period: Period) -> int:
        start, end = bounds(period)
        invitations = Invitation.objects.filter(sent_at__gte=start, sent_at__lt=end, survey__action=action)
        invitations = by_commune(invitations, period, "event__commune")
        sent = invitations.count()
        return round(100 * invitations.filter(used_at__isnull=False).count() / sent) if sent else 0

    return compute


METRICS = [
    metric
    for action in Action
    for metric in (
        Metric(
            key=f"surveys.answers.{action.value}",
            label="Réponses aux questionnaires",
            action=action,
            compute=answers(action.value),
            help_text="Questionnaires remplis après les événements (invitations et QR code).",
            tags=("surveys",),
        ),
        Metric(
            key=f"surveys.response_rate.{action.value}",
            label="Taux de réponse aux questionnaires (%)",
            action=action,
            compute=response_rate(action.value),
            help_text="Part des invitations personnelles envoyées dans la période qui ont reçu une réponse.",
            tags=("surveys", "percent"),
        ),
    )
]


def participations() -> list:
    """People who answered a questionnaire under their name, by the questionnaire's action and the
    commune of the event it follows. Anonymous answers are left out: their authors were present at
    the event, so the agenda's attendance already counts them, and they cannot be matched."""
    from pacte.portal import Participation

    return [
        Participation(
            Response.objects.filter(user__isnull=False),
            at="submitted_on",
            action_field="survey__action",
            person="user",
            commune="event__commune",
            label="Réponses aux questionnaires",
        )
    ]
