"""Capacity holds when many people register at once (row lock on PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from pacte.enums import RegistrationStatus
from pacte.models import Event, Registration
from pacte.services.registrations import registration_create
from tests.factories import EventFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback restores the communes and themes that the data migrations loaded.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def test_concurrent_registrations_never_overbook():
    event = EventFactory(capacity=5)
    people = [UserFactory() for _ in range(24)]
    barrier = threading.Barrier(len(people))
    errors = []

    def register(person):
        try:
            barrier.wait(timeout=10)
            registration_create(event=Event.objects.get(pk=event.pk), user=person)
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    event.refresh_from_db()
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()
    waitlisted = Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).count()
    assert (confirmed, waitlisted, event.seats_taken) == (5, 19, 5)
