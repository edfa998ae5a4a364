"""Database side of `make bench` (called by bench/run.sh with the bench settings and database).

    python bench/prepare.py seeded SCALE   exit 0 when the database holds exactly what
                                           `seed_demo --scale SCALE` makes, 1 otherwise
    python bench/prepare.py pages          the pages to measure, one "label<TAB>path" a line
    python bench/prepare.py session        the session key of a signed-in demo account
    python bench/prepare.py queries        each page's SQL queries, rendered in-process with the
                                           cache bypassed: "path<TAB>anonymous<TAB>signed in"
    python bench/prepare.py write-target   the event the write mode registers people to: its
                                           path and slug, "path<TAB>slug"
    python bench/prepare.py write-sessions N SLUG
                                           N sessions of N different people who may register to
                                           the event SLUG and have not yet, one key a line
    python bench/prepare.py places SLUG    what the database says of the event: "places left
                                           <TAB>capacity<TAB>live registrations<TAB>last id"
    python bench/prepare.py write-cleanup SLUG LAST_ID
                                           removes the registrations the write mode made (ids
                                           above LAST_ID), so the next run reuses the base

To measure another page, add it to `pages()` below.
"""

import os
import sys
from contextlib import suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from pacte.enums import EventAudience, RegistrationStatus  # noqa: E402
from pacte.models import Event, Organisation, Registration, User  # noqa: E402

# seed_scale names what it creates "charge-…" (pacte/demo.py).
MINIMAL = "/_bench/minimal/"
PER_SCALE = {"users": 500, "events": 20, "registrations": 2000}


def seeded(scale: int) -> bool:
    found = {
        "users": User.objects.filter(email__startswith="charge-").count(),
        "events": Event.objects.filter(slug__startswith="charge-").count(),
        "registrations": Registration.objects.filter(event__slug__startswith="charge-").count(),
    }
    expected = {name: n * scale for name, n in PER_SCALE.items()}
    print("en base : " + ", ".join(f"{found[k]} {k} (attendu {expected[k]})" for k in PER_SCALE))
    # The seeded events spread over the coming year: a base seeded long ago has a thinner agenda.
    upcoming = Event.objects.filter(slug__startswith="charge-").upcoming().count()
    if upcoming < 0.9 * expected["events"]:
        print(f"seulement {upcoming} événements encore à venir : base à refaire.")
        return False
    return found == expected


def busiest_event() -> Event:
    """The published upcoming event with the most live registrations (the heaviest event page)."""
    return (
        Event.objects.published()
        .upcoming()
        .annotate(live=Count("registrations", filter=~Q(registrations__status=RegistrationStatus.CANCELLED)))
        .order_by("-live", "slug")
        .first()
    )


def club_pages() -> list[tuple[str, str]]:
    """The clubs list and one club page, once the clubs app is installed with a club in the base."""
    if not apps.is_installed("clubs"):
        return []
    found = []
    with suppress(NoReverseMatch):
        found.append(("clubs", reverse("clubs:list")))
    with suppress(LookupError, NoReverseMatch):
        club_model = apps.get_model("clubs", "Club")
        queryset = club_model.objects.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(AnonymousUser())
        club = queryset.order_by("pk").first()
        if club is not None:
            found.append(("page d'un club", club.get_absolute_url()))
    return found


def newsletter_pages() -> list[tuple[str, str]]:
    """The letter's page, its sheets list, the latest issue and one sheet, once the app is installed."""
    if not apps.is_installed("newsletter"):
        return []
    found = []
    with suppress(NoReverseMatch):
        found += [("lettre", reverse("newsletter:home")), ("fiches", reverse("newsletter:sheets"))]
    with suppress(LookupError, NoReverseMatch):
        issue = apps.get_model("newsletter", "Issue").objects.sent().order_by("-number").first()
        if issue is not None:
            found.append(("numéro de la lettre", issue.get_absolute_url()))
        sheet = apps.get_model("newsletter", "ExperienceSheet").objects.published().order_by("pk").first()
        if sheet is not None:
            found.append(("fiche", sheet.get_absolute_url()))
    return found


