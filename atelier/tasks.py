"""Atelier tasks: thin, they call a service that is safe to run twice."""

from celery import shared_task


@shared_task
def release_no_shows() -> int:
    from .services.bookings import bookings_release_no_shows

    return bookings_release_no_shows()


@shared_task
def send_booking_reminders() -> int:
    from .services.bookings import bookings_send_reminders

    return bookings_send_reminders()
