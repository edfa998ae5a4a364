"""What a request reads from the cache (pacte.cache, "Within a request"; pacte/cached_sessions.py):
one round trip for a signed-in page once warm, the versions read once per request, the entries a
process holds served only under the versions Redis gives and before their expiry, and the
session's user hint never trusted over the session itself."""

import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pacte import cache as page_cache
from pacte import cached_sessions
from pacte.auth_backends import _names, load_user
from pacte.cache import PUBLIC_KEY_PREFIX, _area_key, bump, public_context, renew
from pacte.cached_sessions import HINT_PREFIX
from tests.factories import EventFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.SESSION_ENGINE.endswith("cached_sessions"),
        reason="needs the Redis cache (REDIS_URL), as in production and CI",
    ),
]


@pytest.fixture(autouse=True)
def copies_outlive_a_slow_request(monkeypatch):
    """The copies' bound of a second is tested on its own, the clock moved: elsewhere, a request
    slowed by a busy machine (CI running the browser tests) must not make the next one read again."""
    monkeypatch.setattr(cached_sessions, "KEPT_SECONDS", 60.0)


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the commands sent to Redis (a pipeline counts once), on the connections themselves:
    the client's commands and the session's script (sent on a connection of its own) alike."""
    sent = []
    command, pipeline = redis.connection.AbstractConnection.send_command, redis.client.Pipeline.execute

    def counted_command(self, *args, **kwargs):
        sent.append(args[0])
        return command(self, *args, **kwargs)

    def counted_pipeline(self, *args, **kwargs):
        sent.append("PIPELINE")
        return pipeline(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command", counted_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", counted_pipeline)
    return sent


@pytest.fixture
def in_a_request():
    """What Django's request_started and request_finished do around a request."""
    page_cache.request_started()
    yield
    page_cache.request_finished()


def test_a_signed_in_page_reads_redis_once_then_nothing_until_something_changes(client, round_trips):
    event = EventFactory(title="Atelier compost")
    client.force_login(UserFactory(first_name="Awa"))
    client.get("/")  # the first visit builds and stores what everyone sees, and the hint
    round_trips.clear()
    client.get("/agenda/")
    assert round_trips.count("EVALSHA") == 1  # the session, the versions and the user at once
    for path in ("/agenda/", event.get_absolute_url(), "/"):
        client.get(path)
        round_trips.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200 and "Se déconnecter" in response.content.decode()
        assert round_trips == [], path  # Redis has pushed no change: the thread's copies
        assert len(queries) == 0, path
    assert "Atelier compost" in client.get(event.get_absolute_url()).content.decode()


def test_a_hint_naming_someone_else_is_ignored_and_rewritten(client):
    awa, other = UserFactory(email="awa@example.org"), UserFactory(email="autre@example.org")
    client.force_login(awa)
    client.get("/mon-espace/")
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    load_user(other.pk)  # the other person's entry is in the cache, under its version
    cache.set(HINT_PREFIX + session_key, other.pk)
    page = client.get(reverse("my_data_export")).content.decode()
    assert "awa@example.org" in page and "autre@example.org" not in page
    assert cache.get(HINT_PREFIX + session_key) == awa.pk


def test_a_signed_out_session_is_anonymous_whatever_its_hint(client):
    awa = UserFactory()
    client.force_login(awa)
    client.get("/")
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key  # the old cookie, replayed
    assert cache.get(HINT_PREFIX + session_key) == awa.pk
    assert "Se déconnecter" not in client.get("/").content.decode()


def _never_built():
    raise AssertionError("built again")


def test_within_a_request_an_entry_held_here_costs_no_round_trip(in_a_request, round_trips):
    assert public_context("essai", lambda: "première", areas=["clubs"]) == "première"
    round_trips.clear()
    assert public_context("essai", _never_built, areas=["clubs"]) == "première"
    assert round_trips == []


