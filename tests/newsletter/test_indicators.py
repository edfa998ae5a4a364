"""The letter's indicators, declared through its portal declaration."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from newsletter.enums import DeliveryStatus, SubscriberStatus
from newsletter.models import Delivery
from pacte.metrics import Period, all_metrics, compute_all
from tests.factories import commune
from tests.newsletter.factories import IssueFactory, SheetFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_indicators_are_declared():
    keys = {m.key for m in all_metrics()}
    assert {
        "lettre.subscribers_by_role",
        "lettre.subscribers_by_commune",
        "lettre.confirmations",
        "lettre.unsubscriptions",
        "lettre.issues_sent",
        "lettre.deliveries",
        "lettre.sheets_published",
    } <= keys
    deliveries = next(m for m in all_metrics() if m.key == "lettre.deliveries")
    assert "pixel" in deliveries.help_text


def test_indicators_count_by_role_commune_and_period():
    today = timezone.localdate()
    period = Period(today - timedelta(days=30), today)
    rouen = commune("rouen")
    SubscriberFactory(role="ccas", commune=rouen)
    SubscriberFactory(role="caf", commune=commune("elbeuf"))
    SubscriberFactory(pending=True)
    SubscriberFactory(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    issue = IssueFactory(sent=True)
    Delivery.objects.create(
        issue=issue, subscriber=SubscriberFactory(role="autre"), status=DeliveryStatus.SENT
    )
    SheetFactory()
    SheetFactory(draft=True)
    values = compute_all(period)
    assert values["lettre.subscribers_by_role"] == {"CCAS": 1, "CAF": 1, "Autre": 1}
    assert values["lettre.subscribers_by_commune"]["Rouen"] == 1
    assert values["lettre.unsubscriptions"] == 1
    assert values["lettre.issues_sent"] == 1
    assert values["lettre.deliveries"] == {"Envoyé": 1}
    assert values["lettre.sheets_published"] == 1
    only_rouen = compute_all(Period(period.start, period.end, commune=rouen))
    assert only_rouen["lettre.subscribers"] == 1
    old = compute_all(Period(date(2020, 1, 1), date(2020, 1, 31)))
    assert old["lettre.issues_sent"] == 0 and old["lettre.subscribers"] == 0
