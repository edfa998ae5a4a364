"""The communes' public pages are cached for anonymous visitors and renewed by the services."""

import pytest

from communes.services import action_publish
from tests.communes.factories import ActionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROW = '<a href="/communes/darnetal/">Darnétal</a></th><td class="number">{}</td>'


def test_publication_renews_the_map_the_list_and_the_commune_page(client):
    action = ActionFactory(pending=True, title="Cour oasis")
    first = client.get("/communes/")
    assert ROW.format(0) in first.content.decode()
    assert client.get("/communes/")["X-Page-Cache"] == "hit"
    client.get("/communes/darnetal/")
    client.get("/communes/actions/")
    action_publish(action=action, by=UserFactory(staff=True))
    assert ROW.format(1) in client.get("/communes/").content.decode()
    assert "Cour oasis" in client.get("/communes/darnetal/").content.decode()
    assert "Cour oasis" in client.get("/communes/actions/").content.decode()


def test_only_valid_filter_values_share_a_cached_page(client):
    ActionFactory()
    client.get("/communes/actions/?theme=mobilite")
    assert client.get("/communes/actions/?theme=mobilite")["X-Page-Cache"] == "hit"
    client.get("/communes/actions/?theme=nowhere")
    assert client.get("/communes/actions/?theme=nowhere").get("X-Page-Cache") != "hit"
    client.get("/communes/?stage=realisee")
    assert client.get("/communes/?stage=realisee")["X-Page-Cache"] == "hit"


def test_htmx_gets_the_results_fragment(client):
    ActionFactory(title="Cour oasis")
    body = client.get("/communes/actions/", headers={"HX-Request": "true"}).content.decode()
    assert "Cour oasis" in body and "<html" not in body
