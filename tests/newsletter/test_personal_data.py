"""The subscription and its deliveries are in the person's export and go with the account."""

import pytest

from newsletter.enums import DeliveryStatus
from newsletter.models import Delivery, Subscriber
from newsletter.services import subscriber_subscribe_account
from pacte.services.accounts import user_delete_account, user_export_data
from tests.factories import UserFactory
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_export_has_the_subscription_consent_and_deliveries():
    user = UserFactory()
    subscriber = subscriber_subscribe_account(user=user, by=user)
    issue = IssueFactory(sent=True, number=42)
    Delivery.objects.create(issue=issue, subscriber=subscriber, status=DeliveryStatus.SENT)
    data = user_export_data(user=user)["lettre"]
    assert data["abonnements"][0]["email"] == user.email
    assert data["abonnements"][0]["consentement"]["texte"].startswith("J'accepte")
    assert data["envois"] == [{"numero": 42, "statut": "Envoyé", "envoye_le": None}]


def test_subscription_by_address_is_found_too():
    user = UserFactory(email="pro@ccas.example.fr")
    SubscriberFactory(email="pro@ccas.example.fr")
    assert user_export_data(user=user)["lettre"]["abonnements"][0]["email"] == "pro@ccas.example.fr"


def test_erasure_deletes_the_subscription_and_keeps_deliveries_counted():
    user = UserFactory()
    subscriber = subscriber_subscribe_account(user=user, by=user)
    other = SubscriberFactory()
    Delivery.objects.create(issue=IssueFactory(sent=True), subscriber=subscriber, status=DeliveryStatus.SENT)
    user_delete_account(user=user, by=user)
    assert list(Subscriber.objects.all()) == [other]
    delivery = Delivery.objects.get()
    assert delivery.subscriber is None and delivery.status == DeliveryStatus.SENT