def test_html_held_here_is_decoded_once_data_for_each_use(in_a_request):
    """A fragment's HTML cannot change: every request gets the one decoded string. A dict could
    be changed by the page that reads it: each use gets its own, as from Redis."""
    html = public_context("html", lambda: "<p>Atelier</p>", areas=["clubs"])
    assert public_context("html", _never_built, areas=["clubs"]) is public_context(
        "html", _never_built, areas=["clubs"]
    )
    assert html == "<p>Atelier</p>"
    data = public_context("data", lambda: {"titre": "Atelier"}, areas=["clubs"])
    data["titre"] = "changé par une page"
    again = public_context("data", _never_built, areas=["clubs"])
    assert again == {"titre": "Atelier"} and again is not public_context(
        "data", _never_built, areas=["clubs"]
    )


def test_a_write_by_another_process_is_seen_at_the_next_request(round_trips):
    page_cache.request_started()
    public_context("essai", lambda: "avant", areas=["clubs"])
    page_cache.request_finished()
    # Another process writes: it renews the version, then stores the new entry under it.
    cache.incr(_area_key("clubs"))
    version = (cache.get(_area_key("clubs")),)
    cache.set(PUBLIC_KEY_PREFIX + "essai", (version, "après", time.time() + 60))
    page_cache.request_started()
    try:
        assert public_context("essai", _never_built, areas=["clubs"]) == "après"
    finally:
        page_cache.request_finished()


def test_a_write_made_during_the_request_is_read_again(in_a_request):
    assert public_context("essai", lambda: "avant", areas=["clubs"]) == "avant"
    bump("clubs")  # as a service does after a write, in this very request
    assert public_context("essai", lambda: "après", areas=["clubs"]) == "après"


def test_outside_a_request_every_call_reads_its_versions():
    assert public_context("essai", lambda: "avant", areas=["clubs"]) == "avant"
    cache.incr(_area_key("clubs"))  # another process
    assert public_context("essai", lambda: "après", areas=["clubs"]) == "après"


def test_an_entry_held_here_ends_with_its_expiry(in_a_request, monkeypatch):
    assert public_context("essai", lambda: "avant", areas=["clubs"], timeout=60) == "avant"
    later = time.time() + 61
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert public_context("essai", lambda: "après", areas=["clubs"], timeout=60) == "après"


def test_a_redis_refusing_scripts_still_signs_people_in(client, monkeypatch, caplog):
    """Some managed Redis refuse EVALSHA: Django's own load is used, and said once in the log."""

    send = redis.connection.AbstractConnection.send_command

    def refusing(self, *args, **kwargs):
        if args and args[0] == "EVALSHA":  # Redis answers with an error, as one refusing scripts does
            args = ("PACTE-NO-SUCH-COMMAND",)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command", refusing)
    monkeypatch.setattr(cached_sessions, "_reported", set())
    client.force_login(UserFactory())
    for _ in range(3):
        assert "Se déconnecter" in client.get("/").content.decode()
    assert [record.levelname for record in caplog.records if "Session" in record.getMessage()] == ["WARNING"]


def _tracked_connections():
    return [
        reader._local.connection
        for reader in cached_sessions._readers.values()
        if getattr(reader._local, "connection", None) is not None
    ]


def test_a_lost_connection_costs_one_slower_page_not_a_signed_out_one(client, round_trips):
    """The thread's connection: when Redis drops it (a restart, a timeout), that page loads its
    session through Django's path, and the next one opens a new connection, tracked again."""
    client.force_login(UserFactory())
    assert "Se déconnecter" in client.get("/").content.decode()
    for tracked in _tracked_connections():
        tracked._sock.close()  # gone under it, as when Redis restarts
    assert "Se déconnecter" in client.get("/").content.decode()
    assert "Se déconnecter" in client.get("/").content.decode()  # opens the new connection
    round_trips.clear()
    assert "Se déconnecter" in client.get("/").content.decode()
    assert round_trips == []


def test_a_logout_elsewhere_signs_the_cookie_out_at_its_next_request(client):
    """Another process deletes the session (a logout on another device's request, an
    administrator ending it): Redis pushes the change, the copy kept here is dropped."""
    client.force_login(UserFactory())
    assert "Se déconnecter" in client.get("/").content.decode()
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    from django.contrib.sessions.models import Session

    cache.delete("django.contrib.sessions.cached_db" + session_key)
    Session.objects.filter(session_key=session_key).delete()
    assert "Se déconnecter" not in client.get("/").content.decode()


