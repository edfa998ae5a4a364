"""Full-page cache of the public pages for anonymous visitors (docs/architecture.md).

A page is served from the cache only to a visitor with no session cookie and no pending message,
and only a response that carries nothing personal is stored: no cookie set, no CSRF token used
while rendering, no message. Logged-in people (who always have a session cookie) are never served
a cached page, and their pages are never stored.

Invalidation is explicit and per area. Each app declares a page-cache area (`PortalApp.cache_area`:
"agenda" for the kernel, "clubs"...) and each cached page names the areas it shows (by default
all of them). A page is stored with the versions of its areas read before it was rendered; a write
bumps the version of its area, so the next request renders afresh, and pages of other areas stay
cached. Services call `invalidate(area)` (after commit, so other processes never cache the old
data again); signal receivers on each app's `watched_models` are the backstop for writes made
outside the services (the admin's plain saves, a shell). The receivers are connected by
`PacteConfig.ready`, so they exist in every process: web, Celery worker, shell.

The timeout only bounds what changes with the clock alone (an event that starts, a registration
window that closes). Versions and pages live in the default cache: local memory for tests and
`make run`, Redis in production, shared by every gunicorn worker.
"""

import copy
import datetime
import hashlib
import logging
import operator
import re
import threading
import time
from collections import OrderedDict
from functools import partial, wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject

from .fresh_copies import copier, scalar
from .htmx import wants_fragment

logger = logging.getLogger(__name__)

AREA_KEY_PREFIX = "pacte:page-cache:area:"
PAGE_KEY_PREFIX = "pacte:page-cache:page:"
CACHE_HEADER = "X-Page-Cache"
# Everything the key reads besides the URL (pacte.htmx.wants_fragment).
VARY_HEADERS = ("Cookie", "HX-Request", "HX-History-Restore-Request")


# --- Area versions ----------------------------------------------------------------------------


def all_areas() -> tuple[str, ...]:
    from .portal import cache_areas

    return tuple(cache_areas())


# The version of "every area": bumped with each area, so what shows every area (the home page,
# an organisation's page, the pages cached without `areas`) reads one key instead of one per app
# (0.15 ms of CPU a read with seven apps). It changes exactly when one of the areas does.
EVERY_AREA = "*"


def _area_key(area: str) -> str:
    return AREA_KEY_PREFIX + area


def _watched(areas) -> tuple[str, ...]:
    """The version keys to read for `areas` (None or empty: every area, through EVERY_AREA)."""
    return tuple(areas) if areas else (EVERY_AREA,)


def area_versions(areas=None) -> tuple:
    """The current versions of `areas` (every area when None): in one cache round trip, or none
    when this request has read them already (see "Within a request" below)."""
    areas = _watched(areas)
    versions, _found = _read({None: areas}, {})
    return tuple(versions[area] for area in areas)


def versions_token(areas=None) -> str:
    """A short string that changes whenever one of `areas` changes: for fragment cache keys."""
    return "-".join(str(version) for version in area_versions(areas))


def content_version(areas=None) -> str:
    """The content version of `areas` (all by default), as a token for cache keys."""
    return versions_token(areas)


def _init_version(area: str) -> int:
    # A clock value rather than 1: should the key be evicted while pages survive (Redis LRU),
    # the new version still differs from every version stored with those pages.
    cache.add(_area_key(area), time.time_ns(), timeout=None)
    return cache.get(_area_key(area)) or time.time_ns()


def bump(*areas: str) -> None:
    """Renew the cached pages of `areas` now. Never raises: a cache outage must not fail a write."""
    for area in (*areas, EVERY_AREA) if areas else ():
        renew(area)


