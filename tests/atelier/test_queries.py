"""The Atelier's pages make as many queries with many rows as with few (page cache off)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atelier.models import Booking
from tests.atelier.factories import BookingFactory, at, next_monday, resident
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PACTE_PAGE_CACHE = False


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n):
    from pacte.enums import Action

    # Slots continue after the bookings already made: no two overlap (PostgreSQL refuses it).
    already = Booking.objects.filter(space=world.space, residency=world.residency).count()
    for i in range(already, already + n):
        residency, _ = resident(world.space)
        BookingFactory(
            space=world.space,
            residency=residency,
            organisation=residency.organisation,
            starts_at=at(next_monday(), 9) + timedelta(days=i % 5, hours=i // 5),
            ends_at=at(next_monday(), 9) + timedelta(days=i % 5, hours=i // 5, minutes=50),
        )
        BookingFactory(
            space=world.space,
            residency=world.residency,
            organisation=world.residency.organisation,
            starts_at=at(next_monday(2), 9) + timedelta(days=i % 5, hours=i // 5),
            ends_at=at(next_monday(2), 9) + timedelta(days=i % 5, hours=i // 5, minutes=50),
        )
        EventFactory(action=Action.ATELIER)


@pytest.mark.parametrize("role", ["anonymous", "resident"])
@pytest.mark.parametrize("page", ["home", "space", "call"])
def test_public_pages(client, world, role, page):
    world.login(client, role)
    url = {
        "home": "/atelier/",
        "space": world.space.get_absolute_url(),
        "call": world.call.get_absolute_url(),
    }[page]
    _grow(world, 1)
    few = _count(client, url)
    _grow(world, 8)
    assert _count(client, url) == few


@pytest.mark.parametrize("name", ["residency", "week"])
def test_resident_pages(client, world, name):
    world.login(client, "resident")
    url = reverse(f"atelier:{name}", args=[world.residency.organisation.slug])
    params = {"semaine": next_monday(2).isoformat()} if name == "week" else {}
    _grow(world, 1)
    few = _count(client, url, **params)
    _grow(world, 8)
    assert _count(client, url, **params) == few
