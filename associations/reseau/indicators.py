"""Indicators of action 4's network space (AssociationsConfig.metrics): actions published in the
showcase, topics opened and replies posted in the relais network, by period and commune (the
action's commune; for the exchanges, the commune of the author's association). One aggregate
query each."""

from django.db.models import Count, Q

from pacte.enums import Action
from pacte.metrics import Metric, Period, bounds
from pacte.metrics import by_commune as _by_commune
from pacte.models import ExchangeNetwork, Reply, Topic

from .models import ShowcaseAction


def showcase_published(period: Period) -> int:
    """Actions published in the showcase during the period (and still public)."""
    start, end = bounds(period)
    actions = ShowcaseAction.objects.published().filter(published_at__gte=start, published_at__lt=end)
    return _by_commune(actions, period, "commune").count()


def _network_commune(queryset, period: Period, author: str):
    """Exchanges narrowed to the authors whose association is in the period's commune."""
    if period.commune is None:
        return queryset
    return queryset.filter(**{f"{author}__memberships__organisation__commune": period.commune})


def relais_topics(period: Period) -> int:
    start, end = bounds(period)
    topics = Topic.objects.filter(
        network=ExchangeNetwork.RELAIS, is_hidden=False, created_at__gte=start, created_at__lt=end
    )
    return _network_commune(topics, period, "author").aggregate(n=Count("pk", distinct=True))["n"]


def relais_replies(period: Period) -> int:
    start, end = bounds(period)
    replies = Reply.objects.filter(
        Q(topic__network=ExchangeNetwork.RELAIS),
        is_hidden=False,
        created_at__gte=start,
        created_at__lt=end,
    )
    return _network_commune(replies, period, "author").aggregate(n=Count("pk", distinct=True))["n"]


METRICS = [
    Metric(
        "reseau.showcase_published",
        "Actions partagées dans la vitrine du réseau",
        Action.RELAIS_NETWORK,
        showcase_published,
        help_text="Actions des associations Relais COP21 publiées dans la vitrine pendant la période, "
        "par commune de l'action.",
    ),
    Metric(
        "reseau.topics",
        "Sujets ouverts dans les échanges du réseau Relais COP21",
        Action.RELAIS_NETWORK,
        relais_topics,
        help_text="Par commune de l'association de la personne qui ouvre le sujet.",
    ),
    Metric(
        "reseau.replies",
        "Réponses dans les échanges du réseau Relais COP21",
        Action.RELAIS_NETWORK,
        relais_replies,
        help_text="Par commune de l'association de la personne qui répond.",
    ),
]


def participations() -> list:
    """Where the network space reaches people: the referents who publish actions, and the public
    those actions reached (a headcount, only for actions not tied to an event: an event's own
    attendance is already counted by the agenda)."""
    from pacte.portal import Participation

    published = ShowcaseAction.objects.published()
    return [
        Participation(
            published,
            at="published_at",
            action=Action.RELAIS_NETWORK,
            person="author",
            commune="commune",
            label="Actions publiées dans la vitrine",
        ),
        Participation(
            published.filter(event__isnull=True, headcount__isnull=False),
            at="published_at",
            action=Action.RELAIS_NETWORK,
            headcount="headcount",
            commune="commune",
            label="Public déclaré des actions de la vitrine",
        ),
    ]