def commune_pages() -> list[tuple[str, str]]:
    """The communes network's public pages, once the communes app is installed."""
    if not apps.is_installed("communes"):
        return []
    found = []
    with suppress(NoReverseMatch):
        found.append(("carte des communes", reverse("communes:map")))
        found.append(("actions des communes", reverse("communes:actions")))
        # Rouen: the most populated commune, so its page compares it with the largest ones.
        found.append(("page d'une commune", reverse("communes:commune", args=["rouen"])))
    with suppress(LookupError, NoReverseMatch):
        action = apps.get_model("communes", "CommuneAction").objects.published().order_by("pk").first()
        if action is not None:
            found.append(("action d'une commune", action.get_absolute_url()))
    return found


def atelier_pages() -> list[tuple[str, str]]:
    """The Atelier's home, its first space and its current call, once the app is installed."""
    if not apps.is_installed("atelier"):
        return []
    found = []
    with suppress(NoReverseMatch):
        found.append(("atelier", reverse("atelier:home")))
    with suppress(LookupError, NoReverseMatch):
        space = apps.get_model("atelier", "Space").objects.filter(is_active=True).order_by("pk").first()
        if space is not None:
            found.append(("espace de l'atelier", space.get_absolute_url()))
        call = apps.get_model("atelier", "Call").objects.current()
        if call is not None:
            found.append(("appel de l'atelier", call.get_absolute_url()))
    return found


def association_pages() -> list[tuple[str, str]]:
    """The Relais COP21 directory, a labelled association's page, the funded programmes and the
    open data (the SCDL grants file too), once the associations app is installed."""
    if not apps.is_installed("associations"):
        return []
    found = []
    with suppress(NoReverseMatch):
        found += [
            ("associations", reverse("associations:directory")),
            ("programmes financés", reverse("associations:funded")),
            ("données ouvertes", reverse("open_data")),
            ("subventions (CSV SCDL)", reverse("associations:grants_csv")),
        ]
    with suppress(LookupError, NoReverseMatch):
        label_model = apps.get_model("associations", "RelaisLabel")
        label = label_model.objects.current().order_by("organisation__slug").first()
        if label is not None:
            found.append(
                ("page d'une association", reverse("associations:detail", args=[label.organisation.slug]))
            )
    # Action 4: the relais network's home and its showcase of actions (public pages).
    with suppress(LookupError, NoReverseMatch):
        found += [
            ("réseau Relais COP21", reverse("associations:reseau")),
            ("vitrine des actions", reverse("associations:showcase_list")),
        ]
        showcase = apps.get_model("associations", "ShowcaseAction")
        action = showcase.objects.published().order_by("-published_at", "-pk").first()
        if action is not None:
            found.append(("action de la vitrine", action.get_absolute_url()))
    # Action 4's tool library: the catalogue and the tool with the most loans.
    with suppress(LookupError, NoReverseMatch):
        tool_model = apps.get_model("associations", "Tool")
        found.append(("outils du réseau", reverse("associations:reseau_tools:list")))
        tool = tool_model.objects.offered().annotate(n=Count("copies__loans")).order_by("-n", "pk").first()
        if tool is not None:
            found.append(("page d'un outil", tool.get_absolute_url()))
    return found


def indicator_pages() -> list[tuple[str, str]]:
    """The public figures of the indicators, once the app is installed (the people mobilised over
    a million participations are timed by bench/people.py)."""
    if not apps.is_installed("indicators"):
        return []
    with suppress(NoReverseMatch):
        return [("indicateurs", reverse("indicators:public"))]
    return []


def pages() -> list[tuple[str, str]]:
    found = [("accueil", "/"), ("agenda", "/agenda/")]
    event = busiest_event()
    if event is not None:
        found.append((f"événement ({event.live} inscriptions)", event.get_absolute_url()))
    organisation = Organisation.objects.active().exclude(kind="club").order_by("pk").first()
    if organisation is not None:
        found.append(("structure", reverse("organisation_detail", args=[organisation.slug])))
    return (
        found
        + club_pages()
        + atelier_pages()
        + association_pages()
        + newsletter_pages()
        + commune_pages()
        + indicator_pages()
    )


