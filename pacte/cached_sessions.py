"""Sessions read from Redis with what a signed-in page reads next, in one round trip.

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

Only with the portal's Redis backend (pacte.cache_backends); otherwise, and whenever the script
cannot run, it is Django's cached_db load.
"""

import logging
import os
import threading

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from redis.exceptions import NoScriptError

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
        keys = [self.session_prefix + session_key, self.hint_prefix + session_key, *self.area_keys]
        try:
            return self._evalsha(keys)
        except NoScriptError:  # Redis restarted since: load the script again
            self.digest = self.client.script_load(_SCRIPT)
            return self._evalsha(keys)

    def _evalsha(self, keys: list) -> list:
        """The script's answer, on a connection of this thread's own: redis-py's command path
        (checking a connection out of the pool and polling it, retries, events, metrics) cost
        as much CPU as the round trip itself, on every signed-in page. Any failure closes the
        connection (the next call opens another) and goes up: the session then loads through
        Django's path, on the pool (SessionStore.load)."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():  # a forked child opens its own
            connection = self._local.connection = self.client.connection_pool.make_connection()
            self._local.pid = os.getpid()
        try:
            connection.send_command("EVALSHA", self.digest, len(keys), *keys, *self.args)
            return connection.read_response()
        except NoScriptError:
            raise  # an answer: the connection is fine
        except BaseException:
            self._local.connection = None
            connection.disconnect()
            raise


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
