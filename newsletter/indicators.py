"""Figures of action 5 (the social workers' letter), declared by `NewsletterConfig.metrics`.

Opens and clicks are not measured: the letter carries no tracking pixel and no redirected links
(said on the personal-data page). Each metric runs one query, whatever the data.
"""

from django.db.models import Count

from pacte.enums import Action
from pacte.metrics import Metric, Period, bounds, by_category, by_commune
from pacte.portal import Participation

from .enums import DeliveryStatus, SheetStatus, SubscriberRole, SubscriberStatus
from .models import Delivery, ExperienceSheet, Issue, Subscriber


def _subscribed_at_end(period: Period):
    """Subscriptions confirmed before the end of the period and still active."""
    _, end = bounds(period)
    return by_commune(
        Subscriber.objects.filter(status=SubscriberStatus.ACTIVE, confirmed_at__lt=end), period, "commune"
    )


def subscribers(period: Period) -> int:
    """Subscribers without an account have no known public: narrowed to one, they drop out."""
    return by_category(_subscribed_at_end(period), period, "user__category").count()


def subscribers_by_role(period: Period) -> dict:
    labels = dict(SubscriberRole.choices)
    rows = _subscribed_at_end(period).values("role").annotate(n=Count("pk")).order_by("role")
    return {labels.get(row["role"], row["role"]): row["n"] for row in rows}


def subscribers_by_commune(period: Period) -> dict:
    rows = (
        _subscribed_at_end(period).values("commune__name").annotate(n=Count("pk")).order_by("commune__name")
    )
    return {(row["commune__name"] or "Hors Métropole ou non précisée"): row["n"] for row in rows}


def confirmations(period: Period) -> int:
    start, end = bounds(period)
    return by_commune(
        Subscriber.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end), period, "commune"
    ).count()


def unsubscriptions(period: Period) -> int:
    start, end = bounds(period)
    return by_commune(
        Subscriber.objects.filter(unsubscribed_at__gte=start, unsubscribed_at__lt=end), period, "commune"
    ).count()


def issues_sent(period: Period) -> int:
    start, end = bounds(period)
    return Issue.objects.filter(sent_at__gte=start, sent_at__lt=end).count()


def deliveries(period: Period) -> dict:
    start, end = bounds(period)
    rows = (
        by_commune(
            Delivery.objects.filter(issue__sent_at__gte=start, issue__sent_at__lt=end),
            period,
            "subscriber__commune",
        )
        .values("status")
        .annotate(n=Count("pk"))
    )
    labels = dict(DeliveryStatus.choices)
    return {labels[row["status"]]: row["n"] for row in rows}


def sheets_published(period: Period) -> int:
    start, end = bounds(period)
    return by_commune(
        ExperienceSheet.objects.filter(
            status=SheetStatus.PUBLISHED, published_at__gte=start, published_at__lt=end
        ),
        period,
        "commune",
    ).count()


def participations() -> list[Participation]:
    """Confirmed subscriptions, from confirmation to unsubscription, in the commune given when
    subscribing; an address without an account counts as one anonymous person."""
    return [
        Participation(
            Subscriber.objects.filter(confirmed_at__isnull=False),
            at="confirmed_at",
            until="unsubscribed_at",
            action=Action.NEWSLETTER,
            person="user",
            commune="commune",
            label="Abonné·es à la lettre",
        )
    ]


A = Action.NEWSLETTER
METRICS = [
    Metric(
        "lettre.subscribers",
        "Abonné·es à la lettre",
        A,
        subscribers,
        help_text="Abonnements confirmés et actifs en fin de période.",
        over_months="last",
        counts_people=True,
    ),
    Metric(
        "lettre.subscribers_by_role",
        "Abonné·es par fonction",
        A,
        subscribers_by_role,
        kind="breakdown",
        over_months="last",
    ),
    Metric(
        "lettre.subscribers_by_commune",
        "Abonné·es par commune",
        A,
        subscribers_by_commune,
        kind="breakdown",
        over_months="last",
    ),
    Metric("lettre.confirmations", "Abonnements confirmés", A, confirmations),
    Metric("lettre.unsubscriptions", "Désabonnements", A, unsubscriptions),
    Metric("lettre.issues_sent", "Numéros envoyés", A, issues_sent),
    Metric(
        "lettre.deliveries",
        "Envois de la lettre",
        A,
        deliveries,
        kind="breakdown",
        help_text="Par état. Les ouvertures ne sont pas mesurées : aucun pixel de suivi.",
    ),
    Metric("lettre.sheets_published", "Fiches retours d'expériences publiées", A, sheets_published),
]
