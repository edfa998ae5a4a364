"""The number of queries of a page does not grow with the data (docs/architecture.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacte.services.registrations import registration_create
from tests.factories import EventFactory, ThemeFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_events(n, themes):
    for _ in range(n):
        event = EventFactory(capacity=3)
        event.themes.set(themes)
        for _ in range(4):
            registration_create(event=event, user=UserFactory())


@pytest.mark.parametrize("logged_in", [False, True])
def test_agenda_queries_constant(client, logged_in):
    themes = [ThemeFactory(), ThemeFactory()]
    if logged_in:
        client.force_login(UserFactory())
    _add_events(2, themes)
    few = _count(client, "/agenda/")
    _add_events(10, themes)
    many = _count(client, "/agenda/")
    assert many == few


@pytest.mark.parametrize("logged_in", [False, True])
def test_event_page_queries_constant(client, logged_in):
    themes = [ThemeFactory(), ThemeFactory()]
    event = EventFactory(capacity=2)
    event.themes.set(themes)
    user = UserFactory()
    if logged_in:
        client.force_login(user)
        registration_create(event=event, user=UserFactory())
        registration_create(event=event, user=UserFactory())
        registration_create(event=event, user=user)  # waitlisted, position shown
    few = _count(client, event.get_absolute_url())
    for _ in range(15):
        registration_create(event=event, user=UserFactory())
    many = _count(client, event.get_absolute_url())
    assert many == few


def test_home_queries_constant(client):
    themes = [ThemeFactory()]
    _add_events(2, themes)
    few = _count(client, "/")
    _add_events(8, themes)
    many = _count(client, "/")
    assert many <= few
