from datetime import timedelta

import pytest
from django.utils import timezone

from pacte.enums import RegistrationStatus
from pacte.models import AuditEntry, Registration
from pacte.services.errors import RefusedError
from pacte.services.registrations import (
    event_record_attendance,
    registration_cancel,
    registration_create,
    registration_send_reminders,
)
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_registration_confirmed_while_places_left_then_waitlisted(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=1)
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        r1 = registration_create(event=event, user=first)
        r2 = registration_create(event=event, user=second)
    event.refresh_from_db()
    assert r1.status == RegistrationStatus.CONFIRMED
    assert r2.status == RegistrationStatus.WAITLISTED
    assert event.seats_taken == 1
    assert r2.waitlist_position() == 1
    assert [m.to for m in mailoutbox] == [[first.email], [second.email]]
    assert "Inscription confirmée" in mailoutbox[0].subject
    assert "liste d'attente" in mailoutbox[1].body
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_cancel_promotes_first_waitlisted_and_tells_them(django_capture_on_commit_callbacks, mailoutbox):
    event = EventFactory(capacity=1)
    holder, first_waiting, second_waiting = UserFactory(), UserFactory(), UserFactory()
    confirmed = registration_create(event=event, user=holder)
    waiting1 = registration_create(event=event, user=first_waiting)
    waiting2 = registration_create(event=event, user=second_waiting)
    assert waiting2.waitlist_position() == 2
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_cancel(registration=confirmed, by=holder)
    assert promoted == waiting1
    waiting1.refresh_from_db()
    waiting2.refresh_from_db()
    event.refresh_from_db()
    assert waiting1.status == RegistrationStatus.CONFIRMED and waiting1.promoted_at
    assert waiting2.waitlist_position() == 1
    assert event.seats_taken == 1
    # The person who cancelled is told, then the one promoted.
    assert [m.to for m in mailoutbox] == [[holder.email], [first_waiting.email]]
    assert "Inscription annulée" in mailoutbox[0].subject
    assert "place s’est libérée" in mailoutbox[1].subject
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"registration.create", "registration.cancel", "registration.promote"} <= verbs


def test_cancel_of_waitlisted_frees_no_place():
    event = EventFactory(capacity=1)
    registration_create(event=event, user=UserFactory())
    waiting = registration_create(event=event, user=UserFactory())
    assert registration_cancel(registration=waiting, by=waiting.user) is None
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_unlimited_event_never_waitlists():
    event = EventFactory(unlimited=True)
    statuses = {registration_create(event=event, user=UserFactory()).status for _ in range(5)}
    assert statuses == {RegistrationStatus.CONFIRMED}


@pytest.mark.parametrize(
    "event_kwargs, message",
    [
        ({"past": True}, "Événement terminé"),
        ({"draft": True}, "pas publié"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "ouvriront le"),
        ({"registration_closes_at": timezone.now() - timedelta(hours=1)}, "closes"),
        ({"registration_required": False}, "accès libre"),
    ],
)
def test_registration_refused_with_reason(event_kwargs, message):
    event = EventFactory(**event_kwargs)
    with pytest.raises(RefusedError) as error:
        registration_create(event=event, user=UserFactory())
    assert message in error.value.messages[0]
    assert not Registration.objects.exists()


def test_double_registration_refused_but_allowed_again_after_cancel():
    event = EventFactory()
    user = UserFactory()
    registration = registration_create(event=event, user=user)
    with pytest.raises(RefusedError, match="déjà inscrit"):
        registration_create(event=event, user=user)
    registration_cancel(registration=registration, by=user)
    again = registration_create(event=event, user=user)
    assert again.status == RegistrationStatus.CONFIRMED


def test_cancel_refused_once_event_started_and_twice():
    event = EventFactory()
    user = UserFactory()
    registration = registration_create(event=event, user=user)
    registration_cancel(registration=registration, by=user)
    with pytest.raises(RefusedError, match="déjà annulée"):
        registration_cancel(registration=registration, by=user)
    started = EventFactory()
    live = registration_create(event=started, user=user)
    started.starts_at = timezone.now() - timedelta(minutes=5)
    started.save()
    with pytest.raises(RefusedError, match="a commencé"):
        registration_cancel(registration=live, by=user)


def test_attendance_recorded_after_start_only():
    event = EventFactory()
    came, absent = UserFactory(), UserFactory()
    r_came = registration_create(event=event, user=came)
    r_absent = registration_create(event=event, user=absent)
    organiser = UserFactory(staff=True)
    with pytest.raises(RefusedError, match="une fois l'événement commencé"):
        event_record_attendance(event=event, attended_ids=[r_came.pk], walk_in_count=3, by=organiser)
    event.starts_at = timezone.now() - timedelta(hours=1)
    event.save()
    event_record_attendance(event=event, attended_ids=[r_came.pk], walk_in_count=3, by=organiser)
    r_came.refresh_from_db()
    r_absent.refresh_from_db()
    event.refresh_from_db()
    assert (r_came.attended, r_absent.attended, event.walk_in_count) == (True, False, 3)
    assert event.attendance_recorded_at is not None


def test_reminders_sent_once_to_confirmed_people_of_tomorrow(django_capture_on_commit_callbacks, mailoutbox):
    tomorrow = timezone.localtime() + timedelta(days=1)
    event = EventFactory(capacity=1, starts_at=tomorrow.replace(hour=10, minute=0))
    later = EventFactory(starts_at=timezone.now() + timedelta(days=5))
    confirmed = registration_create(event=event, user=UserFactory())
    registration_create(event=event, user=UserFactory())  # waitlisted: no reminder
    registration_create(event=later, user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert registration_send_reminders() == 1
        assert registration_send_reminders() == 0
    assert [m.to for m in mailoutbox] == [[confirmed.user.email]]
    assert "Rappel" in mailoutbox[0].subject
