"""The one extension point through which an app plugs into the portal.

Every app of the portal (the kernel itself included) declares what it brings by making its
`AppConfig` a subclass of `PortalApp` and filling in the attributes and methods below. The kernel
reads these declarations, and only these: it never names an app, so an app is added by writing its
package and listing it in `INSTALLED_APPS`, and removed by deleting that line.

What a declaration can state (all optional):

- `nav`: entries of the main menu;
- `urls` / `url_prefix`: the app's URLconf, mounted at `/<url_prefix>`;
- `home_card()`: the card of the app's action on the home page; `key_figures()`: its figures;
- `my_space_sections(request)`: blocks of "Mon espace" for the signed-in person;
- `export_personal_data(user)` / `erase_personal_data(user)`: the person's data (RGPD);
- `metrics()`: the app's indicators (`pacte.metrics.Metric`);
- `participations()`: where the app reaches people (`Participation`), for the people mobilised
  counted once across the six actions; `qualitative_reports(period)`: the relay actors' bilans
  (`QualitativeReport`) the indicators dashboard lets the DACTE read;
- `seed_demo(stdout)` / `seed_scale(scale, stdout)`: demo content, and load data for the bench;
- `cache_area` and `watched_models`: the page-cache area the app's public pages belong to and the
  models whose writes renew it (signals only as a backstop: services call `pacte.cache.invalidate`);
- `exchange_networks` and `topic_url(topic)`: the exchange networks whose topics the app shows;
- `organisation_url(organisation)`: where an organisation of the app's kind is shown;
- `staff_permissions`: the permissions each staff group gets on the app's models;
- `admin_todo(request)`: what waits for staff, counted on the admin home ("À traiter");
- `audit_verbs`: French labels of the verbs the app writes in the change journal;
- `beat_schedule`: the app's periodic Celery tasks (reminders, releases, sendings);
- `open_data()`: the files the app publishes on `/donnees/`;
- `organisation_sections(request, organisation)`: blocks of an organisation's public page
  (`/structures/<slug>/`); `commune_sections(request, commune)`: blocks of a commune's page.
  Both are public: what they return is cached for everyone under the content version of all
  areas (`pacte.cache.public_context`) and their templates are rendered with their own context
  only, so they never depend on who asks (`request.user`);
- `personal_data_sections()`: what the app adds to the personal-data page (`/donnees-personnelles/`):
  the data it keeps, why and for how long.
- `stylesheets`: the app's CSS files (static paths, e.g. "css/clubs.css"), linked by the layout
  after the kernel's `css/base.css` on every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import AppConfig, apps

from .text import french_plural


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    # The entry is marked current (aria-current) on every page under this path.
    path_prefix: str
    # Lower comes first; the kernel's entries use 0 (home), 10 (agenda) and 100 (Mon espace).
    position: int = 50
    signed_in_only: bool = False


@dataclass(frozen=True)
class HomeCard:
    """The home page's card of one of the six actions (`number` 1–6, see `pacte.enums.Action`)."""

    action: str
    number: int
    title: str
    text: str
    url_name: str = ""


@dataclass(frozen=True)
class KeyFigure:
    """A figure of the home page, e.g. KeyFigure(12, "club d'habitants", "clubs d'habitants")."""

    value: int
    singular: str
    plural: str
    position: int = 50

    @property
    def label(self) -> str:
        return french_plural(self.value, self.singular, self.plural)


@dataclass(frozen=True)
class TodoItem:
    """Something that waits for someone: "3 signalements à traiter", with the list to handle it."""

    count: int
    singular: str
    plural: str
    url: str
    # Which part of the programme it belongs to, shown as a heading on the admin home.
    group: str = ""

    @property
    def label(self) -> str:
        return french_plural(self.count, self.singular, self.plural)


