"""The clubs' public pages are served from the anonymous page cache and refreshed on writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clubs.services import club_join, practice_create
from tests.clubs.factories import ClubFactory, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_club_pages_cached_for_anonymous_and_refreshed_by_writes(client, django_capture_on_commit_callbacks):
    club = ClubFactory()
    url = club.organisation.get_absolute_url()
    first, _ = _get(client, url)
    assert first["X-Page-Cache"] == "miss"
    second, queries = _get(client, url)
    assert second["X-Page-Cache"] == "hit" and queries == 0
    assert "0 membre" in second.content.decode() or "Aucun membre" in second.content.decode()

    author = member(club)
    with django_capture_on_commit_callbacks(execute=True):
        practice_create(club=club, author=author, title="Paillage des massifs", text="Du broyat.", by=author)
    fresh, _ = _get(client, url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "Paillage des massifs" in fresh.content.decode()
    listing, _ = _get(client, "/clubs/pratiques/")
    assert "Paillage des massifs" in listing.content.decode()


def test_logged_in_member_never_gets_the_anonymous_page(client):
    club = ClubFactory()
    url = club.organisation.get_absolute_url()
    _get(client, url)
    _get(client, url)  # now cached for anonymous visitors
    user = UserFactory()
    club_join(club=club, user=user, by=user)
    client.force_login(user)
    response = client.get(url)
    body = response.content.decode()
    assert response.get("X-Page-Cache") != "hit"
    assert "Quitter le club" in body and "csrfmiddlewaretoken" in body


def test_club_list_filters_are_cached_separately(client):
    ClubFactory(organisation__name="Les Binettes de Duclair")
    assert "Les Binettes de Duclair" in client.get("/clubs/").content.decode()
    filtered, _ = _get(client, "/clubs/?club_type=cop21")
    assert "Les Binettes de Duclair" not in filtered.content.decode()
