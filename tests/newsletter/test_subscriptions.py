"""Double opt-in, consent, personal links, preferences and one-click unsubscription."""

import re

import pytest
from django.core import mail

from newsletter.enums import SubscriberStatus
from newsletter.models import Subscriber
from newsletter.services import (
    CONSENT_TEXT,
    personal_token,
    read_confirm_token,
    subscriber_confirm,
    subscriber_subscribe,
    subscriber_subscribe_account,
    subscriber_unsubscribe,
)
from pacte.models import AuditEntry
from pacte.services.errors import RefusedError
from tests.factories import UserFactory, commune
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def _link(message, name):
    return re.search(rf"https?://[^\s\"<]*/lettre/{name}/[^\s\"<]+/", message.body).group(0)


def test_subscribing_sends_only_the_confirmation_link_and_records_consent(run_on_commit):
    subscriber = run_on_commit(
        subscriber_subscribe,
        email=" Marie@CCAS.example.fr ",
        name="Marie",
        role="ccas",
        commune=commune("rouen"),
    )
    assert subscriber.email == "marie@ccas.example.fr"
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.consent_text == CONSENT_TEXT and subscriber.consent_at is not None
    assert len(mail.outbox) == 1
    assert "Confirmez" in mail.outbox[0].subject
    assert "/lettre/confirmer/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(verb="newsletter.subscriber.request").count() == 1


def test_confirmation_link_activates_and_is_idempotent(run_on_commit):
    subscriber = run_on_commit(subscriber_subscribe, email="a@b.fr", role="caf")
    token = _link(mail.outbox[0], "confirmer").rstrip("/").rsplit("/", 1)[1]
    assert read_confirm_token(token) == subscriber
    subscriber = subscriber_confirm(subscriber=subscriber)
    assert subscriber.status == SubscriberStatus.ACTIVE and subscriber.confirmed_at
    assert subscriber_confirm(subscriber=subscriber).confirmed_at == subscriber.confirmed_at


def test_a_repeated_request_does_not_flood_the_address(run_on_commit):
    run_on_commit(subscriber_subscribe, email="a@b.fr", role="caf")
    run_on_commit(subscriber_subscribe, email="a@b.fr", role="caf")
    assert len(mail.outbox) == 1


def test_an_active_address_is_not_changed_by_someone_else_and_is_told_by_mail(run_on_commit):
    subscriber = SubscriberFactory(email="actif@b.fr", name="Vrai nom")
    run_on_commit(subscriber_subscribe, email="actif@b.fr", name="Usurpateur", role="autre")
    subscriber.refresh_from_db()
    assert subscriber.name == "Vrai nom" and subscriber.status == SubscriberStatus.ACTIVE
    assert len(mail.outbox) == 1 and "déjà abonné" in mail.outbox[0].subject
    assert "/lettre/preferences/" in mail.outbox[0].body


def test_bad_role_is_refused():
    with pytest.raises(RefusedError):
        subscriber_subscribe(email="a@b.fr", role="pirate")


def test_signed_in_person_subscribes_in_one_click_without_confirmation():
    user = UserFactory(category="acteur_social", home_commune=commune("darnetal"))
    subscriber = subscriber_subscribe_account(user=user, by=user)
    assert subscriber.status == SubscriberStatus.ACTIVE and subscriber.user == user
    assert subscriber.role == "travailleur_social" and subscriber.commune.slug == "darnetal"
    assert subscriber.consent_text == CONSENT_TEXT
    assert subscriber_subscribe_account(user=user, by=user).pk == subscriber.pk


def test_personal_token_dies_with_the_subscription():
    subscriber = SubscriberFactory()
    token = personal_token(subscriber)
    subscriber.delete()
    recreated = SubscriberFactory(email=subscriber.email)
    from newsletter.services import read_personal_token

    assert read_personal_token(token) is None
    assert read_personal_token(personal_token(recreated)) == recreated


# --- Through the pages --------------------------------------------------------------------------


def test_subscription_form_then_confirm_then_preferences_then_unsubscribe(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/lettre/",
            {
                "email": "ts@exemple.fr",
                "name": "Inès",
                "structure": "CCAS",
                "role": "ccas",
                "commune": "rouen",
                "consent": "on",
            },
        )
    assert response.status_code == 302 and response["Location"] == "/lettre/merci/"
    confirm_url = _link(mail.outbox[0], "confirmer")
    path = confirm_url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "Je confirme" in page.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING  # a GET changes nothing
    response = client.post("/" + path)
    assert response.status_code == 302 and "/lettre/preferences/" in response["Location"]
    assert Subscriber.objects.get().status == SubscriberStatus.ACTIVE

    prefs = response["Location"]
    response = client.post(
        prefs, {"name": "Inès D.", "structure": "CCAS de Rouen", "role": "travailleur_social"}
    )
    assert response.status_code == 302
    assert Subscriber.objects.get().structure == "CCAS de Rouen"

    token = prefs.rstrip("/").rsplit("/", 1)[1]
    # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", without any CSRF token.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(f"/lettre/desabonnement/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED


def test_form_errors_are_french_next_to_the_field_and_nothing_is_lost(client):
    response = client.post("/lettre/", {"email": "pas-une-adresse", "name": "Inès", "role": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Saisissez une adresse de courriel valide." in page
    assert "Cochez cette case pour vous abonner." in page
    assert 'value="Inès"' in page
    assert not Subscriber.objects.exists()


def test_invalid_links_are_404_with_a_french_page(client):
    for url in ["/lettre/confirmer/abc/", "/lettre/preferences/abc/", "/lettre/desabonnement/abc/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "n'est pas valide" in response.content.decode()


def test_get_on_unsubscribe_link_changes_nothing(client):
    subscriber = SubscriberFactory()
    response = client.get(f"/lettre/desabonnement/{personal_token(subscriber)}/")
    assert response.status_code == 200 and "Me désabonner" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE


def test_unsubscribed_person_can_come_back_from_preferences(client):
    subscriber = subscriber_unsubscribe(subscriber=SubscriberFactory())
    token = personal_token(subscriber)
    response = client.post(f"/lettre/preferences/{token}/", {"name": "X", "role": "caf", "resubscribe": "on"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE


def test_one_click_for_signed_in_person(client):
    user = UserFactory()
    client.force_login(user)
    assert "M'abonner en un clic" in client.get("/lettre/").content.decode()
    response = client.post("/lettre/abonnement-en-un-clic/")
    assert response.status_code == 302
    assert Subscriber.objects.get(email=user.email).status == SubscriberStatus.ACTIVE
    assert "Vous êtes abonné·e" in client.get("/lettre/").content.decode()


def test_one_click_needs_an_account(client):
    response = client.post("/lettre/abonnement-en-un-clic/")
    assert response.status_code == 302 and "/comptes/" in response["Location"]
    assert not Subscriber.objects.exists()


def test_anonymous_requests_are_limited_per_visitor_address(client, monkeypatch):
    monkeypatch.setattr("newsletter.views.SUBSCRIPTIONS_PER_IP_AND_HOUR", 2)
    for n in range(2):
        data = {"email": f"a{n}@b.fr", "role": "ccas", "consent": "on"}
        assert client.post("/lettre/", data).status_code == 302
    response = client.post("/lettre/", {"email": "a9@b.fr", "role": "ccas", "consent": "on"})
    assert response.status_code == 400
    assert "Trop de demandes d&#x27;abonnement" in response.content.decode()
    assert 'value="a9@b.fr"' in response.content.decode()
    assert Subscriber.objects.count() == 2