def renew(name: str) -> None:
    """Give the version `name` a new value, and that one only (not the every-area version): for
    versions of a single object, such as a user's (pacte.auth_backends). Never raises."""
    if _request.versions is not None:
        # This request reads the new version from the cache again (a form page that wrote).
        _request.versions.pop(name, None)
    try:
        cache.incr(_area_key(name))
    except ValueError:  # no version yet: any new value differs from the stored entries' versions
        cache.set(_area_key(name), time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 — entries expire on their own after their timeout
        logger.exception("Cache: the version of %s could not be renewed.", name)


def bump_content_version() -> None:
    """Renew every cached page (all areas)."""
    bump(*all_areas())


def invalidate(*areas: str, using: str = "default") -> None:
    """What a service calls after a write shown on public pages of `areas`.

    The bump after commit is the one that matters: other processes may have cached a page from
    the data as it was until then. The immediate bump serves reads later in the same transaction
    (the test suite runs each test inside one), which would otherwise get a page cached before
    the write.
    """
    bump(*areas)
    transaction.on_commit(lambda: bump(*areas), using=using, robust=True)


# --- Public context: what everyone sees of a page, for the renders the page cache cannot serve --

PUBLIC_KEY_PREFIX = "pacte:public-context:"


def public_context(name: str, build, *, areas=None, timeout: int = 60):
    """`build()` (the data of a page that is the same for everyone: instances with their
    select/prefetch done, counts), cached under `name` with the versions of `areas` (all areas when
    None, the safe default), in one cache round trip for the versions and the data together.

    Signed-in people and anonymous renders the page cache does not serve (unknown parameters, a
    session cookie) read it instead of querying: a write to an area renews it at the next request,
    as it renews the anonymous page. Only what is the same for everyone goes in (never the
    person's membership, forms or CSRF token); `timeout` bounds what changes with the clock alone,
    as the page cache's does. A cache outage only costs the queries.
    """
    return public_contexts({name: (areas, build)}, timeout=timeout)[name]


def public_contexts(entries: dict, *, timeout: int = 60) -> dict:
    """{name: data} for `entries` ({name: (areas, build)}), each as `public_context` keeps it, all
    read in at most one cache round trip (none when this process holds them, see "Within a
    request" below): only the entries whose areas changed are built again (the home page's key
    figures, one entry per app, so that a registration recounts the agenda's only)."""
    watched = {name: _watched(areas) for name, (areas, _build) in entries.items()}
    keys = {name: PUBLIC_KEY_PREFIX + name for name in entries}
    try:
        current, found = _read(watched, keys)
    except Exception:  # noqa: BLE001
        logger.exception("Public context cache unavailable.")
        return {name: build() for name, (_areas, build) in entries.items()}
    data, stale = {}, {}
    now = time.time()
    for name, (_areas, build) in entries.items():
        version = tuple(current[area] for area in watched[name])
        entry = found.get(name)
        if _current(entry, version, now):
            data[name] = entry[1]
        else:
            data[name] = build()
            # Stored with the versions read before building: a write committed meanwhile has
            # bumped them, so this entry is already stale and will not be read. The expiry
            # travels with the entry, so that a copy kept in a process ends with it.
            stale[keys[name]] = (version, data[name], now + timeout)
    if stale:
        try:
            _store(stale, timeout)
        except Exception:  # noqa: BLE001
            logger.exception("Public context cache: %s could not be stored.", ", ".join(stale))
    return data


def bare(instance, keep: tuple[str, ...] = ()):
    """A copy of a model instance with its fields and only the related objects named in `keep`
    (each bare too), without prefetched lists: what a public context stores beside the HTML that
    showed the rest. A signed-in page decodes its public context on each request, and an event
    pickled with its commune, organiser and themes took three times as long (25 → 8 µs)."""
    copied = copy.copy(instance)  # Django's __getstate__ gives the copy its own _state
    copied.__dict__.pop("_prefetched_objects_cache", None)
    related = instance._state.fields_cache
    copied._state.fields_cache = {name: bare(related[name]) for name in keep if related.get(name) is not None}
    return copied


def _current(entry, version: tuple, now: float) -> bool:
    return entry is not None and len(entry) == 3 and entry[0] == version and entry[2] > now


# --- Within a request: versions read once, entries kept in this process -----------------------
#
# A signed-in page used to make one cache round trip per thing it read (the session, the user,
# the page's public part, the person's answers, the to-dos): each cost 130-250 µs of wall time on
# the bench machine, together more than rendering the page. Two things remove them, without
# changing what is served:
#
# - the versions of every area are read once per request, with the first entry it reads, then
#   answered from `_request.versions`; a version this process renews during the request (a form
#   page that wrote) is read again;
# - each process keeps the entries it read or stored as the bytes Redis holds (`_LOCAL`, a
#   bounded LRU), decoded on each use (a new object each time, as from Redis): an entry current
#   under the versions the request read, and not past its expiry, costs no round trip. Redis
#   stays the reference: an entry is only ever served under the versions read from Redis for
#   this request, so a write made by any process shows at the next request exactly as before.


class _RequestState(threading.local):
    # {version name: value} read during the current request; None outside a request (a Celery
    # task, a shell, a test calling code directly), where every call reads its versions.
    versions = None
    # What reads the versions with the session before the request's first read, when it has one
    # (pacte.middleware.SessionFirstMiddleware).
    first_read = None


_request = _RequestState()


def request_started(**kwargs) -> None:
    _request.versions, _request.first_read = {}, None


def request_finished(**kwargs) -> None:
    _request.versions, _request.first_read = None, None


def read_first(load) -> None:
    """Have `load()` (the session's, which reads the versions with it) run before this request
    first reads the cache: a page read before the session would cost a round trip of its own."""
    if _request.versions is not None:
        _request.first_read = load


def remember_versions(values: dict) -> None:
    """Versions read by another round trip of this request (the session's, pacte.cached_sessions)."""
    if _request.versions is not None:
        _request.versions.update(values)


def hold(key: str, raw: bytes) -> None:
    """Keep an entry read by another round trip of this request (the session's user)."""
    _LOCAL.put(key, raw)


class _LocalEntries:
    """The raw entries this process read or stored, least recently used out first, and how to give
    each use its value without decoding it again: the decoded value itself when it cannot change
    (`scalar`: the HTML of a fragment), a fresh copy of it when it is made of dicts, lists and
    plain instances (pacte.fresh_copies), else a new decoding. What is kept decoded counts in
    `max_bytes` too, estimated from the raw size (`_HELD_FACTOR`). Thread-safe (gthread workers)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        # {key: (raw, make, bytes counted)}: `make()` gives the value of those bytes, or `_DECODE`.
        self._decoded: dict[str, tuple[bytes, object, int]] = {}
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            raw = self._entries.get(key)
            if raw is not None:
                self._entries.move_to_end(key)
            return raw

    def decode(self, key: str, raw: bytes):
        """`raw` (as `get` gave it) decoded, or a value equal to decoding it (see the class)."""
        kept = self._decoded.get(key)
        if kept is not None and kept[0] is raw:
            return cache.loads(raw) if kept[1] is _DECODE else kept[1]()
        value = cache.loads(raw)
        if scalar(value):
            make, held = (lambda: value), _HELD_FACTOR["scalar"] * len(raw)
        else:
            # Copies are made from this decoding, which no request ever receives.
            make = copier(cache.loads(raw)) or _DECODE
            held = 0 if make is _DECODE else _HELD_FACTOR["copied"] * len(raw)
        with self._lock:
            if self._entries.get(key) is raw:  # not replaced meanwhile
                self._forget_decoded(key)
                self._decoded[key] = (raw, make, held)
                self._size += held
                self._evict()
        return value

    def put(self, key: str, raw: bytes) -> None:
        if len(raw) > self.max_bytes // 16:  # a huge entry would push out everything else
            return
        with self._lock:
            if self._entries.get(key) is raw:  # the same bytes again (the session's user, kept)
                self._entries.move_to_end(key)
                return
            self._drop(key)
            self._entries[key] = raw
            self._size += len(raw)
            self._evict()

    # The three below run under the lock.

    def _evict(self) -> None:
        while self._size > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= len(old)
        self._forget_decoded(key)

    def _forget_decoded(self, key: str) -> None:
        kept = self._decoded.pop(key, None)
        if kept is not None:
            self._size -= kept[2]


# What a decoded value holds in memory for each byte of its pickle, measured with tracemalloc on
# the bench's entries: a user or an event's public part 3.5-4 (objects and their dicts), a
# string up to 2 (text outside Latin-1 takes two bytes a character).
_HELD_FACTOR = {"scalar": 2, "copied": 4}
_DECODE = object()  # kept for an entry that is decoded for each use


_LOCAL = _LocalEntries(getattr(settings, "PACTE_LOCAL_CACHE_BYTES", 32 * 1024 * 1024))


def _raw_backend() -> bool:
    """The Redis backend (pacte.cache_backends) gives the raw bytes that `_LOCAL` keeps; with
    another backend (local memory for `make run`), only the versions are kept per request."""
    return hasattr(cache, "get_raw_many")


def _fetch(version_keys: list, entry_keys: list) -> tuple[list, list]:
    """The values of `version_keys` and `entry_keys` (None where missing), in one round trip;
    the raw entries are kept in `_LOCAL`."""
    if _raw_backend():
        raws = cache.get_raw_many([*version_keys, *entry_keys])
        for key, raw in zip(entry_keys, raws[len(version_keys) :], strict=True):
            if raw is not None:
                _LOCAL.put(key, raw)
        values = [None if raw is None else cache.loads(raw) for raw in raws]
    else:
        got = cache.get_many([*version_keys, *entry_keys])
        values = [got.get(key) for key in [*version_keys, *entry_keys]]
    return values[: len(version_keys)], values[len(version_keys) :]


def _store(entries: dict, timeout: int) -> None:
    if _raw_backend():
        raws = {key: cache.dumps(value) for key, value in entries.items()}
        cache.set_raw_many(raws, timeout)
        for key, raw in raws.items():
            _LOCAL.put(key, raw)
    else:
        cache.set_many(entries, timeout)


def _read(watched: dict, keys: dict) -> tuple[dict, dict]:
    """({version name: value}, {name: entry}) for `keys` ({name: cache key}) watching `watched`
    ({name: version names}): one round trip for the versions this request has not read yet (all
    areas on its first read) and the entries this process does not hold; a second one only for
    an entry held here under older versions (after a write: another process may have stored the
    current one)."""
    known = _request.versions
    if known is not None and not known and _request.first_read is not None:
        load, _request.first_read = _request.first_read, None
        load()
    names = list(dict.fromkeys(area for areas in watched.values() for area in areas))
    versions = {area: known[area] for area in names if known is not None and area in known}
    missing = [area for area in names if area not in versions]
    if missing and known is not None and not known:
        # The request's first read: every area, so that its next reads need no version.
        missing = list(dict.fromkeys([*missing, *all_areas(), EVERY_AREA]))
    held = {}
    if _raw_backend():
        held = {name: raw for name, key in keys.items() if (raw := _LOCAL.get(key)) is not None}
    remote = [name for name in keys if name not in held]
    found = {}
    if missing or remote:
        values, entries = _fetch([_area_key(area) for area in missing], [keys[name] for name in remote])
        for area, value in zip(missing, values, strict=True):
            versions[area] = value if value is not None else _init_version(area)
        found = {name: entry for name, entry in zip(remote, entries, strict=True) if entry is not None}
        if known is not None:
            known.update({area: versions[area] for area in missing})
    now = time.time()
    again = []
    for name, raw in held.items():
        entry = _LOCAL.decode(keys[name], raw)
        if _current(entry, tuple(versions[area] for area in watched[name]), now):
            found[name] = entry
        else:
            again.append(name)
    if again:
        _values, entries = _fetch([], [keys[name] for name in again])
        found.update({name: entry for name, entry in zip(again, entries, strict=True) if entry is not None})
    return versions, found


def lazy_context(build, names) -> dict:
    """A view's context whose values are computed by `build()` (a dict) only when a template reads
    one of them: a page whose public part is a `{% public_fragment %}` hit then runs no query and
    builds nothing. `build` runs at most once per request. Each value is a proxy: fine for
    objects, lists, dicts and `{% if %}`, but a filter that tests a number's type sees the proxy
    (`fr_plural` unwraps it; for another filter, read the number from a dict or an object)."""
    data = SimpleLazyObject(build)
    return {name: SimpleLazyObject(partial(operator.getitem, data, name)) for name in names}


# --- Backstop: signals on the declared models -------------------------------------------------


def _receiver(area: str):
    def content_changed(sender, using="default", **kwargs):
        invalidate(area, using=using)

    def m2m_content_changed(sender, action, using="default", **kwargs):
        if action in {"post_add", "post_remove", "post_clear"}:
            invalidate(area, using=using)

    return content_changed, m2m_content_changed


_receivers = {}


def watch(model, area: str) -> None:
    """Renew the cached pages of `area` whenever `model` (or one of its many-to-many) changes."""
    if area not in _receivers:
        _receivers[area] = _receiver(area)
    on_change, on_m2m = _receivers[area]
    uid = f"pacte-page-cache-{area}-{model._meta.label_lower}"
    post_save.connect(on_change, sender=model, dispatch_uid=f"{uid}-save", weak=False)
    post_delete.connect(on_change, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
    for m2m in model._meta.local_many_to_many:
        through = m2m.remote_field.through
        m2m_changed.connect(
            on_m2m, sender=through, dispatch_uid=f"{uid}-{through._meta.label_lower}", weak=False
        )


def connect_declared_models() -> None:
    """Connect the backstop for every model declared by the installed apps (PacteConfig.ready)."""
    from .portal import watched_models

    for model, area in watched_models():
        watch(model, area)


# --- The decorator ----------------------------------------------------------------------------


# Page numbers worth a cache entry; deeper pages are still served, rendered afresh.
MAX_CACHED_PAGE = 200
_PAGE_NUMBER = re.compile(r"^[1-9][0-9]*$")


def _canonical(field, value) -> str:
    """The one spelling of a cleaned filter value that the cache accepts in a URL."""
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(field.prepare_value(value))


def _valid_query(request, query_params, filterset) -> bool:
    """Only URLs whose parameters are known, given once, valid and in their normal spelling
    share a page: anything else (`?page=aaa1`, `?page=007`, `?commune=nowhere`, a date written two
    ways) would let anyone fill the cache with one-off keys. Those pages are rendered afresh."""
    for name in request.GET:
        if name not in query_params or len(request.GET.getlist(name)) != 1:
            return False
    page = request.GET.get("page")
    if page is not None and not (_PAGE_NUMBER.match(page) and int(page) <= MAX_CACHED_PAGE):
        return False
    if filterset is None or not request.GET:
        # No parameter: no filter value to check (none of the portal's filters is required), and
        # building the filter form cost half of a cached list page's whole budget.
        return True
    form = filterset(request.GET).form
    if not form.is_valid():
        return False
    for name, field in form.fields.items():
        raw = request.GET.get(name)
        if raw not in (None, "") and raw != _canonical(field, form.cleaned_data.get(name)):
            return False
    return True


def _serves_from_cache(request, query_params, filterset=None) -> bool:
    """Only anonymous GETs (and HEADs: the same response without its body, stripped by the
    server) with nothing personal to show may share a page."""
    return (
        request.method in ("GET", "HEAD")
        # Anyone signed in has a session cookie; an anonymous session may hold messages or state.
        # Checked before the query: validating a filter form costs more than a signed-in page's
        # whole budget, for a page that could not be served from the cache anyway.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # Unknown parameters or values would let anyone fill the cache with one-off pages.
        and _valid_query(request, query_params, filterset)
        and not request.user.is_authenticated
        # A message waiting (in its cookie) must be shown to this visitor, and then consumed.
        and len(get_messages(request)) == 0
    )


def _uses_csrf_token(request, response) -> bool:
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE")) or b"csrfmiddlewaretoken" in response.content


def _storable(request, response) -> bool:
    """A response goes into the cache only if it carries nothing that belongs to this visitor."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The page used a CSRF token (a POST form): that token is this visitor's own.
        and not _uses_csrf_token(request, response)
        and len(get_messages(request)) == 0
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _page_key(request) -> str:
    # The partial an htmx request gets has its own key, decided exactly as the views decide what
    # to render (pacte.htmx.wants_fragment); the response varies on the headers it reads.
    raw = "\n".join([request.get_host(), request.get_full_path(), "htmx" if wants_fragment(request) else ""])
    return PAGE_KEY_PREFIX + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


def _mark(response, outcome: str) -> None:
    # Says hit or miss where someone measures (DEBUG, tests, the bench); never in production,
    # where it would tell anyone what others visited.
    if settings.PACTE_PAGE_CACHE_HEADER:
        response[CACHE_HEADER] = outcome


def _public(response, max_age: int):
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, VARY_HEADERS)
    return response


