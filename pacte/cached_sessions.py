"""Sessions read from Redis with what a signed-in page reads next, in one round trip, and
usually none.

Django's cached_db sessions (read from the cache, written through to the database), whose
`load` also reads, in the same round trip: the versions of every page-cache area and the
session's user (its version and its cached row, pacte.auth_backends). The page then finds its
versions and its user already there (pacte.cache, "Within a request"): on the bench machine a
signed-in page went from two round trips to one, each 130-250 µs of wall time.

The user's keys depend on the user's id, which is inside the session's pickled data, out of
Redis's reach: a small key per session holds that id (a hint, written when a session with a
user is first read without it), and a server-side script reads the session, the hint, the
versions and then the hinted user's entries. The hint is only ever a hint: the user entry is
used only when the session itself names that same user, and Django's checks of the session (its
password hash, an active account) run on it as on any other load.

Each thread keeps what the script returned, and Redis tells it when any of it changes (its
client-side caching, see "Kept here" in `_Reader`): a person's next pages make no round trip
until their session, their account or a version changes, and at most one a second.

Only with the portal's Redis backend (pacte.cache_backends); otherwise, and whenever the script
cannot run, it is Django's cached_db load.
"""

import logging
import os
import threading
import time

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from redis.exceptions import NoScriptError, ResponseError

from . import cache as page_cache
from .auth_backends import _names

logger = logging.getLogger(__name__)

HINT_PREFIX = "pacte:session-user:"

# KEYS: the session, its hint, the version keys. ARGV: what goes before and after the user id in
# the user's version key, then in its entry key. Returns the values of KEYS, then the user's
# version and entry when the hint is there.
_SCRIPT = """
local found = redis.call('MGET', unpack(KEYS))
local pk = found[2]
if pk then
  found[#found + 1] = redis.call('GET', ARGV[1] .. pk .. ARGV[2])
  found[#found + 1] = redis.call('GET', ARGV[3] .. pk .. ARGV[4])
end
return found
"""


def _around(cache, name_of_pk) -> tuple[str, str]:
    """What comes before and after a user id in the cache key of `name_of_pk(id)`."""
    marker = "\x00pk\x00"
    before, _, after = cache.make_key(name_of_pk(marker)).partition(marker)
    return before, after


class _Reader:
    """What the read needs that never changes in a process, made once: the script's digest, the
    version keys of every area, what surrounds a user id in the user's keys."""

    def __init__(self, cache):
        self.client = cache._cache.get_client(None)
        self._local = threading.local()
        self.tracking = True  # False once Redis refused to track keys for this process
        self.digest = self.client.script_load(_SCRIPT)
        self.areas = [*page_cache.all_areas(), page_cache.EVERY_AREA]
        self.area_keys = [cache.make_key(page_cache._area_key(area)) for area in self.areas]
        self.session_prefix = cache.make_key(cached_db.KEY_PREFIX)
        self.hint_prefix = cache.make_key(HINT_PREFIX)
        self.args = [
            *_around(cache, lambda pk: page_cache._area_key(_names(pk)[1])),
            *_around(cache, lambda pk: page_cache.PUBLIC_KEY_PREFIX + _names(pk)[0]),
        ]

    def __call__(self, session_key: str) -> list:
        """The raw values of the session, its hint and the area versions, then, when the hint is
        there, the hinted user's version and entry (what _SCRIPT returns): from this thread's
        copies when Redis has not said they changed (see "Kept here" below), else from Redis."""
        keys = [self.session_prefix + session_key, self.hint_prefix + session_key, *self.area_keys]
        state = self._state()
        try:
            self._drain(state)
            found = self._kept(state, keys)
            if found is None:
                found = self._evalsha(state.connection, keys)
                if state.tracked:
                    self._keep(state, keys, found)
        except BaseException:
            self._close(state)
            raise
        return found

    # --- Kept here ---------------------------------------------------------------------------
    #
    # The round trip cost a signed-in page more CPU than its whole render once the worker is
    # loaded (450 µs of a bench page's 1,950 µs in the gunicorn workers; a blocked worker hands
    # its core to another, which starts with cold caches). Redis's server-assisted client-side
    # caching removes it: the thread's connection asks Redis to track the keys it reads
    # (CLIENT TRACKING, RESP3), and Redis pushes an invalidation on that same connection when
    # any client changes one of them (a write, a deletion, an expiry, an eviction, a flush). The
    # thread keeps what it read, and before each use reads whatever Redis has pushed since:
    # the push of a write that happened before this request reached the socket before the
    # writer's own reply did its work, so a logout, a password change or a new version is seen
    # exactly as with a round trip. A copy also lives at most KEPT_SECONDS, so that a
    # connection silently dropped by the network (no push can arrive on it) is found out within
    # a second, and any error closes the connection and forgets every copy.

    def _state(self):
        state = self._local
        if getattr(state, "pid", None) != os.getpid():  # a new thread, or a forked child
            state.pid, state.connection = os.getpid(), None
        if state.connection is None:  # _connect starts the copies and the tracking afresh
            state.connection = self._connect(state)
        return state

    def _connect(self, state):
        pool = self.client.connection_pool
        connection = pool.connection_class(**{**pool.connection_kwargs, "protocol": 3})
        connection.connect()
        state.values = {}
        state.tracked = False
        if self.tracking:
            connection._parser.set_invalidation_push_handler(lambda push: self._forget(state, push))
            try:
                connection.send_command("CLIENT", "TRACKING", "ON")
                connection.read_response()
                state.tracked = True
            except ResponseError:  # a Redis that does not track (an ACL, a proxy): read each time
                self.tracking = False
                _report_once("Redis does not track keys; the session is read on every request")
        return connection

    def _forget(self, state, push) -> None:
        keys = push[1] if len(push) > 1 else None
        if keys is None:  # FLUSHDB, FLUSHALL, or Redis dropping its table of tracked keys
            state.values.clear()
            return
        for key in keys:
            state.values.pop(key.decode() if isinstance(key, bytes) else key, None)

    @staticmethod
    def _drain(state) -> None:
        """Read the invalidations Redis has pushed since this thread last read (the parser hands
        each to _forget)."""
        connection = state.connection
        while connection.can_read(timeout=0):
            connection.read_response(push_request=True)

    def _kept(self, state, keys):
        """What the script would return, from the thread's copies, or None when one is missing."""
        found = self._copies(state, keys)
        if found is None or found[1] is None:  # no hint: the script returns no user either
            return found
        user = self._copies(state, self._user_keys(found[1]))
        return None if user is None else found + user

    @staticmethod
    def _copies(state, keys):
        now = time.monotonic()
        found = []
        for key in keys:
            kept = state.values.get(key)
            if kept is None or kept[1] < now:
                return None
            found.append(kept[0])
        return found

    def _keep(self, state, keys, found) -> None:
        values = state.values
        if len(values) > KEPT_KEYS:  # sessions seen by this thread: start again rather than sort
            values.clear()
        until = time.monotonic() + KEPT_SECONDS
        hint = found[1]
        if hint is not None:
            keys = [*keys, *self._user_keys(hint)]
        for key, value in zip(keys, found, strict=True):
            values[key] = (value, until)

    def _user_keys(self, hint) -> tuple[str, str]:
        pk = hint.decode() if isinstance(hint, bytes) else str(hint)
        return self.args[0] + pk + self.args[1], self.args[2] + pk + self.args[3]

    # --- The round trip ----------------------------------------------------------------------

    def _evalsha(self, connection, keys: list) -> list:
        """The script's answer, on the thread's connection: redis-py's command path (checking a
        connection out of the pool and polling it, retries, events, metrics) cost as much CPU as
        the round trip itself. Any failure closes the connection (the next call opens another)
        and goes up: the session then loads through Django's path, on the pool
        (SessionStore.load)."""
        try:
            connection.send_command("EVALSHA", self.digest, len(keys), *keys, *self.args)
            return connection.read_response()
        except NoScriptError:  # Redis restarted since: load the script again
            self.digest = self.client.script_load(_SCRIPT)
            connection.send_command("EVALSHA", self.digest, len(keys), *keys, *self.args)
            return connection.read_response()

    @staticmethod
    def _close(state) -> None:
        connection, state.connection = state.connection, None
        state.values = {}
        if connection is not None:
            connection.disconnect()


