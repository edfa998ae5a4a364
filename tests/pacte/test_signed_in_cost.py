"""What every signed-in request pays (issue 9): the user is loaded only when something reads
`request.user`, the staff second-factor mark still comes with it, and responses to signed-in
people stay private."""

import pytest
from django.core.cache.backends.redis import RedisCacheClient
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacte.cache_backends import PortalRedisCache
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.pacte.signed_in_cost_urls")]


def test_a_view_that_never_reads_the_user_makes_no_query_for_a_signed_in_person(client):
    client.force_login(UserFactory())
    client.get("/_test/sans-utilisateur/")  # the session row may be touched once
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/_test/sans-utilisateur/")
    assert response.status_code == 200
    assert len(queries) == 0
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_an_anonymous_response_is_not_made_private(client):
    response = client.get("/_test/sans-utilisateur/")
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("factory", "expected"),
    [
        (lambda: UserFactory(staff=True), "staff"),
        (lambda: UserFactory(staff=True, second_factor=False), "citizen"),
        (lambda: UserFactory(), "citizen"),
    ],
)
def test_the_second_factor_mark_is_set_when_the_user_is_loaded(client, settings, factory, expected):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    client.force_login(factory())
    assert client.get("/_test/equipe/").content.decode() == expected


def test_pages_that_need_a_signed_in_person_still_send_anonymous_visitors_to_the_login(client):
    response = client.get("/mon-espace/")
    assert response.status_code == 302
    assert "/comptes/" in response["Location"]


def test_the_redis_cache_builds_one_client_per_process():
    cache = PortalRedisCache("redis://127.0.0.1:6379/15", {})
    client = cache._cache.get_client("a")
    assert isinstance(cache._cache, RedisCacheClient)
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool, one client
