"""The person's data of the communes app is in their export, and account deletion keeps the
commune's actions without the name."""

import json

import pytest

from communes.models import CommuneAction
from tests.communes.factories import ActionFactory, referent

pytestmark = pytest.mark.django_db


def test_export_and_deletion(client):
    author = referent("darnetal")
    ActionFactory(author=author, title="Extinction nocturne")
    client.force_login(author)
    data = json.loads(client.get("/mon-espace/mes-donnees.json").content)
    assert data["reseau_des_communes"]["actions_deposees"][0]["titre"] == "Extinction nocturne"
    # Deleting needs the password again (allauth's reauthentication).
    client.post("/comptes/reauthenticate/", {"password": "mot-de-passe-solide-2026"})
    response = client.post("/mon-espace/supprimer-mon-compte/", {"confirm": "on"})
    assert response.status_code == 302
    action = CommuneAction.objects.get()
    assert action.author is None and action.is_public
    assert "Réseau des communes" in client.get("/donnees-personnelles/").content.decode()
