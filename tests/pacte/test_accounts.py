import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from pacte.enums import RegistrationStatus
from pacte.models import Registration, User
from pacte.services.accounts import user_delete_account, user_export_data
from pacte.services.registrations import registration_create
from tests.factories import EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_export_contains_account_registrations_and_memberships():
    user = UserFactory(first_name="Camille")
    registration_create(event=EventFactory(title="Atelier compost"), user=user)
    MembershipFactory(user=user)
    data = user_export_data(user=user)
    assert data["compte"]["email"] == user.email
    assert data["compte"]["prenom"] == "Camille"
    assert data["inscriptions"][0]["evenement"] == "Atelier compost"
    assert len(data["structures"]) == 1
    json.dumps(data)  # must be serialisable as is


def test_delete_removes_identity_keeps_participation_and_frees_places():
    event = EventFactory(capacity=1)
    past_event = EventFactory(past=True)
    user = UserFactory(email="camille@exemple.fr", first_name="Camille")
    registration_create(event=event, user=user)
    waiting = registration_create(event=event, user=UserFactory())
    Registration.objects.create(
        event=past_event, user=user, status=RegistrationStatus.CONFIRMED, attended=True
    )
    MembershipFactory(user=user)

    user_delete_account(user=user, by=user)

    user.refresh_from_db()
    assert user.first_name == "" and "camille" not in user.email
    assert not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(email="camille@exemple.fr").exists()
    assert not user.memberships.exists()
    # Past participation stays, detached from the person.
    kept = Registration.objects.get(event=past_event)
    assert kept.user is None and kept.attended
    # The future place went to the waiting list.
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert not User.objects.filter(email="camille@exemple.fr").exists()


def test_delete_view_requires_confirmation_then_logs_out(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("my_account_delete")
    # The password again first (allauth's reauthentication, tests/pacte/test_security.py).
    client.post(reverse("account_reauthenticate"), {"password": "mot-de-passe-solide-2026"})
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Cochez la case" in response.content.decode()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.anonymised_at is not None
    assert client.get(reverse("my_space")).status_code == 302  # logged out


def test_export_view_downloads_json(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("my_data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["compte"]["email"] == user.email


def test_profile_update_keeps_input_on_error(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("my_space"), {"first_name": "Léa", "last_name": "Dubois", "category": "inconnue"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Léa"' in body
    assert "Sélectionnez un choix valide" in body
    response = client.post(
        reverse("my_space"), {"first_name": "Léa", "last_name": "Dubois", "category": "habitant"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Léa"
