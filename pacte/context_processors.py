"""The layout's parts, rendered once per process, and the page's CSRF token.

The header (brand, account links, menu), the footer and the links to stylesheets and scripts
depend only on whether someone is signed in (and is staff), on which menu entry is current and on
the installed apps: each is rendered from its template (`layout/header.html`, `layout/menu.html`,
`layout/footer.html`, `layout/assets.html`) the first time a combination is needed, then reused
by the `{% layout_header %}`, `{% layout_footer %}` and `{% layout_assets %}` tags of
`layout/base.html`. Rendering them on every request (a loop with about twenty variable lookups,
a `{% url %}` or `{% static %}` per link) cost more CPU than the whole minimal view of the bench.
The only per-request part, the logout form's CSRF token, is put in at its place.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html

from .csrf import LazyCsrfToken
from .portal import nav_entries, stylesheets
from .urls_cache import reversed_once

# Where the header's logout form takes its token; never in any real page.
_CSRF_PLACEHOLDER = "\x00pacte-csrf-input\x00"


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


@lru_cache(maxsize=128)
def _header(signed_in: bool, staff: bool, current: str | None, script_prefix: str) -> tuple[str, ...]:
    """The header's HTML, cut where the logout form's token goes (one part when signed out)."""
    html = render_to_string(
        "layout/header.html",
        {
            "signed_in": signed_in,
            "staff": staff,
            "menu": _menu(signed_in, current, script_prefix),
            "csrf_input": _CSRF_PLACEHOLDER,
        },
    )
    return tuple(html.rstrip("\n").split(_CSRF_PLACEHOLDER))


@lru_cache(maxsize=8)
def _footer(script_prefix: str) -> str:
    return render_to_string("layout/footer.html").rstrip("\n")


@lru_cache(maxsize=8)
def _assets(static_url: str, debug: bool) -> str:
    # htmx's script tag depends on DEBUG (django-htmx adds its debug extension).
    return render_to_string("layout/assets.html", {"stylesheets": stylesheets()})


@lru_cache(maxsize=4)
def _prefixes(signed_in: bool) -> tuple[tuple[str, str], ...]:
    """(path prefix, URL name) of the menu's entries, the longest prefix first."""
    entries = [(entry.path_prefix, entry.url_name) for entry in nav_entries(signed_in=signed_in)]
    return tuple(sorted(entries, key=lambda item: len(item[0]), reverse=True))


def _current(path: str, signed_in: bool) -> str | None:
    """The URL name of the menu entry this page is under (the longest prefix): "/" is current on
    the home page only."""
    for prefix, url_name in _prefixes(signed_in):
        if path == "/" if prefix == "/" else path.startswith(prefix):
            return url_name
    return None


def header(context) -> str:
    """The header for the person of `context` (anonymous when the page is rendered without a
    request, as Django renders its CSRF failure page)."""
    request = context.get("request")
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    current = _current(request.path, signed_in) if request is not None else None
    parts = _header(signed_in, signed_in and user.is_staff, current, get_script_prefix())
    if len(parts) == 1:
        return parts[0]
    token = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token")
    )
    return token.join(parts)


def footer() -> str:
    return _footer(get_script_prefix())


def assets() -> str:
    from django.conf import settings

    return _assets(settings.STATIC_URL, settings.DEBUG)


def portal(request):
    # Replaces the token of Django's own csrf context processor (same value, made faster).
    return {"csrf_token": LazyCsrfToken(request)}


def _forget(**kwargs):
    # Tests that change the static files' settings or the apps get the links of their settings.
    _prefixes.cache_clear()
    _menu.cache_clear()
    _header.cache_clear()
    _footer.cache_clear()
    _assets.cache_clear()


setting_changed.connect(_forget)
