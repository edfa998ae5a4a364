"""Booking rules: each refusal with its reason, series, approval, cancellation, check-in, no-shows."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from atelier.enums import BookingStatus
from atelier.models import Booking, Closure
from atelier.services.bookings import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_publish_event,
    booking_refuse,
    booking_series_create,
    booking_series_preview,
    bookings_release_no_shows,
)
from pacte.enums import Action
from pacte.models import AuditEntry, Event
from pacte.services.errors import RefusedError
from tests.atelier.factories import BookingFactory, SpaceFactory, at, next_monday, resident
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    return SpaceFactory(name="Salle Seine")


@pytest.fixture
def setup(room):
    residency, person = resident(room)
    return room, residency, person


def book(room, residency, person, start, hours=2, **kwargs):
    return booking_create(
        space=room,
        residency=residency,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        title="Réunion",
        by=person,
        **kwargs,
    )


def refusal(room, residency, person, start, hours=2):
    with pytest.raises(RefusedError) as error:
        book(room, residency, person, start, hours)
    return error.value.messages[0]


def test_booking_confirmed_and_audited(setup):
    room, residency, person = setup
    booking = book(room, residency, person, at(next_monday(), 10))
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.organisation == residency.organisation
    assert AuditEntry.objects.filter(verb="atelier.booking.create", object_id=str(booking.pk)).exists()


def test_overlap_refused_with_reason_and_touching_allowed(setup):
    room, residency, person = setup
    monday = next_monday()
    book(room, residency, person, at(monday, 10))
    other, other_person = resident(room)
    message = refusal(room, other, other_person, at(monday, 11))
    assert message == "L'espace « Salle Seine » est déjà réservé de 10:00 à 12:00 ce jour-là."
    # [10:00, 12:00) and [12:00, 13:00) do not overlap.
    assert book(room, other, other_person, at(monday, 12), hours=1).status == BookingStatus.CONFIRMED
    assert Booking.objects.live().filter(space=room).count() == 2


def test_pending_bookings_hold_the_slot_too(setup):
    room, residency, person = setup
    room.requires_approval = True
    room.save()
    booking = book(room, residency, person, at(next_monday(), 10))
    assert booking.status == BookingStatus.PENDING
    other, other_person = resident(room)
    assert "déjà réservé" in refusal(room, other, other_person, at(next_monday(), 10))


@pytest.mark.parametrize(
    "hour,hours,expected",
    [
        (8, 2, "En dehors des horaires d'ouverture de ce jour (09:00–19:00)."),
        (18, 2, "En dehors des horaires d'ouverture de ce jour (09:00–19:00)."),
        (10, 0.25, "Cet espace se réserve au moins 30 minutes."),
        (9, 5, "Cet espace se réserve au plus 240 minutes d'affilée."),
    ],
)
def test_hours_and_durations(setup, hour, hours, expected):
    room, residency, person = setup
    assert refusal(room, residency, person, at(next_monday(), hour), hours) == expected


def test_sunday_closed(setup):
    room, residency, person = setup
    assert refusal(room, residency, person, at(next_monday() + timedelta(days=6), 10)) == (
        "L'Atelier est fermé ce jour-là."
    )


def test_closures_of_venue_and_space(setup):
    room, residency, person = setup
    monday = next_monday()
    Closure.objects.create(venue=room.venue, starts_on=monday, ends_on=monday, reason="Inventaire")
    assert refusal(room, residency, person, at(monday, 10)).startswith("Fermeture : Inventaire")
    tuesday = monday + timedelta(days=1)
    Closure.objects.create(
        venue=room.venue, space=room, starts_on=tuesday, ends_on=tuesday, reason="Peinture"
    )
    assert refusal(room, residency, person, at(tuesday, 10)).startswith("Fermeture : Peinture")
    # Another space's closure does not close this one.
    other = SpaceFactory(venue=room.venue)
    Closure.objects.create(
        venue=room.venue,
        space=other,
        starts_on=monday + timedelta(days=2),
        ends_on=monday + timedelta(days=2),
        reason="X",
    )
    assert book(room, residency, person, at(monday + timedelta(days=2), 10)).pk


def test_residency_period_space_rules_and_quota(setup):
    room, residency, person = setup
    monday = next_monday()
    residency.ends_on = monday - timedelta(days=1)
    residency.save()
    assert "ce jour est en dehors" in refusal(room, residency, person, at(monday, 10))
    residency.ends_on = monday + timedelta(days=60)
    residency.rules_accepted_at = None
    residency.save()
    assert "accepter le règlement intérieur" in refusal(room, residency, person, at(monday, 10))
    residency.rules_accepted_at = timezone.now()
    residency.save()
    other_room = SpaceFactory(venue=room.venue, name="Atelier bois")
    with pytest.raises(RefusedError, match="ne donne pas accès à l'espace « Atelier bois »"):
        book(other_room, residency, person, at(monday, 10))
    # Quota of 8 h a week: 4 + 4 fits, one more hour the same week does not; next week does.
    book(room, residency, person, at(monday, 9), hours=4)
    book(room, residency, person, at(monday + timedelta(days=1), 9), hours=4)
    assert refusal(room, residency, person, at(monday + timedelta(days=2), 9), hours=1) == (
        "Quota dépassé : 8 h déjà réservées cette semaine sur 8 h autorisées."
    )
    assert book(room, residency, person, at(monday + timedelta(days=7), 9), hours=1).pk


def test_past_slot_and_capacity(setup):
    room, residency, person = setup
    assert refusal(room, residency, person, timezone.now() - timedelta(hours=3)) == "Ce créneau est passé."
    with pytest.raises(RefusedError, match="au plus 20 personnes"):
        book(room, residency, person, at(next_monday(), 10), expected_people=21)


@pytest.mark.parametrize("who", ["citizen", "other_referent"])
def test_only_referents_and_staff_book(setup, who):
    room, residency, _ = setup
    person = UserFactory() if who == "citizen" else resident(room)[1]
    with pytest.raises(RefusedError, match="Seuls les référents"):
        book(room, residency, person, at(next_monday(), 10))
    assert not Booking.objects.exists()


def test_staff_book_for_the_team(room):
    staff = UserFactory(staff=True)
    booking = booking_create(
        space=room,
        residency=None,
        starts_at=at(next_monday(), 10),
        ends_at=at(next_monday(), 12),
        title="Équipe",
        by=staff,
    )
    assert booking.organisation is None and booking.status == BookingStatus.CONFIRMED
    with pytest.raises(RefusedError):
        booking_create(
            space=room,
            residency=None,
            starts_at=at(next_monday(), 14),
            ends_at=at(next_monday(), 15),
            title="X",
            by=UserFactory(),
        )


def test_series_preview_lists_conflicts_and_create_skips_them(setup):
    room, residency, person = setup
    monday = next_monday()
    other, other_person = resident(room)
    book(room, other, other_person, at(monday + timedelta(days=14), 10))
    Closure.objects.create(
        venue=room.venue,
        starts_on=monday + timedelta(days=21),
        ends_on=monday + timedelta(days=21),
        reason="Férié",
    )
    preview = booking_series_preview(
        space=room,
        residency=residency,
        first_starts_at=at(monday, 10),
        duration_minutes=120,
        until=monday + timedelta(days=28),
    )
    assert [reason is None for _, _, reason in preview] == [True, True, False, False, True]
    assert "déjà réservé" in preview[2][2] and preview[3][2].startswith("Fermeture : Férié")
    series, created, skipped = booking_series_create(
        space=room,
        residency=residency,
        title="Permanence",
        first_starts_at=at(monday, 10),
        duration_minutes=120,
        until=monday + timedelta(days=28),
        by=person,
    )
    assert len(created) == 3 and len(skipped) == 2
    assert all(b.series == series for b in created)
    assert [timezone.localtime(b.starts_at).hour for b in created] == [10, 10, 10]


def test_series_with_nothing_bookable_is_refused(setup):
    room, residency, person = setup
    monday = next_monday()
    with pytest.raises(RefusedError, match="Aucune occurrence"):
        booking_series_create(
            space=room,
            residency=residency,
            title="X",
            first_starts_at=at(monday, 7),
            duration_minutes=60,
            until=monday + timedelta(days=14),
            by=person,
        )
    assert not Booking.objects.exists()


def test_approval_and_refusal_by_staff(setup, mailoutbox, django_capture_on_commit_callbacks):
    room, residency, person = setup
    room.requires_approval = True
    room.save()
    first = book(room, residency, person, at(next_monday(), 10))
    second = book(room, residency, person, at(next_monday(), 14))
    with pytest.raises(RefusedError):
        booking_approve(booking=first, by=person)
    staff = UserFactory(staff=True)
    assert booking_approve(booking=first, by=staff).status == BookingStatus.CONFIRMED
    with pytest.raises(RefusedError, match="motif"):
        booking_refuse(booking=second, reason=" ", by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        refused = booking_refuse(booking=second, reason="Salle réservée pour un conseil", by=staff)
    assert refused.status == BookingStatus.REFUSED
    assert any("Salle réservée pour un conseil" in m.body for m in mail.outbox)
    # The refused slot is free again.
    assert book(room, residency, person, at(next_monday(), 14)).status == BookingStatus.PENDING


def test_cancel_frees_the_slot(setup):
    room, residency, person = setup
    booking = book(room, residency, person, at(next_monday(), 10))
    booking_cancel(booking=booking, by=person)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_at
    with pytest.raises(RefusedError, match="n'est plus active"):
        booking_cancel(booking=booking, by=person)
    assert book(room, residency, person, at(next_monday(), 10)).status == BookingStatus.CONFIRMED


def test_check_in_window_and_no_show_release(room, mailoutbox, django_capture_on_commit_callbacks):
    residency, person = resident(room)
    start = timezone.now() + timedelta(minutes=10)
    early = BookingFactory(
        space=room, residency=residency, organisation=residency.organisation, starts_at=start
    )
    late = BookingFactory(
        space=room,
        residency=residency,
        organisation=residency.organisation,
        starts_at=start + timedelta(hours=3),
    )
    assert booking_check_in(booking=early, by=person).checked_in_at
    with pytest.raises(RefusedError, match="15 minutes avant"):
        booking_check_in(booking=late, by=person)
    # 31 minutes after the late one started: released; the checked-in one stays.
    later = start + timedelta(hours=3, minutes=31)
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_release_no_shows(now=later) == 1
    assert bookings_release_no_shows(now=later) == 0  # safe to run twice
    late.refresh_from_db()
    early.refresh_from_db()
    assert late.status == BookingStatus.RELEASED and early.status == BookingStatus.CONFIRMED
    assert AuditEntry.objects.filter(verb="atelier.booking.release", object_id=str(late.pk)).count() == 1
    assert len([m for m in mail.outbox if "libérée" in m.subject]) == 1


def test_publish_event_from_booking(setup):
    room, residency, person = setup
    booking = book(room, residency, person, at(next_monday(), 14))
    event = booking_publish_event(booking=booking, title="Atelier réparation", capacity=15, by=person)
    assert event.action == Action.ATELIER and event.is_published
    assert event.organiser == residency.organisation
    assert (event.starts_at, event.ends_at) == (booking.starts_at, booking.ends_at)
    assert room.venue.name in event.place and event.commune == room.venue.commune
    booking.refresh_from_db()
    assert booking.event == event
    with pytest.raises(RefusedError, match="déjà publié"):
        booking_publish_event(booking=booking, title="Encore", by=person)
    other = book(room, residency, person, at(next_monday(), 9), hours=1)
    with pytest.raises(RefusedError, match="au plus 20 personnes"):
        booking_publish_event(booking=other, title="Trop", capacity=50, by=person)
    with pytest.raises(RefusedError):
        booking_publish_event(booking=other, title="Pas à moi", by=UserFactory())
    assert Event.objects.filter(action=Action.ATELIER).count() == 1


def test_booking_requests_are_rate_limited(setup, settings):
    room, residency, person = setup
    settings.PACTE_RATE_LIMITS = {"atelier.booking": "2/h"}
    monday = next_monday()
    book(room, residency, person, at(monday, 9), hours=1)
    book(room, residency, person, at(monday, 11), hours=1)
    assert "attendez" in refusal(room, residency, person, at(monday, 14), hours=1)


def test_reminders_the_day_before_once(room, mailoutbox, django_capture_on_commit_callbacks):
    from atelier.services.bookings import bookings_send_reminders

    residency, person = resident(room)
    tomorrow = timezone.localdate() + timedelta(days=1)
    due = BookingFactory(
        space=room,
        residency=residency,
        organisation=residency.organisation,
        starts_at=at(tomorrow, 10),
        ends_at=at(tomorrow, 12),
    )
    BookingFactory(  # cancelled: no reminder
        space=room,
        residency=residency,
        organisation=residency.organisation,
        starts_at=at(tomorrow, 14),
        ends_at=at(tomorrow, 15),
        status=BookingStatus.CANCELLED,
    )
    BookingFactory(  # in two days: not yet
        space=room,
        residency=residency,
        organisation=residency.organisation,
        starts_at=at(tomorrow + timedelta(days=1), 10),
        ends_at=at(tomorrow + timedelta(days=1), 11),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert bookings_send_reminders() == 1
        assert bookings_send_reminders() == 0
    [message] = mailoutbox
    assert message.to == [person.email] and "Demain à l'Atelier" in message.subject
    assert due.get_absolute_url() in message.body
