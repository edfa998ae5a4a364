"""Figures of action 1 (clubs/indicators.py), with known data and exact expected numbers.

The period is March 2026 in Paris time, whose last Sunday switches to summer time: the first and
last minutes of the month, and the first minute after it, are each tested.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clubs import indicators
from clubs.enums import PracticeStatus
from clubs.gardens import indicators as garden_indicators
from clubs.gardens.services import charter_publish, garden_update
from clubs.models import (
    Charter,
    CharterSignature,
    ClubMembershipRecord,
    Garden,
    GardenChecklistVersion,
    PracticeAdoption,
)
from pacte.enums import Action, RegistrationStatus
from pacte.metrics import Period, all_metrics, compute_all, get_metric
from pacte.models import Registration
from tests.clubs.factories import ClubFactory, PracticeFactory
from tests.clubs.test_gardens import make_garden, practice
from tests.factories import EventFactory, UserFactory, commune

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MARCH = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))


def paris(month, day, hour=0, minute=0, second=0):
    return datetime(2026, month, day, hour, minute, second, tzinfo=PARIS)


FIRST = paris(3, 1)  # first moment of the period
LAST = paris(3, 31, 23, 59)  # last minute of the period
BEFORE = paris(2, 28, 23, 59)  # last minute before it
AFTER = paris(4, 1)  # first moment after it


def in_commune(slug):
    return Period(start=MARCH.start, end=MARCH.end, commune=commune(slug))


def test_bounds_are_paris_midnights_across_the_dst_change():
    start, end = indicators.bounds(MARCH)
    assert start == FIRST and end == AFTER
    assert start.utcoffset().total_seconds() == 3600  # winter time
    assert end.utcoffset().total_seconds() == 7200  # summer time since 29 March


def test_every_metric_is_registered_for_the_clubs_action():
    keys = {m.key for m in all_metrics(Action.CLUBS)}
    assert {
        "clubs.members",
        "clubs.new_members",
        "clubs.meetings",
        "clubs.registrations",
        "clubs.attendance_registered",
        "clubs.attendance_walk_in",
        "clubs.attendance_total",
        "clubs.practices_shared",
        "clubs.practice_adoptions",
        "clubs.gardens",
        "clubs.new_gardens",
        "clubs.charter_signatures",
        "clubs.garden_practices",
    } <= keys
    assert get_metric("clubs.garden_practices").kind == "breakdown"
    assert all(m.label and m.action == Action.CLUBS for m in all_metrics(Action.CLUBS))


# --- Members ----------------------------------------------------------------------------------


@pytest.fixture
def stints():
    club = ClubFactory()
    rouen, elbeuf = commune("rouen"), commune("elbeuf")

    def stint(joined, left=None, where=rouen):
        return ClubMembershipRecord.objects.create(
            club=club, user=UserFactory(), commune=where, joined_at=joined, left_at=left
        )

    stint(paris(1, 10))  # A: member since before, still there
    stint(FIRST, where=elbeuf)  # B: joined on the first minute
    stint(BEFORE, left=paris(3, 15))  # C: joined just before, left during the period
    stint(LAST)  # D: joined on the last minute
    stint(AFTER)  # E: joined just after
    stint(paris(2, 1), left=AFTER)  # F: left at the first moment after the period
    stint(paris(3, 5), left=paris(3, 20), where=elbeuf)  # G: came and went
    stint(paris(3, 6), where=None)  # H: lives outside the Métropole


def test_members_at_period_end_and_new_members(stints):
    assert indicators.members(MARCH) == 5  # A, B, D, F, H
    assert indicators.new_members(MARCH) == 4  # B, D, G, H
    assert indicators.members(in_commune("elbeuf")) == 1  # B
    assert indicators.new_members(in_commune("elbeuf")) == 2  # B, G
    assert indicators.members(in_commune("rouen")) == 3  # A, D, F
    assert indicators.new_members(in_commune("darnetal")) == 0


# --- Meetings, registrations, attendance ------------------------------------------------------


@pytest.fixture
def meetings():
    def meeting(starts_at, where="rouen", walk_in=0, **fields):
        return EventFactory(
            starts_at=starts_at, commune=commune(where), walk_in_count=walk_in, capacity=None, **fields
        )

    def register(event, status=RegistrationStatus.CONFIRMED, attended=None):
        Registration.objects.create(event=event, user=UserFactory(), status=status, attended=attended)

    m1 = meeting(FIRST, walk_in=3)
    for attended in (True, True, False):
        register(m1, attended=attended)
    register(m1, status=RegistrationStatus.WAITLISTED)
    register(m1, status=RegistrationStatus.CANCELLED)
    m2 = meeting(paris(3, 31, 23, 30), where="elbeuf", walk_in=2)
    register(m2, attended=True)
    m3 = meeting(paris(2, 28, 23, 30), walk_in=10)  # the evening before
    register(m3, attended=True)
    register(m3, attended=True)
    register(meeting(AFTER, walk_in=4), attended=True)  # the night after
    register(meeting(paris(3, 10), action=Action.COMMUNES, walk_in=5), attended=True)  # not a club
    register(meeting(paris(3, 12), is_published=False, walk_in=6), attended=True)  # a draft


def test_meetings_registrations_and_attendance(meetings):
    assert indicators.meetings(MARCH) == 2
    assert indicators.registrations(MARCH) == 4  # confirmed only: 3 + 1
    assert indicators.attendance_registered(MARCH) == 3
    assert indicators.attendance_walk_in(MARCH) == 5
    assert indicators.attendance_total(MARCH) == 8


def test_meetings_by_commune(meetings):
    elbeuf = in_commune("elbeuf")
    assert indicators.meetings(elbeuf) == 1
    assert indicators.registrations(elbeuf) == 1
    assert indicators.attendance_registered(elbeuf) == 1
    assert indicators.attendance_walk_in(elbeuf) == 2
    assert indicators.attendance_total(elbeuf) == 3
    darnetal = in_commune("darnetal")
    assert (indicators.meetings(darnetal), indicators.attendance_total(darnetal)) == (0, 0)


def test_meetings_not_yet_held_do_not_count():
    today = datetime.now(PARIS).date()
    EventFactory(walk_in_count=1)  # next week, published
    period = Period(start=today, end=date(today.year + 1, 12, 31))
    assert indicators.meetings(period) == 0
    assert indicators.attendance_walk_in(period) == 0


# --- Practices and adoptions ------------------------------------------------------------------


def _created(obj, moment):
    type(obj).objects.filter(pk=obj.pk).update(created_at=moment)
    return obj


@pytest.fixture
def practices():
    rouen_club = ClubFactory()
    elbeuf_club = ClubFactory(organisation__commune=commune("elbeuf"))
    p1 = _created(PracticeFactory(club=rouen_club), paris(3, 2))
    p2 = _created(PracticeFactory(club=elbeuf_club, status=PracticeStatus.REPORTED), paris(3, 31, 23))
    _created(PracticeFactory(club=rouen_club, status=PracticeStatus.HIDDEN), paris(3, 15))
    _created(PracticeFactory(club=rouen_club), AFTER)
    _created(PracticeFactory(club=rouen_club), BEFORE)
    for target, moment in [
        (p1, paris(3, 5)),
        (p1, LAST),
        (p1, AFTER),
        (p1, BEFORE),
        (p2, paris(3, 31, 23, 59, 59)),
    ]:
        _created(PracticeAdoption.objects.create(practice=target, user=UserFactory()), moment)


def test_practices_shared_and_adopted(practices):
    assert indicators.practices_shared(MARCH) == 2  # the hidden one does not count
    assert indicators.practice_adoptions(MARCH) == 3
    assert indicators.practices_shared(in_commune("elbeuf")) == 1
    assert indicators.practice_adoptions(in_commune("elbeuf")) == 1
    assert indicators.practice_adoptions(in_commune("rouen")) == 2


# --- Gardens ----------------------------------------------------------------------------------


def _dated(garden, registered, versions=(), withdrawn=None):
    """Move a garden's registration, signature and checklist versions to the given moments."""
    Garden.objects.filter(pk=garden.pk).update(created_at=registered, withdrawn_at=withdrawn)
    CharterSignature.objects.filter(garden=garden, charter__version=1).update(signed_at=registered)
    moments = [registered, *versions]
    for version, moment in zip(garden.checklist_versions.order_by("id"), moments, strict=True):
        GardenChecklistVersion.objects.filter(pk=version.pk).update(created_at=moment)


