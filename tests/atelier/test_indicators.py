"""The Atelier's indicators: exact figures over March 2026 (Paris time), commune filter."""

from datetime import date, timedelta

import pytest

from atelier.enums import ApplicationStatus, BookingStatus
from atelier.models import Booking, Closure
from pacte.enums import Action, RegistrationStatus
from pacte.metrics import Period, all_metrics, compute_all
from pacte.models import Registration
from tests.atelier.factories import ApplicationFactory, ResidencyFactory, SpaceFactory, at
from tests.factories import EventFactory, OrganisationFactory, UserFactory, commune

pytestmark = pytest.mark.django_db
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def data():
    space = SpaceFactory()  # Rouen; open 9–19 weekdays, 10–17 Saturdays
    Closure.objects.create(
        venue=space.venue, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 3), reason="Travaux"
    )
    rouen = OrganisationFactory()
    elbeuf = OrganisationFactory(commune=commune("elbeuf"))
    for organisation, status, day in [
        (rouen, ApplicationStatus.RETAINED, 5),
        (elbeuf, ApplicationStatus.REJECTED, 6),
    ]:
        ApplicationFactory(organisation=organisation, status=status, submitted_at=at(date(2026, 3, day), 12))
    ApplicationFactory(status=ApplicationStatus.SUBMITTED, submitted_at=at(date(2026, 4, 1), 0, 10))  # April
    ResidencyFactory(organisation=rouen, starts_on=date(2026, 3, 20), ends_on=date(2027, 3, 19))
    ResidencyFactory(organisation=elbeuf, starts_on=date(2025, 1, 1), ends_on=date(2026, 2, 28))  # ended
    for day, hours, status, checked in [
        (10, 2, BookingStatus.CONFIRMED, True),
        (11, 1, BookingStatus.RELEASED, False),
        (12, 3, BookingStatus.CANCELLED, False),
        (31, 1, BookingStatus.CONFIRMED, False),
    ]:
        start = at(date(2026, 3, day), 10)
        Booking.objects.create(
            space=space,
            title="R",
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            status=status,
            checked_in_at=start if checked else None,
        )
    event = EventFactory(action=Action.ATELIER, starts_at=at(date(2026, 3, 12), 18), walk_in_count=4)
    for attended in (True, True, False):
        Registration.objects.create(
            event=event, user=UserFactory(), status=RegistrationStatus.CONFIRMED, attended=attended
        )
    EventFactory(action=Action.CLUBS, starts_at=at(date(2026, 3, 12), 18))  # another action
    return space


def test_march_figures(data):
    values = compute_all(MARCH, Action.ATELIER)
    assert values["atelier.applications"] == 2
    assert values["atelier.applications_by_decision"] == {
        "Déposée": 0,
        "Retenue": 1,
        "Liste d'attente": 0,
        "Non retenue": 1,
    }
    assert values["atelier.residents"] == 1
    assert values["atelier.hours_booked"] == 4  # 2 + 1 (no-show) + 1; the cancelled one does not count
    assert values["atelier.hours_used"] == 2
    # 228 open hours (20 weekdays × 10 h + 4 Saturdays × 7 h): 4 / 228 → 2 %.
    assert values["atelier.occupancy_rate"] == 2
    assert values["atelier.events"] == 1
    assert values["atelier.events_public"] == 6  # 2 present + 4 walk-ins


def test_commune_filter(data):
    elbeuf = Period(MARCH.start, MARCH.end, commune("elbeuf"))
    values = compute_all(elbeuf, Action.ATELIER)
    assert values["atelier.applications"] == 1 and values["atelier.residents"] == 0
    assert values["atelier.hours_booked"] == 0 and values["atelier.occupancy_rate"] == 0


def test_declared_and_constant_queries(data, django_assert_max_num_queries):
    assert {m.key for m in all_metrics(Action.ATELIER)} >= {"atelier.residents", "atelier.occupancy_rate"}
    with django_assert_max_num_queries(20):
        compute_all(MARCH, Action.ATELIER)
