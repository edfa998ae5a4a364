"""iCalendar (RFC 5545) files of the agenda, written by the `icalendar` package: it escapes and
folds every text value (a lone carriage return in a title cannot end the event early or smuggle
in another one) and formats the dates. Events only, times in UTC."""

from collections.abc import Iterable
from datetime import UTC, datetime

import icalendar
from django.conf import settings


def _text(value: str) -> str:
    # Line breaks of any kind become one \n, which icalendar writes escaped; other control
    # characters have no place in a calendar and are dropped.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in value if char == "\n" or char >= " " or char == "\t")


def calendar(events: Iterable, *, name: str) -> str:
    now = datetime.now(UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Métropole Rouen Normandie//Portail PACTE//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # A calendar's name is one line (and icalendar does not know this property's type).
    cal.add("x-wr-calname", icalendar.vText(" ".join(_text(name).split())))
    cal.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        location = ", ".join(
            part
            for part in (event.place, event.address, event.commune.name if event.commune_id else "")
            if part
        )
        entry = icalendar.Event()
        entry.add("uid", f"evenement-{event.pk}@pacte.metropole-rouen-normandie.fr")
        entry.add("dtstamp", now)
        entry.add("dtstart", event.starts_at.astimezone(UTC))
        entry.add("dtend", event.ends_at.astimezone(UTC))
        entry.add("summary", _text(event.title))
        entry.add("description", _text(event.summary or event.description[:500]))
        entry.add("location", _text(location))
        entry.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
        entry.add("last-modified", event.updated_at.astimezone(UTC))
        cal.add_component(entry)
    return cal.to_ical().decode()