# How long a thread trusts its copy of a key without reading it again (see "Kept here"), and
# how many keys it keeps.
KEPT_SECONDS = 1.0
KEPT_KEYS = 4_000


_readers = {}
_reported = set()


def _report_once(what: str) -> None:
    """Log a failure of the fast path once per process (with its traceback), not on every
    request: the session still loads, through Django's own path."""
    if what not in _reported:
        _reported.add(what)
        logger.warning("Session: %s.", what, exc_info=True)


class SessionStore(cached_db.SessionStore):
    def load(self):
        cache = self._cache
        if not self._session_key or not hasattr(cache, "get_raw_many"):
            return super().load()
        try:
            session, hinted = self._read(cache)
        except Exception:  # noqa: BLE001 — Django's own load, which handles a missing cache
            _report_once("the one-round-trip read failed; Django's own load is used")
            return super().load()
        if session is None:  # not in the cache: from the database, as Django does
            return super().load()
        user_id = session.get(SESSION_KEY)
        if user_id is not None and str(hinted) != str(user_id):
            try:
                expiry = self.get_expiry_age(expiry=session.get("_session_expiry"))
                cache.set(HINT_PREFIX + self._session_key, int(user_id), expiry)
            except (TypeError, ValueError):  # an id that is not a number: no hint, the usual load
                pass
            except Exception:  # noqa: BLE001 — without its hint the session still works
                _report_once("the user hint could not be stored")
        return session

    def _read(self, cache):
        """(session data or None, hinted user id or None), keeping the versions and the user's
        entries read with them for this request (pacte.cache)."""
        # One per server and key scheme, not per backend object: a threaded server (runserver,
        # the tests' live server) makes a backend object per thread.
        place = (tuple(cache._servers), cache.key_prefix, cache.version)
        reader = _readers.get(place)
        if reader is None:
            reader = _readers[place] = _Reader(cache)
        raw_session, raw_hint, *rest = reader(self._session_key)
        areas = reader.areas
        page_cache.remember_versions(
            {area: int(raw) for area, raw in zip(areas, rest, strict=False) if raw is not None}
        )
        session = cache.loads(raw_session) if raw_session is not None else None
        hinted = int(raw_hint) if raw_hint is not None else None
        if hinted is not None and session is not None and str(session.get(SESSION_KEY)) == str(hinted):
            raw_version, raw_entry = rest[len(areas) :]
            entry_name, version_name = _names(hinted)
            if raw_version is not None:
                page_cache.remember_versions({version_name: int(raw_version)})
                if raw_entry is not None:
                    page_cache.hold(page_cache.PUBLIC_KEY_PREFIX + entry_name, raw_entry)
        return session, hinted