@dataclass
class MySpaceSection:
    """A block of "Mon espace": a heading, a template and its context, and what waits."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    todo: list[TodoItem] = field(default_factory=list)
    position: int = 50


@dataclass(frozen=True)
class OpenDataFile:
    """A file of the open-data page: title, what it holds, its URL name, format and licence."""

    title: str
    description: str
    url_name: str
    format: str = "CSV"
    schema: str = ""  # e.g. "SCDL subventions", with a link in the description if useful
    position: int = 50


@dataclass(frozen=True)
class Participation:
    """A place where an app reaches people, for "people mobilised" (counted once across the six
    actions, by the indicators app in one SQL query: a UNION of every declared source).

    `queryset` is an unevaluated QuerySet of the rows that count (attended registrations, club
    stints, confirmed subscriptions...); the indicators narrow it to a period, a commune and a public
    themselves, through the field paths below (double-underscore paths from the queryset's model):

    - `person`: the person's `pacte.User` (e.g. "user"). A row whose person is NULL (an anonymous
      subscriber, a deleted account's stint) counts as one anonymous person, never merged.
    - `at`: when the person was reached (a date or datetime field; the row counts in the periods
      that contain it); `until`, optional: when it ended (NULL while it lasts), so an ongoing stint
      counts in every period it overlaps; `ongoing=True` for a row that exists only while it lasts
      (a live membership, deleted when the person leaves): it counts in every period from `at`.
    - `commune`: the commune the row counts in (default: the person's home commune).
    - `action`: the `pacte.enums.Action` value, or `action_field` a path to it (events carry theirs).
    - `headcount`: a path to a number of anonymous people instead of a person (the walk-ins of an
      event); such rows add their number and have no public category.
    """

    queryset: object
    at: str
    action: str = ""
    person: str = ""
    until: str = ""
    ongoing: bool = False
    commune: str = ""
    action_field: str = ""
    headcount: str = ""
    label: str = ""


@dataclass(frozen=True)
class QualitativeReport:
    """A relay actor's qualitative account of what it did (an association's accepted bilan...),
    as the indicators dashboard lists it; `url` leads staff to the full record."""

    action: str
    title: str
    author: str
    commune_id: int | None
    commune_name: str
    date: object  # datetime.date
    text: str
    people: int = 0
    url: str = ""


@dataclass
class PageSection:
    """A block an app adds to a page it does not own (an organisation's or a commune's page)."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    position: int = 50


class PortalApp(AppConfig):
    """Base class of the AppConfig of every app that plugs into the portal. See the module doc."""

    default_auto_field = "django.db.models.BigAutoField"

    nav: tuple[NavEntry, ...] = ()
    urls: str | None = None
    url_prefix: str = ""
    # Page-cache area of the app's public pages (defaults to the app label).
    cache_area: str | None = None
    # "app_label.ModelName" strings; a write to any of them renews the app's cached pages.
    watched_models: tuple[str, ...] = ()
    exchange_networks: tuple[str, ...] = ()
    # {"DACTE administration": "all" | ["view_club", "change_club", ...], ...}
    staff_permissions: dict[str, str | list[str]] = {}
    audit_verbs: dict[str, str] = {}
    # {"name": {"task": "app.tasks.x", "schedule": crontab(...)}}, merged into Celery beat's.
    beat_schedule: dict[str, dict] = {}
    # Static paths of the app's own CSS, e.g. ("css/clubs.css",), linked on every page.
    stylesheets: tuple[str, ...] = ()

    def get_cache_area(self) -> str:
        return self.cache_area or self.label

    def home_card(self) -> HomeCard | None:
        return None

    def key_figures(self) -> Iterable[KeyFigure]:
        return ()

    def my_space_sections(self, request) -> Iterable[MySpaceSection]:
        return ()

    def export_personal_data(self, user) -> dict:
        """{section name: JSON-ready data} for the person's export."""
        return {}

    def erase_personal_data(self, user) -> None:
        """Remove or anonymise what the app holds about the person (their account is deleted)."""

    def metrics(self) -> Iterable:
        return ()

    def participations(self) -> Iterable[Participation]:
        """The app's sources of people reached (see `Participation`); called on each computation."""
        return ()

    def qualitative_reports(self, period) -> Iterable[QualitativeReport]:
        """The bilans dated within `period` (a `pacte.metrics.Period`, its commune honoured), in a
        fixed number of queries."""
        return ()

    def seed_demo(self, stdout=None) -> None:
        """Add the app's demo content; idempotent. The kernel's demo (accounts...) exists."""

    def seed_scale(self, scale: int, stdout=None) -> None:
        """Add load data for the bench, proportional to `scale`."""

    def topic_url(self, topic) -> str | None:
        return None

    def organisation_url(self, organisation) -> str | None:
        return None

    def admin_todo(self, request) -> Iterable[TodoItem]:
        return ()

    def open_data(self) -> Iterable[OpenDataFile]:
        return ()

    def organisation_sections(self, request, organisation) -> Iterable[PageSection]:
        return ()

    def commune_sections(self, request, commune) -> Iterable[PageSection]:
        return ()

    def personal_data_sections(self) -> Iterable[PageSection]:
        return ()


def portal_apps() -> list[PortalApp]:
    """The declarations of the installed apps, in `INSTALLED_APPS` order (the kernel first)."""
    return [config for config in apps.get_app_configs() if isinstance(config, PortalApp)]


def stylesheets() -> list[str]:
    """The apps' CSS files, in `INSTALLED_APPS` order: the cascade is the same on every page."""
    return [sheet for app in portal_apps() for sheet in app.stylesheets]


def nav_entries(*, signed_in: bool) -> list[NavEntry]:
    entries = [entry for app in portal_apps() for entry in app.nav]
    if not signed_in:
        entries = [entry for entry in entries if not entry.signed_in_only]
    return sorted(entries, key=lambda entry: entry.position)


def home_cards() -> dict[str, HomeCard]:
    """{action value: card} for the actions whose app is installed."""
    cards = {}
    for app in portal_apps():
        card = app.home_card()
        if card is not None:
            cards[card.action] = card
    return cards


def key_figures() -> list[KeyFigure]:
    figures = [figure for app in portal_apps() for figure in app.key_figures()]
    return sorted(figures, key=lambda figure: figure.position)


def my_space_sections(request) -> list[MySpaceSection]:
    sections = [section for app in portal_apps() for section in app.my_space_sections(request)]
    return sorted(sections, key=lambda section: section.position)


def export_personal_data(user) -> dict:
    data = {}
    for app in portal_apps():
        data.update(app.export_personal_data(user))
    return data


def erase_personal_data(user) -> None:
    for app in portal_apps():
        app.erase_personal_data(user)


def metrics() -> list:
    return [metric for app in portal_apps() for metric in app.metrics()]


def participations() -> list[Participation]:
    return [source for app in portal_apps() for source in app.participations()]


def qualitative_reports(period) -> list[QualitativeReport]:
    reports = [report for app in portal_apps() for report in app.qualitative_reports(period)]
    return sorted(reports, key=lambda report: report.date, reverse=True)


def seed_demo(stdout=None) -> None:
    for app in portal_apps():
        app.seed_demo(stdout)


def seed_scale(scale: int, stdout=None) -> None:
    for app in portal_apps():
        app.seed_scale(scale, stdout)


def topic_url(topic) -> str:
    for app in portal_apps():
        if topic.network in app.exchange_networks:
            url = app.topic_url(topic)
            if url:
                return url
    return ""


def organisation_url(organisation) -> str | None:
    for app in portal_apps():
        url = app.organisation_url(organisation)
        if url:
            return url
    return None


def admin_todo(request) -> list[TodoItem]:
    return [item for app in portal_apps() for item in app.admin_todo(request)]


def beat_schedule() -> dict[str, dict]:
    schedule = {}
    for app in portal_apps():
        schedule.update(app.beat_schedule)
    return schedule


def open_data() -> list[OpenDataFile]:
    files = [item for app in portal_apps() for item in app.open_data()]
    return sorted(files, key=lambda item: item.position)


def organisation_sections(request, organisation) -> list[PageSection]:
    sections = [s for app in portal_apps() for s in app.organisation_sections(request, organisation)]
    return sorted(sections, key=lambda section: section.position)


def commune_sections(request, commune) -> list[PageSection]:
    sections = [s for app in portal_apps() for s in app.commune_sections(request, commune)]
    return sorted(sections, key=lambda section: section.position)


def personal_data_sections() -> list[PageSection]:
    sections = [s for app in portal_apps() for s in app.personal_data_sections()]
    return sorted(sections, key=lambda section: section.position)


def audit_verbs() -> dict[str, str]:
    verbs = {}
    for app in portal_apps():
        verbs.update(app.audit_verbs)
    return verbs


def cache_areas() -> list[str]:
    return list(dict.fromkeys(app.get_cache_area() for app in portal_apps()))


def watched_models() -> list[tuple[type, str]]:
    """(model, area) pairs: a write to the model renews the area's cached pages."""
    pairs = []
    for app in portal_apps():
        for label in app.watched_models:
            pairs.append((apps.get_model(label), app.get_cache_area()))
    return pairs
