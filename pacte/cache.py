"""Full-page cache of the public pages for anonymous visitors (DESIGN.md §7).

A page is served from the cache only to a visitor with no session cookie and no pending message,
and only a response that carries nothing personal is stored: no cookie set, no CSRF token used
while rendering, no message. Logged-in people (who always have a session cookie) are never served
a cached page, and their pages are never stored.

Invalidation is global and explicit: every cached page remembers the "content version" read before
it was rendered, and saving or deleting one of the watched models (events, registrations,
organisations, themes...) bumps that version, so the next request renders afresh. The timeout
only bounds what changes with the clock alone (an event that starts, a registration window that
closes). The version and the pages live in the default cache: local memory for tests and
`make run`, Redis in production, shared by every gunicorn worker.

The signal receivers are connected when this module is first imported: by the views, that is as
soon as a web process loads the URLconf. A process that writes without ever loading the URLconf
(a Celery worker, a shell) does not bump the version until something imports this module; its
changes then show once the pages expire.
"""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from .models import Commune, Event, Membership, Organisation, Registration, Reply, Theme, Topic

logger = logging.getLogger(__name__)

VERSION_KEY = "pacte:page-cache:version"
PAGE_KEY_PREFIX = "pacte:page-cache:page:"
CACHE_HEADER = "X-Page-Cache"
# Public models shown on anonymous pages; saving or deleting any of them invalidates every page.
WATCHED_MODELS = [Event, Registration, Organisation, Theme, Commune, Membership, Topic, Reply]


# --- Content version --------------------------------------------------------------------------


def content_version() -> int:
    """The current content version; created when missing (first use, cache flushed or evicted)."""
    version = cache.get(VERSION_KEY)
    return version if version is not None else _init_version()


def _init_version() -> int:
    # A clock value rather than 1: should the key be evicted while pages survive (Redis LRU),
    # the new version still differs from every version stored with those pages.
    cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    return cache.get(VERSION_KEY) or time.time_ns()


def bump_content_version() -> None:
    """Invalidate every cached page. Never raises: a cache outage must not fail a write."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: any new value differs from the stored pages' versions
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # noqa: BLE001 — pages expire on their own after their timeout
        logger.exception("Page cache: the content version could not be bumped.")


def _content_changed(sender, using="default", **kwargs):
    # The bump after commit is the one that matters: other processes may have cached a page from
    # the data as it was until then. The immediate bump serves reads later in the same transaction
    # (the test suite runs each test inside one), which would otherwise get a page cached before
    # the write.
    bump_content_version()
    transaction.on_commit(bump_content_version, using=using, robust=True)


def _themes_changed(sender, action, using="default", **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        _content_changed(sender, using=using)


def watch(*models) -> None:
    """Invalidate the cached pages whenever one of `models` is saved or deleted.

    Action apps call it (from their AppConfig.ready) for the models their public pages show.
    """
    for model in models:
        uid = f"pacte-page-cache-{model._meta.label_lower}"
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"{uid}-delete")


watch(*WATCHED_MODELS)
for _through in (Event.themes.through, Organisation.themes.through):
    m2m_changed.connect(
        _themes_changed, sender=_through, dispatch_uid=f"pacte-page-cache-{_through._meta.label_lower}"
    )


# --- The decorator ----------------------------------------------------------------------------


def _serves_from_cache(request, query_params) -> bool:
    """Only anonymous GETs with nothing personal to show may share a page."""
    return (
        request.method == "GET"
        # Unknown parameters would let anyone fill the cache with one-off pages.
        and all(name in query_params for name in request.GET)
        # Anyone signed in has a session cookie; an anonymous session may hold messages or state.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
        # A message waiting (in its cookie) must be shown to this visitor, and then consumed.
        and len(get_messages(request)) == 0
    )


def _storable(request, response) -> bool:
    """A response goes into the cache only if it carries nothing that belongs to this visitor."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        # The page used a CSRF token (a POST form): that token is this visitor's own.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and b"csrfmiddlewaretoken" not in response.content
        and len(get_messages(request)) == 0
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _page_key(request) -> str:
    # HTMX requests get their partial under their own key (and the response varies on the header).
    raw = "\n".join(
        [request.get_host(), request.get_full_path(), "htmx" if request.headers.get("HX-Request") else ""]
    )
    return PAGE_KEY_PREFIX + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


def _public(response, max_age: int):
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ("Cookie", "HX-Request"))
    return response


def _private(response):
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ("Cookie", "HX-Request"))
    return response


def anonymous_page_cache(timeout: int, *, max_age: int = 60, query_params=()):
    """Serve the view from the page cache to anonymous visitors; see the module docstring.

    `timeout` is how long a page may live on the server when nothing changes; `max_age` is what
    browsers and proxies are told (Cache-Control: public), for anonymous responses only. Every
    other response of the view is marked private. Only URLs whose query string uses nothing but
    `query_params` (the view's filters, its page number) are cached; others are rendered afresh.
    """
    query_params = frozenset(query_params)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _serves_from_cache(request, query_params):
                return _private(view(request, *args, **kwargs))
            key = _page_key(request)
            try:
                # One round trip to Redis: the version and the page together.
                found = cache.get_many([VERSION_KEY, key])
                version = found.get(VERSION_KEY)
                if version is None:
                    version = _init_version()
            except Exception:  # noqa: BLE001 — without its cache the page is still served
                logger.exception("Page cache unavailable.")
                return _private(view(request, *args, **kwargs))
            entry = found.get(key)
            if entry is not None and entry[0] == version:
                _version, status, headers, content = entry
                response = HttpResponse(content, status=status, headers=headers)
                response[CACHE_HEADER] = "hit"
                return _public(response, max_age)

            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if not _storable(request, response):
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
            response[CACHE_HEADER] = "miss"
            return _public(response, max_age)

        return wrapper

    return decorator
