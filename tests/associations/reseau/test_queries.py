"""The network's pages make as many queries with many rows as with few (page cache off)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.reseau.services import relais_reply_create, relais_topic_create
from pacte.enums import Action
from tests.associations.reseau.conftest import post
from tests.factories import EventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Growing the data posts more than a referent may in an hour.
    settings.PACTE_RATE_LIMITS = dict.fromkeys(
        ("reseau.showcase", "reseau.upload", "exchanges.topic", "exchanges.reply")
    )


def _count(client, url):
    client.get(url)  # the first request warms the session and the content versions
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(net, n):
    """n more published actions with photos and themes, topics with replies, meetings."""
    staff, lead, other = net.people["staff"], net.people["referent"], net.people["other_referent"]
    for i in range(n):
        post(net.association, lead, title=f"Action {i}", photos=1, publish_by=staff)
        post(net.other, other, title=f"Autre {i}", photos=1, publish_by=staff)
        topic = relais_topic_create(title=f"Sujet {i}", body="B", author=lead, by=lead)
        relais_reply_create(topic=topic, body="R", author=other, by=other)
        EventFactory(action=Action.RELAIS_NETWORK, organiser=None)


PAGES = {
    "home": lambda net: reverse("associations:reseau"),
    "showcase": lambda net: reverse("associations:showcase_list"),
    "showcase_filtered": lambda net: reverse("associations:showcase_list") + "?commune=rouen",
    "topics": lambda net: reverse("associations:reseau_topics"),
}


# The exchanges are the network's: outsiders get a refusal page, not the list, so they are
# measured for the referent only.
CASES = [
    (page, role)
    for page in PAGES
    for role in ("anonymous", "referent", "citizen")
    if page != "topics" or role == "referent"
]


@pytest.mark.parametrize("page,role", CASES)
def test_pages_queries_constant(client, net, role, page):
    net.login(client, role)
    url = PAGES[page](net)
    _grow(net, 1)
    few = _count(client, url)
    _grow(net, 8)
    assert _count(client, url) == few
    assert few <= 6  # docs/conventions.md: at most 6 queries for a rendered page


@pytest.mark.parametrize("role", ["anonymous", "referent"])
def test_action_page_queries_constant(client, net, role):
    net.login(client, role)
    staff, lead = net.people["staff"], net.people["referent"]
    few_action = post(net.association, lead, title="Peu", photos=1, publish_by=staff)
    many_action = post(net.association, lead, title="Beaucoup", photos=6, publish_by=staff)
    assert _count(client, many_action.get_absolute_url()) == _count(client, few_action.get_absolute_url())


def test_topic_page_queries_constant(client, net):
    net.login(client, "member")
    lead, other = net.people["referent"], net.people["other_referent"]
    topic = relais_topic_create(title="Sujet", body="B", author=lead, by=lead)
    relais_reply_create(topic=topic, body="R", author=other, by=other)
    url = reverse("associations:reseau_topic_detail", args=[topic.pk])
    few = _count(client, url)
    for _ in range(8):
        relais_reply_create(topic=topic, body="Encore", author=other, by=other)
    assert _count(client, url) == few