def _private(response):
    patch_cache_control(response, private=True)
    patch_vary_headers(response, VARY_HEADERS)
    return response


# How long a request waits for the page another process is rendering before rendering it itself,
# and how often it looks.
RENDER_WAIT_SECONDS = 2.0
RENDER_POLL_SECONDS = 0.01


def _render_lock_key(key: str, version: tuple) -> str:
    token = hashlib.md5(repr(version).encode(), usedforsecurity=False).hexdigest()[:12]
    return f"{key}:rendering:{token}"


def _wait_for_render(key: str, version: tuple):
    """None when this request is the one to render `version` of the page (it holds the render
    lock), otherwise the entry the rendering process stored, once there (None after
    RENDER_WAIT_SECONDS: the request then renders the page itself). The lock names the version,
    so a write committed during a render makes the next request render again: nobody is served a
    page older than the last write they could have seen."""
    lock = _render_lock_key(key, version)
    try:
        if cache.add(lock, 1, timeout=int(RENDER_WAIT_SECONDS) + 8):
            return None
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            entry = cache.get(key)
            if entry is not None and entry[0] == version:
                return entry
            if cache.get(lock) is None:  # the render failed or was not storable: render it here
                return None
    except Exception:  # noqa: BLE001 — without its cache the page is still rendered
        logger.exception("Page cache: render lock unavailable.")
    return None


