import contextlib
import datetime
import hashlib

from django import template
from django.core.cache import cache
from django.template import loader
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.safestring import mark_safe

from ..cache import content_version
from ..text import french_plural
from ..urls_cache import reversed_once

register = template.Library()

FRAGMENT_TIMEOUT = 600


@register.simple_tag
def filter_fields(filterset):
    """The fields of a django-filter form, rendered once per selection and content version.

    Rendering a form's select widgets (71 communes, the themes...) through Django's widget
    templates was about half the time of a list page; the result only depends on the filter's
    own GET values and on the watched content (themes, communes), so it is cached. A GET filter
    form has no CSRF token and nothing personal in it.
    """
    data = filterset.data or {}
    selection = sorted(
        (name, tuple(data.getlist(name)) if hasattr(data, "getlist") else (data.get(name),))
        for name in filterset.base_filters
        if name in data
    )
    digest = hashlib.sha256(repr(selection).encode()).hexdigest()[:32]
    label = f"{type(filterset).__module__}.{type(filterset).__qualname__}"
    key = f"pacte:fragment:filters:{label}:{content_version()}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("components/filter_fields.html", {"form": filterset.form})
        cache.set(key, html, FRAGMENT_TIMEOUT)
    return mark_safe(html)


@register.filter
def iso_datetime(value):
    """The machine-readable value of `<time datetime>`: ISO 8601 in local time, whole seconds.

    Django's `date:'c'` keeps microseconds, and HTML allows at most three digits of fractional
    seconds (the W3C checker rejects six); nobody needs them on a page anyway.
    """
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter
def fr_plural(value, suffixes="s"):
    """French plural: singular for 0 and 1 ("0 membre", "1 membre", "2 membres").

    Django's `pluralize` follows English and gives "0 membres". `suffixes` is "plural" or
    "singular,plural", like pluralize's. A list or other sized value counts its items.
    """
    singular, _, plural = suffixes.rpartition(",")
    if isinstance(value, LazyObject):  # a count of pacte.cache.lazy_context: its value
        if value._wrapped is empty:
            value._setup()
        value = value._wrapped
    if hasattr(value, "__len__") and not isinstance(value, str):
        value = len(value)
    try:
        count = float(value)
    except (TypeError, ValueError):
        return singular
    return french_plural(count, singular, plural)


@register.simple_tag
def fixed_url(url_name):
    """`{% url %}` for a URL without arguments, reversed once per process (the layout's links)."""
    from django.urls import get_script_prefix

    return reversed_once(url_name, get_script_prefix())


class _LayoutNode(template.Node):
    # A plain Node rather than a simple_tag: these run on every page, and a simple_tag's argument
    # handling cost as much as the memoised part itself.
    def __init__(self, render):
        self._render = render

    def render(self, context):
        return mark_safe(self._render(context))


@register.tag
def layout_header(parser, token):
    """The page's header (brand, account links, menu), rendered once per process for each
    signed-in state and current entry, with the logout form's CSRF token of this page."""
    from ..context_processors import header

    return _LayoutNode(header)


@register.tag
def layout_footer(parser, token):
    """The page's footer, rendered once per process."""
    from ..context_processors import footer

    return _LayoutNode(lambda context: footer())


@register.tag
def layout_assets(parser, token):
    """The links to stylesheets and scripts, rendered once per process."""
    from ..context_processors import assets

    return _LayoutNode(lambda context: assets())


class PublicFragmentNode(template.Node):
    def __init__(self, nodelist, name, areas, vary):
        self.nodelist, self.name, self.areas, self.vary = nodelist, name, areas, vary

    def render(self, context):
        from ..cache import public_context

        name = self.name.resolve(context)
        if not name:  # a visitor who sees more than everyone (staff): rendered, never shared
            return self.nodelist.render(context)
        areas = [area for area in str(self.areas.resolve(context) or "").split(",") if area]
        vary = repr([value.resolve(context) for value in self.vary])
        digest = hashlib.sha256(vary.encode()).hexdigest()[:32]
        name = f"fragment:{name}:{digest}"
        return mark_safe(public_context(name, lambda: self.nodelist.render(context), areas=areas or None))


@register.tag
def public_fragment(parser, token):
    """`{% public_fragment "name" "area,area" value… %}…{% endpublic_fragment %}`: the HTML of the
    block, rendered once per content version of the areas ("" for all of them) and per value of
    the `value…` it varies on, then read from the cache by every visitor (pacte.cache.public_context:
    the versions and the HTML in one round trip). For the parts of a page that are the same for
    everyone, such as lists of cards: never anything personal inside (the person's name or links,
    a form with its CSRF token, messages), since the first visitor's render is everyone's.
    What the block shows must come from the areas named, or from the values it varies on. A name
    that resolves to nothing (`shared_name` empty for staff, who see drafts) renders the block
    without the cache."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError('public_fragment : un nom et des zones ("" pour toutes).')
    nodelist = parser.parse(("endpublic_fragment",))
    parser.delete_first_token()
    name, areas, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return PublicFragmentNode(nodelist, name, areas, vary)


# The event card's HTML, by what it shows: a registration changes one card's places left, so
# only that card is rendered again (docs/conventions.md, Performance).
EVENT_CARD_KEY_PREFIX = "pacte:event-card:"
EVENT_CARD_TIMEOUT = 300


def _event_card_key(event) -> str:
    shown = (
        event.pk,
        event.slug,
        event.action,
        event.title,
        event.starts_at.isoformat(),
        event.commune.name if event.commune_id else None,
        event.summary,
        tuple(theme.name for theme in event.themes.all()),
        event.capacity,
        event.seats_taken,
        event.registration_required,
        event.audience,
    )
    return EVENT_CARD_KEY_PREFIX + hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


@register.simple_tag
def event_cards(events):
    """The cards of `events` (components/event_card.html), each cached under a digest of what it
    shows, all read in one cache round trip: only the cards whose event changed are rendered.
    Content-addressed, so never stale and never personal (the card shows nothing of the visitor)."""
    events = list(events)
    keys = [_event_card_key(event) for event in events]
    try:
        found = cache.get_many(keys)
    except Exception:  # noqa: BLE001 — without the cache the cards are still rendered
        found = {}
    missing = {}
    template = None
    for event, key in zip(events, keys, strict=True):
        if key not in found:
            template = template or loader.get_template("components/event_card.html")
            found[key] = missing[key] = template.render({"event": event})
    if missing:
        with contextlib.suppress(Exception):  # the next request renders them again
            cache.set_many(missing, EVENT_CARD_TIMEOUT)
    return mark_safe("".join(found[key] for key in keys))
