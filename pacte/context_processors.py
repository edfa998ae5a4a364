"""The layout's context: the menu and the stylesheets, rendered once per process.

The menu depends only on whether someone is signed in and on which entry is current, and the
links to stylesheets and scripts on the installed apps: both are rendered from their templates
(`layout/menu.html`, `layout/assets.html`) the first time a combination is needed, then
reused. Rendering them on every request (a loop with about twenty variable lookups and a
`{% static %}` per file) cost more CPU than the whole minimal view of the bench."""

from functools import lru_cache

from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import get_script_prefix

from .portal import nav_entries, stylesheets
from .urls_cache import reversed_once


@lru_cache(maxsize=64)
def _menu(signed_in: bool, current: str | None, script_prefix: str) -> str:
    entries = [
        {
            "label": entry.label,
            "url": reversed_once(entry.url_name, script_prefix),
            "current": entry.url_name == current,
        }
        for entry in nav_entries(signed_in=signed_in)
    ]
    return render_to_string("layout/menu.html", {"entries": entries})


@lru_cache(maxsize=8)
def _assets(static_url: str, debug: bool) -> str:
    # htmx's script tag depends on DEBUG (django-htmx adds its debug extension).
    return render_to_string("layout/assets.html", {"stylesheets": stylesheets()})


def _current(path: str, signed_in: bool) -> str | None:
    """The URL name of the menu entry this page is under (the longest prefix): "/" is current on
    the home page only."""
    found, length = None, 0
    for entry in nav_entries(signed_in=signed_in):
        prefix = entry.path_prefix
        if (path == "/" if prefix == "/" else path.startswith(prefix)) and len(prefix) > length:
            found, length = entry.url_name, len(prefix)
    return found


def portal(request):
    from django.conf import settings

    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "layout_menu": _menu(signed_in, _current(request.path, signed_in), get_script_prefix()),
        "layout_assets": _assets(settings.STATIC_URL, settings.DEBUG),
    }


def _forget(**kwargs):
    # Tests that change the static files' settings or the apps get the links of their settings.
    _menu.cache_clear()
    _assets.cache_clear()


setting_changed.connect(_forget)