def _render_done(key: str, version: tuple) -> None:
    try:
        cache.delete(_render_lock_key(key, version))
    except Exception:  # noqa: BLE001
        logger.exception("Page cache: render lock not released.")


def anonymous_page_cache(timeout: int, *, max_age: int = 60, query_params=(), filterset=None, areas=None):
    """Serve the view from the page cache to anonymous visitors; see the module docstring.

    `timeout` is how long a page may live on the server when nothing changes; `max_age` is what
    browsers and proxies are told (Cache-Control: public), for anonymous responses only. Every
    other response of the view is marked private. Only URLs whose query string uses nothing but
    `query_params` (the view's filters, its page number) are cached; others are rendered afresh.
    `filterset` (the view's django-filter FilterSet) adds its filters to `query_params` and has
    their values validated: only valid values in their normal spelling are cached.
    `areas` are the page-cache areas the page shows (all of them when None, the safe default).
    """
    query_params = frozenset(query_params) | (
        frozenset([*filterset.base_filters, "page"]) if filterset is not None else frozenset()
    )
    page_areas = tuple(areas) if areas else None

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not settings.PACTE_PAGE_CACHE or not _serves_from_cache(request, query_params, filterset):
                return _private(view(request, *args, **kwargs))
            key = _page_key(request)
            try:
                # One round trip to Redis: the versions and the page together.
                watched = _watched(page_areas)
                area_keys = [_area_key(area) for area in watched]
                found = cache.get_many([*area_keys, key])
                version = tuple(
                    found.get(area_key) or _init_version(area)
                    for area, area_key in zip(watched, area_keys, strict=True)
                )
            except Exception:  # noqa: BLE001 — without its cache the page is still served
                logger.exception("Page cache unavailable.")
                return _private(view(request, *args, **kwargs))
            entry = found.get(key)
            if entry is None or entry[0] != version:
                # One process renders the new version, the others wait for it rather than render
                # it too: under writes (an area bumped twice a second) every connection would
                # otherwise miss at once and render the same page (a stampede).
                entry = _wait_for_render(key, version)
            if entry is not None and entry[0] == version:
                _version, status, headers, content = entry
                if status is None:  # this version could not be stored (it uses a CSRF token…)
                    return _private(view(request, *args, **kwargs))
                response = HttpResponse(content, status=status, headers=headers)
                _mark(response, "hit")
                return _public(response, max_age)

            try:
                return _render_and_store(request, view, args, kwargs, key, version, timeout, max_age)
            finally:
                _render_done(key, version)

        return wrapper

    return decorator


def _render_and_store(request, view, args, kwargs, key, version, timeout, max_age):
    """Render the page and store it when nothing in it belongs to this visitor."""
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    if not _storable(request, response):
        if response.status_code == 200 and _uses_csrf_token(request, response):
            # The page itself holds a form with a token: renders of this version need no lock,
            # none of them can be stored.
            try:
                cache.set(key, (version, None, None, None), timeout)
            except Exception:  # noqa: BLE001
                logger.exception("Page cache: the page could not be marked.")
        return _private(response)
    headers = {
        name: value
        for name, value in response.items()
        if name.lower() not in {"cache-control", "vary", "expires", CACHE_HEADER.lower()}
    }
    try:
        # Stored with the version read before rendering: a change committed meanwhile has
        # bumped it, so this page is already stale and will not be served.
        cache.set(key, (version, response.status_code, headers, response.content), timeout)
    except Exception:  # noqa: BLE001
        logger.exception("Page cache: the page could not be stored.")
    _mark(response, "miss")
    return _public(response, max_age)