def _change(garden, slugs, **kwargs):
    garden_update(
        garden=garden,
        garden_type=garden.garden_type,
        commune=garden.commune,
        size=garden.size,
        practices=[practice(s) for s in slugs],
        by=garden.owner,
        **kwargs,
    )


@pytest.fixture
def gardens():
    g1 = make_garden(commune_slug="rouen", practices=["compostage", "haies"])
    _change(g1, ["compostage", "mare"])
    _change(g1, ["mare"])
    _dated(g1, paris(1, 15), versions=[paris(3, 10), paris(4, 5)])
    g2 = make_garden(commune_slug="elbeuf", practices=["compostage"])
    _dated(g2, FIRST)
    g3 = make_garden(commune_slug="rouen", practices=["haies"])
    _dated(g3, paris(2, 1), withdrawn=paris(3, 20))
    g4 = make_garden(commune_slug="rouen", practices=["compostage"])
    _dated(g4, AFTER)
    g5 = make_garden(commune_slug="rouen", practices=["paillage"])
    _dated(g5, paris(2, 10), withdrawn=paris(4, 2))
    g6 = make_garden(commune_slug="elbeuf")
    _dated(g6, LAST)
    # A second charter version, accepted for g1 during the period.
    v2 = charter_publish(
        charter=Charter.objects.create(version=2, title="Charte", text="v2"), by=UserFactory()
    )
    _change(g1, ["mare"], charter=v2)
    CharterSignature.objects.filter(garden=g1, charter=v2).update(signed_at=paris(3, 25))


