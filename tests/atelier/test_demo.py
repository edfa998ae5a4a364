"""The Atelier's demo is believable and idempotent, and gives the demo accounts a role."""

import io

import pytest
from django.core.management import call_command

from atelier.enums import ApplicationStatus, BookingStatus
from atelier.models import Application, Booking, BookingSeries, Call, Residency, Space
from pacte.enums import Action
from pacte.models import Event, Registration

pytestmark = pytest.mark.django_db


def counts():
    return (
        Call.objects.count(),
        Application.objects.count(),
        Residency.objects.count(),
        Booking.objects.count(),
    )


def test_seed_demo_twice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
    closed = Call.objects.get(slug="appel-a-residence-2026")
    current = Call.objects.get(slug="appel-a-residence-2027")
    assert not closed.is_open() and current.is_open()
    assert set(closed.applications.values_list("status", flat=True)) == {
        ApplicationStatus.RETAINED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
    }
    waiting = current.applications.get()
    assert waiting.status == ApplicationStatus.SUBMITTED and waiting.organisation.name == "Seine Zéro Déchet"
    residency = Residency.objects.get(organisation__memberships__user__email="asso@demo.pacte.fr")
    assert (
        residency.rules_accepted_at
        and residency.organisation.name == "Les Jardins Partagés du Petit-Quevilly"
    )
    series = BookingSeries.objects.get(residency=residency)
    assert series.bookings.filter(status=BookingStatus.CONFIRMED).count() >= 6
    assert Booking.objects.filter(residency=residency, status=BookingStatus.PENDING).exists()
    assert Booking.objects.filter(residency=residency, status=BookingStatus.RELEASED).count() == 1
    event = Event.objects.get(action=Action.ATELIER, atelier_booking__residency=residency)
    assert Registration.objects.filter(event=event, user__email="habitante@demo.pacte.fr").exists()
    assert Space.objects.count() == 4


def test_seed_scale(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--scale", "1", stdout=io.StringIO())
    assert Residency.objects.filter(organisation__slug__startswith="atelier-bench-").count() == 2
    assert Booking.objects.filter(organisation__slug__startswith="atelier-bench-").count() == 20
