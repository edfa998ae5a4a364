"""iCalendar feeds of the Atelier's bookings (RFC 5545, written by the `icalendar` package)."""

from datetime import UTC, datetime

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as VEvent


def bookings_calendar(bookings, *, name: str, show_titles: bool) -> bytes:
    """A calendar of `bookings`. The public feed of a space (`show_titles=False`) says who holds a
    slot, not what for; an association's own feed has its titles."""
    calendar = Calendar()
    calendar.add("prodid", "-//Métropole Rouen Normandie//Atelier des Transitions//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    now = datetime.now(UTC)
    for booking in bookings:
        holder = booking.organisation.name if booking.organisation_id else "Équipe de l'Atelier"
        item = VEvent()
        item.add("uid", f"atelier-reservation-{booking.pk}@pacte.metropole-rouen-normandie.fr")
        item.add("dtstamp", now)
        item.add("dtstart", booking.starts_at.astimezone(UTC))
        item.add("dtend", booking.ends_at.astimezone(UTC))
        item.add(
            "summary", f"{booking.title} — {booking.space.name}" if show_titles else f"Réservé — {holder}"
        )
        item.add(
            "location", f"{booking.space.venue.name}, {booking.space.name}, {booking.space.venue.address}"
        )
        item.add("status", "CONFIRMED" if booking.status == "confirmee" else "TENTATIVE")
        item.add("last-modified", booking.updated_at.astimezone(UTC))
        if booking.event_id:
            item.add("url", f"{settings.SITE_URL}{booking.event.get_absolute_url()}")
        calendar.add_component(item)
    return calendar.to_ical()