def test_an_account_deactivated_elsewhere_is_signed_out_at_its_next_request(client):
    user = UserFactory()
    client.force_login(user)
    assert "Se déconnecter" in client.get("/").content.decode()
    type(user).objects.filter(pk=user.pk).update(is_active=False)  # another process, no signal
    renew(_names(user.pk)[1])  # what forget_user does after that process's save
    assert "Se déconnecter" not in client.get("/").content.decode()


def test_a_version_renewed_elsewhere_is_read_again(client, round_trips):
    client.force_login(UserFactory())
    client.get("/agenda/")
    client.get("/agenda/")
    cache.incr(_area_key("agenda"))  # another process's write
    round_trips.clear()
    client.get("/agenda/")
    assert round_trips.count("EVALSHA") == 1
    round_trips.clear()
    client.get("/agenda/")
    assert round_trips == []


def test_a_flushed_redis_forgets_every_copy(client, round_trips):
    client.force_login(UserFactory())
    client.get("/")
    client.get("/")
    cache.clear()  # FLUSHDB: Redis pushes an invalidation of everything
    round_trips.clear()
    # The session is gone from Redis: read from the database again (cached_db), still signed in.
    assert "Se déconnecter" in client.get("/").content.decode()
    assert round_trips.count("EVALSHA") == 1


def test_a_copy_is_read_again_after_a_second_whatever_redis_says(client, round_trips, monkeypatch):
    """A connection silently dropped by the network receives no push: a copy lives at most
    KEPT_SECONDS, so such a connection is found out (and its copies dropped) within a second."""
    client.force_login(UserFactory())
    client.get("/")
    client.get("/")
    later = time.monotonic() + cached_sessions.KEPT_SECONDS + 0.1
    monkeypatch.setattr(cached_sessions.time, "monotonic", lambda: later)
    round_trips.clear()
    client.get("/")
    assert round_trips.count("EVALSHA") == 1


def test_a_redis_refusing_to_track_reads_the_session_each_time(client, monkeypatch, caplog):
    send = redis.connection.AbstractConnection.send_command

    def refusing(self, *args, **kwargs):
        if args[:2] == ("CLIENT", "TRACKING"):  # Redis answers with an error, as an ACL would
            args = ("PACTE-NO-SUCH-COMMAND",)
        return send(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command", refusing)
    monkeypatch.setattr(cached_sessions, "_readers", {})
    monkeypatch.setattr(cached_sessions, "_reported", set())
    client.force_login(UserFactory())
    for _ in range(3):
        assert "Se déconnecter" in client.get("/").content.decode()
    sent = []
    monkeypatch.setattr(
        redis.connection.AbstractConnection,
        "send_command",
        lambda self, *args, **kwargs: sent.append(args[0]) or refusing(self, *args, **kwargs),
    )
    client.get("/")
    assert sent == ["EVALSHA"]
    assert [record.levelname for record in caplog.records if "track" in record.getMessage()] == ["WARNING"]


def test_what_a_process_keeps_decoded_counts_within_its_bound():
    """The decoded values kept for copies take memory too (about four times their pickle): they
    count in the process's bound, and the least recently used entry goes out whole."""
    names = ("a", "b", "c", "d")
    raw = {name: cache.dumps({"titre": name * 100}) for name in names}
    size = len(raw["a"])
    entries = page_cache._LocalEntries(max_bytes=16 * size)  # an entry may be a 16th of the bound
    for count, name in enumerate(names[:3], start=1):
        entries.put(name, raw[name])
        assert entries.decode(name, raw[name]) == {"titre": name * 100}
        assert entries._size == count * 5 * size  # the bytes, and the prototype of the copies
    entries.put("d", raw["d"])
    entries.decode("d", raw["d"])  # 4 × 5 × size: over the bound, the oldest goes
    assert entries.get("a") is None and entries.get("d") is raw["d"]
    assert entries._size == 3 * 5 * size <= entries.max_bytes
    entries.put("d", cache.dumps({"titre": "nouveau"}))  # replaced: its decoded value goes too
    assert entries._size == 2 * 5 * size + len(entries.get("d"))
