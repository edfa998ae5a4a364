"""`make bench`, indicators step: the people mobilised over 1,000,000 participation rows.

    python bench/people.py            build the rows if needed, time the computation, exit 1 when
                                      the current month takes more than TARGET seconds

The rows: ROWS attended registrations of EVENTS unpublished past events ("bench-indicateurs-…",
outside the counts `bench/prepare.py seeded` checks), spread over the last twelve months, the
current month included, from the scale data's 50,000 people (each event takes 2,500 consecutive
ones from a different offset, so people come back across events and the distinct count is a real
deduplication). Built once with generate_series in one INSERT … SELECT (a few seconds), reused
while the count is right.

What is timed is what the dashboard's monthly snapshot computes: indicators.people.people_total
for the current month (all actions: every declared source, one UNION query, COUNT DISTINCT). The
whole year (all the rows) is timed too and printed, for information.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from pacte.enums import Action  # noqa: E402
from pacte.metrics import Period  # noqa: E402
from pacte.models import Commune, Event, Registration, User  # noqa: E402

ROWS = 1_000_000
PER_EVENT = 2_500
EVENTS = ROWS // PER_EVENT
PREFIX = "bench-indicateurs-"
TARGET = 0.5  # seconds, for the current month


def built() -> bool:
    return Registration.objects.filter(event__slug__startswith=PREFIX).count() == ROWS


@transaction.atomic
def build() -> None:
    Event.objects.filter(slug__startswith=PREFIX).delete()
    people = User.objects.filter(email__startswith="charge-").count()
    if people < PER_EVENT:
        raise SystemExit(f"il faut au moins {PER_EVENT} personnes « charge-… » (seed_demo --scale).")
    now = timezone.now()
    communes = list(Commune.objects.order_by("pk"))
    actions = list(Action)
    span = timedelta(days=365)
    events = []
    for index in range(EVENTS):
        # From a year ago to an hour ago: the last of them fall in the current month.
        starts_at = now - span + span * (index + 1) / EVENTS - timedelta(hours=1)
        events.append(
            Event(
                title=f"Rencontre de charge n° {index}",
                slug=f"{PREFIX}{index}",
                action=actions[index % len(actions)],
                commune=communes[index % len(communes)],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=30),
                capacity=None,
                is_published=False,
                seats_taken=PER_EVENT,
            )
        )
    Event.objects.bulk_create(events, batch_size=500)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH people AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                FROM pacte_user WHERE email LIKE 'charge-%%'
            ), events AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                FROM pacte_event WHERE slug LIKE %s
            )
            INSERT INTO pacte_registration (event_id, user_id, status, attended, created_at, updated_at)
            SELECT events.id, people.id, 'confirmed', TRUE, now(), now()
            FROM events
            CROSS JOIN generate_series(0, %s - 1) AS k
            JOIN people ON people.n = (events.n * 997 + k) %% %s
            """,
            [PREFIX + "%", PER_EVENT, people],
        )


def vacuum() -> None:
    """Planner statistics and the visibility map after the bulk insert, as autovacuum would
    leave them in production (the count reads the registrations' index alone)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE pacte_registration")
        cursor.execute("VACUUM ANALYZE pacte_event")


def number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def timed(function, runs=5):
    durations = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - started)
    return result, durations


def main() -> int:
    from indicators.people import people_total

    started = time.perf_counter()
    if built():
        print(f"{number(ROWS)} lignes de participation déjà en base : réutilisées.")
    else:
        print(f"construction de {number(ROWS)} lignes de participation…")
        build()
        vacuum()
        print(f"construites en {time.perf_counter() - started:.1f} s.")
    today = timezone.localdate()
    month = Period(today.replace(day=1), today)
    year = Period(today - timedelta(days=365), today)
    in_month = Registration.objects.filter(
        event__slug__startswith=PREFIX, event__starts_at__gte=timezone.now().replace(day=1, hour=0, minute=0)
    ).count()
    people, durations = timed(lambda: people_total(month))
    median = statistics.median(durations)
    print(
        f"personnes mobilisées, mois en cours ({number(in_month)} participations ce mois, "
        f"{number(ROWS)} en base) : {number(people)} personnes ; {median * 1000:.0f} ms (médiane de "
        f"{len(durations)}, première {durations[0] * 1000:.0f} ms, objectif < {TARGET * 1000:.0f} ms)"
    )
    people_year, year_durations = timed(lambda: people_total(year), runs=3)
    print(
        f"pour information, les douze derniers mois (toutes les lignes) : {number(people_year)} "
        f"personnes ; {statistics.median(year_durations) * 1000:.0f} ms (médiane de 3)"
    )
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"charge de la machine (1, 5, 15 min) : {load} (mesures faussées sur une machine occupée)")
    if median > TARGET:
        print(f"OBJECTIF MANQUÉ : {median:.3f} s > {TARGET} s pour le mois en cours.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
