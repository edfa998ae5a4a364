"""A small iCalendar (RFC 5545) writer: events only, UTC times, escaped and folded lines."""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold at 75 octets as the RFC asks, without cutting a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable, *, name: str) -> str:
    now = datetime.now(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Métropole Rouen Normandie//Portail PACTE//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    for event in events:
        location = ", ".join(
            part
            for part in (event.place, event.address, event.commune.name if event.commune_id else "")
            if part
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:evenement-{event.pk}@pacte.metropole-rouen-normandie.fr",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(event.starts_at)}",
            f"DTEND:{_stamp(event.ends_at)}",
            f"SUMMARY:{_escape(event.title)}",
            f"DESCRIPTION:{_escape(event.summary or event.description[:500])}",
            f"LOCATION:{_escape(location)}",
            f"URL:{settings.SITE_URL}{event.get_absolute_url()}",
            f"LAST-MODIFIED:{_stamp(event.updated_at)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
