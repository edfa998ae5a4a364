"""A space's and a call's pages: their public part read from the cache in one round trip
(atelier.views.public.space_page and call_page), fresh after a write; the person's associations
and applications read on every request and never shared (docs/conventions.md, Performance)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from atelier.models import Closure, Criterion
from atelier.services.calls import application_start
from tests.atelier.factories import CallFactory, referent
from tests.factories import OrganisationFactory, UserFactory
from tests.pages import page_queries_but_session as _queries
from tests.pages import page_text as _text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.mark.parametrize("role", ["anonymous", "citizen", "resident"])
def test_space_page_runs_no_query_of_its_own_once_warm(client, world, role):
    world.login(client, role)
    url = world.space.get_absolute_url()
    client.get(url)
    queries = _queries(client, url)
    assert queries == []  # the signed-in layout's user comes from the cache
    assert all("atelier_" not in sql for sql in queries)


def test_space_page_follows_closures_and_edits_and_a_404_is_never_cached(client, world):
    space = world.space
    url = space.get_absolute_url()
    assert "Travaux de peinture" not in _text(client, url)
    today = timezone.localdate()
    Closure.objects.create(
        venue=space.venue,
        space=space,
        starts_on=today,
        ends_on=today + timedelta(days=3),
        reason="Travaux de peinture",
    )
    assert "Travaux de peinture" in _text(client, url)
    space.name = "Salle Robec"
    space.save()
    assert "<h1>Salle Robec</h1>" in _text(client, url)
    space.is_active = False
    space.save()
    assert client.get(url).status_code == 404
    space.is_active = True
    space.save()
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ["citizen", "non_resident", "staff"])
def test_signed_in_call_page_runs_no_query_once_warm(client, world, role):
    world.login(client, role)
    url = world.call.get_absolute_url()
    client.get(url)
    few = _queries(client, url)
    # The user and the person's associations and applications come from the cache.
    assert few == []
    person = world.people[role]
    for _ in range(4):
        association = OrganisationFactory()
        referent(association, person)
        application_start(call=world.call, organisation=association, by=person)
        CallFactory()
    assert len(_queries(client, url)) <= 6  # the public part built again after the writes
    assert len(_queries(client, url)) == len(few)


def test_call_page_shows_the_person_s_own_applications_only(client, world):
    call, association = world.call, world.non_resident_organisation
    person = world.people["non_resident"]
    url = call.get_absolute_url()
    world.login(client, "non_resident")
    assert f"Candidater pour {association.name}" in _text(client, url)
    application_start(call=call, organisation=association, by=person)
    text = _text(client, url)
    assert f"Candidature de {association.name}" in text and "continuer la candidature" in text
    assert f"Candidater pour {association.name}" not in text
    for role in ("citizen", "resident", "staff", "anonymous"):
        world.login(client, role)
        assert association.name not in _text(client, url)
    client.force_login(UserFactory())
    assert "Pour candidater, il faut être référent" in _text(client, url)


def test_call_page_follows_its_criteria_and_its_closing(client, world):
    call = world.call
    url = call.get_absolute_url()
    world.login(client, "non_resident")
    assert "Ancrage local" not in _text(client, url)
    Criterion.objects.create(call=call, label="Ancrage local", weight=2, position=5)
    assert "Ancrage local" in _text(client, url)
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.opens_at = timezone.now() - timedelta(days=30)
    call.save()
    text = _text(client, url)
    assert "l'appel n'est pas ouvert" in text and "Candidater pour" not in text
    call.is_published = False
    call.save()
    assert client.get(url).status_code == 404
