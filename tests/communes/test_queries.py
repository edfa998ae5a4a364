"""The communes pages make as many queries with many rows as with few (page cache off)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Convention
from communes.services import network_reply_create, network_topic_create, replication_create
from pacte.enums import Action
from pacte.images import process_image
from pacte.models import Commune
from tests.communes.factories import (
    ActionFactory,
    CommitmentFactory,
    ConventionFactory,
    image_upload,
    referent,
    theme,
)
from tests.factories import EventFactory, commune

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

SLUGS = ["darnetal", "oissel-sur-seine", "canteleu", "rouen", "malaunay", "le-trait"]


def _count(client, url):
    # Cached fragments (the filter forms) would make the first request of a content version dearer.
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _viewer(client, role):
    if role == "referent":
        client.force_login(referent("darnetal"))


def _grow(n, seed=0):
    """n more actions in several communes, with photos, replications, commitments, events, topics."""
    from communes.models import ActionPhoto

    for i in range(n):
        slug = SLUGS[(i + seed) % len(SLUGS)]
        action = ActionFactory(commune=commune(slug), theme=theme(["mobilite", "eau", "alimentation"][i % 3]))
        processed = process_image(image_upload())
        photo = ActionPhoto(action=action)
        photo.image.save(processed.image.name, processed.image, save=False)
        photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
        photo.save()
        other = SLUGS[(i + seed + 1) % len(SLUGS)]
        contact = referent(other)
        replication = replication_create(
            source=action, commune=commune(other), message="Nous aussi", by=contact
        )
        network_reply_create(topic=replication.topic, body="Bienvenue", author=referent(slug), by=None)
        convention = Convention.objects.filter(commune__slug=slug).first() or ConventionFactory(
            commune=commune(slug)
        )
        CommitmentFactory(convention=convention)
        EventFactory(commune=commune(slug), action=Action.COMMUNES)
        author = referent(slug)
        network_topic_create(title="Sujet", body="Message", author=author, by=author)


@pytest.mark.parametrize("role", ["anonymous", "referent"])
@pytest.mark.parametrize(
    "url",
    ["/communes/", "/communes/actions/", "/communes/reseau/", "/communes/darnetal/", "/communes/rouen/"],
)
def test_pages_queries_constant(client, role, url):
    _viewer(client, role)
    _grow(len(SLUGS))  # one of everything in each commune of SLUGS
    client.get(url)  # the map's outlines are projected once per process: not a per-request query
    few = _count(client, url)
    _grow(3 * len(SLUGS), seed=1)
    assert _count(client, url) == few


@pytest.mark.parametrize("role", ["anonymous", "referent"])
def test_every_commune_page_runs_a_bounded_number_of_queries(client, role):
    """The 71 pages: a commune with everything (actions, photos, commitments) sets the number; a
    commune with nothing makes fewer (Django skips the prefetch of an empty list), never more."""
    _viewer(client, role)
    _grow(len(SLUGS))
    client.get("/communes/rouen/")
    full = _count(client, "/communes/darnetal/")
    counts = {
        slug: _count(client, f"/communes/{slug}/") for slug in Commune.objects.values_list("slug", flat=True)
    }
    assert max(counts.values()) == full
    assert {counts[slug] for slug in SLUGS} == {full}


def test_action_page_and_space_queries_constant(client):
    contact = referent("darnetal")
    client.force_login(contact)
    source = ActionFactory(commune=commune("darnetal"))
    CommitmentFactory(convention__commune=commune("darnetal"))
    replication_create(
        source=source, commune=commune("oissel-sur-seine"), message="x", by=referent("oissel-sur-seine")
    )
    few_action = _count(client, source.get_absolute_url())
    few_space = _count(client, "/communes/darnetal/espace/")
    for slug in SLUGS[2:]:
        replication_create(source=source, commune=commune(slug), message="x", by=referent(slug))
    _grow(8)
    assert _count(client, source.get_absolute_url()) == few_action
    assert _count(client, "/communes/darnetal/espace/") == few_space