def test_gardens_new_gardens_and_signatures(gardens):
    assert garden_indicators.gardens(MARCH) == 4  # g1, g2, g5 (withdrawn after), g6
    assert garden_indicators.new_gardens(MARCH) == 2  # g2, g6
    assert garden_indicators.charter_signatures(MARCH) == 3  # g2, g6, and g1's second version
    elbeuf, rouen = in_commune("elbeuf"), in_commune("rouen")
    assert (
        garden_indicators.gardens(elbeuf),
        garden_indicators.new_gardens(elbeuf),
        garden_indicators.charter_signatures(elbeuf),
    ) == (
        2,
        2,
        2,
    )
    assert (
        garden_indicators.gardens(rouen),
        garden_indicators.new_gardens(rouen),
        garden_indicators.charter_signatures(rouen),
    ) == (
        2,
        0,
        1,
    )


def test_practices_per_checklist_item_at_period_end(gardens):
    counts = garden_indicators.garden_practices(MARCH)
    # g1's list of 10 March (the April change comes later), g2, g5; g3 had left; g6 ticked nothing.
    assert counts["Compostage"] == 2
    assert counts["Mare ou point d'eau"] == 1
    assert counts["Paillage"] == 1
    assert counts["Haie champêtre"] == 0
    assert sum(counts.values()) == 4
    assert set(counts) >= {"Zéro pesticide", "Semences locales"}  # every item of the checklist
    elbeuf = garden_indicators.garden_practices(in_commune("elbeuf"))
    assert elbeuf["Compostage"] == 1 and sum(elbeuf.values()) == 1
    february = garden_indicators.garden_practices(Period(start=date(2026, 2, 1), end=date(2026, 2, 28)))
    # End of February: g1's first list, g3, g5.
    assert (february["Compostage"], february["Haie champêtre"], february["Paillage"]) == (1, 2, 1)


def test_compute_all_gives_every_clubs_figure(gardens, meetings):
    values = compute_all(MARCH, Action.CLUBS)
    assert values["clubs.gardens"] == 4 and values["clubs.meetings"] == 2
    assert values["clubs.garden_practices"]["Compostage"] == 2


# --- Queries ----------------------------------------------------------------------------------


def _queries_per_metric(period):
    counts = {}
    for metric in all_metrics(Action.CLUBS):
        with CaptureQueriesContext(connection) as ctx:
            metric.compute(period)
        counts[metric.key] = len(ctx.captured_queries)
    return counts


@pytest.mark.parametrize("with_commune", [False, True])
def test_each_metric_runs_a_small_constant_number_of_queries(
    stints, meetings, practices, gardens, with_commune
):
    period = in_commune("rouen") if with_commune else MARCH
    few = _queries_per_metric(period)
    assert max(few.values()) <= 2, few
    # More of everything: the number of queries stays the same.
    for i in range(5):
        g = make_garden(commune_slug="rouen", practices=["compostage", "mare"][: 1 + i % 2])
        _dated(g, paris(3, 3 + i))
        event = EventFactory(starts_at=paris(3, 3 + i), capacity=None, walk_in_count=i)
        Registration.objects.create(event=event, user=UserFactory(), status="confirmed", attended=True)
        _created(PracticeFactory(), paris(3, 4 + i))
    assert _queries_per_metric(period) == few
