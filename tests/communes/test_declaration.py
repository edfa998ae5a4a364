"""What the communes app declares to the kernel: nav, home card and figure, Mon espace, the commune
organisations' address, exchange topics' address."""

import pytest

from pacte import portal
from pacte.models import ExchangeNetwork
from pacte.services.exchanges import topic_create
from tests.communes.factories import ActionFactory, commune_organisation, referent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_nav_home_card_and_key_figure(client):
    ActionFactory()
    ActionFactory(pending=True)
    body = client.get("/").content.decode()
    assert 'href="/communes/"' in body and "Réseau des communes" in body
    figures = {figure.plural: figure.value for figure in portal.key_figures()}
    assert figures["actions de communes publiées"] == 1
    assert portal.home_cards()["communes"].number == 6


def test_my_space_for_a_communes_referent_with_what_waits(client):
    contact = referent("darnetal")
    ActionFactory(refused=True, author=contact)
    client.force_login(contact)
    body = client.get("/mon-espace/").content.decode()
    assert "Réseau des communes" in body and "/communes/darnetal/espace/" in body
    assert "action refusée à reprendre" in body
    client.force_login(UserFactory())
    assert "/communes/darnetal/espace/" not in client.get("/mon-espace/").content.decode()


def test_commune_organisations_and_network_topics_link_to_this_app():
    assert commune_organisation("darnetal").get_absolute_url() == "/communes/darnetal/"
    author = referent("darnetal")
    topic = topic_create(network=ExchangeNetwork.COMMUNES, title="T", body="B", author=author, by=author)
    assert topic.get_absolute_url() == f"/communes/reseau/echanges/{topic.pk}/"