def session_key(user=None) -> str:
    """A real signed-in session (as after login) for `user`, by default the demo resident of the
    logged-in runs."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from pacte.demo import DEMO_ACCOUNTS

    if user is None:
        user = User.objects.get(email=DEMO_ACCOUNTS[0][0])
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(3600)
    session.save()
    return session.session_key


def count_queries(paths: list[str]) -> list[tuple[str, int, int]]:
    """Queries of each page rendered in-process (cache bypassed), anonymous then signed in.

    CaptureQueriesContext records without DEBUG; the page cache is bypassed with a parameter no
    page knows, as wrk's "bust" mode does, so the count is what rendering the page costs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pacte.demo import DEMO_ACCOUNTS

    user = User.objects.get(email=DEMO_ACCOUNTS[0][0])
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(user)
    counts = []
    for n, path in enumerate(paths):
        found = []
        for client in (anonymous, signed_in):
            separator = "&" if "?" in path else "?"
            # Twice: the first request may fill per-process caches; the second is the steady state.
            for attempt in range(2):
                with CaptureQueriesContext(connection) as queries:
                    client.get(f"{path}{separator}_bench=q{n}-{attempt}", HTTP_HOST="127.0.0.1")
            found.append(len(queries))
        counts.append((path, found[0], found[1]))
    return counts


def write_target() -> Event:
    """The event of the write mode: open to everyone, registrations open, the most places left, so
    that each registration changes the count its page shows ("N sur C disponibles")."""
    candidates = (
        Event.objects.published()
        .upcoming()
        .filter(audience=EventAudience.EVERYONE, capacity__isnull=False)
        .annotate(left=F("capacity") - F("seats_taken"))
        .order_by("-left", "slug")
    )
    for event in candidates[:50]:
        if event.registration_refusal() is None:
            return event
    raise SystemExit("aucun événement ouvert aux inscriptions pour le mode écritures.")


def write_sessions(count: int, slug: str) -> list[str]:
    """Sessions of `count` seeded people with no live registration to the event, one each."""
    event = Event.objects.get(slug=slug)
    registered = Registration.objects.filter(event=event).exclude(status=RegistrationStatus.CANCELLED)
    users = (
        User.objects.filter(email__startswith="charge-", is_active=True, is_staff=False)
        .exclude(pk__in=registered.values("user_id"))
        .order_by("pk")[:count]
    )
    keys = [session_key(user) for user in users]
    if len(keys) < count:
        raise SystemExit(f"seulement {len(keys)} personnes peuvent encore s'inscrire à {slug}.")
    return keys


def places(slug: str) -> tuple[int | None, int | None, int, int]:
    event = Event.objects.get(slug=slug)
    live = Registration.objects.filter(event=event).exclude(status=RegistrationStatus.CANCELLED).count()
    last = Registration.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return event.places_left, event.capacity, live, last


def write_cleanup(slug: str, last_id: int) -> int:
    """Bench data only: deletes the write mode's registrations (no service, no audit: they were
    load, not people) and puts the event's count of places back, then renews the cached pages."""
    from pacte.cache import bump_content_version

    event = Event.objects.get(slug=slug)
    deleted, _ = Registration.objects.filter(event=event, pk__gt=last_id).delete()
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()
    Event.objects.filter(pk=event.pk).update(seats_taken=confirmed)
    bump_content_version()
    return deleted


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "seeded":
        return 0 if seeded(int(argv[2])) else 1
    if command == "pages":
        for label, path in pages():
            print(f"{label}\t{path}")
        return 0
    if command == "queries":
        paths = [MINIMAL] + [path for _, path in pages()]
        for path, anonymous, signed_in in count_queries(paths):
            print(f"{path}\t{anonymous}\t{signed_in}")
        return 0
    if command == "session":
        print(session_key())
        return 0
    if command == "write-target":
        event = write_target()
        print(f"{event.get_absolute_url()}\t{event.slug}")
        return 0
    if command == "write-sessions":
        print("\n".join(write_sessions(int(argv[2]), argv[3])))
        return 0
    if command == "places":
        left, capacity, live, last = places(argv[2])
        print(f"{left}\t{capacity}\t{live}\t{last}")
        return 0
    if command == "write-cleanup":
        print(f"{write_cleanup(argv[2], int(argv[3]))} inscriptions du mode écritures retirées.")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
