"""No two live bookings of one space overlap, even under concurrent requests (PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction

from atelier.enums import BookingStatus
from atelier.models import Booking, Residency, Space
from atelier.services.bookings import booking_create
from pacte.services.errors import RefusedError
from tests.atelier.factories import SpaceFactory, at, next_monday, resident

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback restores the communes and themes that the data migrations loaded.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def test_concurrent_bookings_of_one_slot_never_overlap():
    space = SpaceFactory()
    residents = [resident(space) for _ in range(16)]
    monday = next_monday()
    barrier = threading.Barrier(len(residents))
    refused, errors = [], []

    def book(index, residency, person):
        try:
            barrier.wait(timeout=10)
            # Overlapping windows: 10:00–12:00, 10:30–12:30, 11:00–13:00...
            start = at(monday, 10) + timedelta(minutes=30 * (index % 4))
            booking_create(
                space=Space.objects.get(pk=space.pk),
                residency=Residency.objects.get(pk=residency.pk),
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                title=f"Réunion {index}",
                by=person,
            )
        except RefusedError as error:
            refused.append(error.messages[0])
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i, *pair)) for i, pair in enumerate(residents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    live = list(Booking.objects.live().filter(space=space).order_by("starts_at"))
    # Every window overlaps every other (all within 10:00–13:30 and 2 h long): one wins.
    assert len(live) == 1
    assert len(refused) == 15 and all("déjà réservé" in reason for reason in refused)


def test_exclusion_constraint_backs_the_service():
    """A write that bypasses the service still cannot overlap (the database refuses it)."""
    space = SpaceFactory()
    residency, _ = resident(space)
    start = at(next_monday(), 10)
    Booking.objects.create(
        space=space,
        residency=residency,
        title="A",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        status=BookingStatus.CONFIRMED,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            space=space,
            residency=residency,
            title="B",
            starts_at=start + timedelta(hours=1),
            ends_at=start + timedelta(hours=3),
            status=BookingStatus.PENDING,
        )
    # Cancelled bookings are outside the constraint; touching ones do not overlap.
    Booking.objects.create(
        space=space,
        title="C",
        starts_at=start + timedelta(hours=1),
        ends_at=start + timedelta(hours=3),
        status=BookingStatus.CANCELLED,
    )
    Booking.objects.create(
        space=space,
        title="D",
        starts_at=start + timedelta(hours=2),
        ends_at=start + timedelta(hours=3),
        status=BookingStatus.CONFIRMED,
    )
    assert Booking.objects.live().filter(space=space).count() == 2
