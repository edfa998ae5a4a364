"""The iCalendar feed of an association's loans (borrowed and lent), at a private token URL: a
calendar application fetches it without a session, so the URL itself is the key. The token is an
HMAC of the association (Django's signing with its own salt); it cannot be guessed, and changing
SECRET_KEY renews every token."""

from datetime import UTC, datetime, timedelta

import icalendar
from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse

from pacte.ical import _text

from .enums import LoanStatus
from .models import Loan

SALT = "associations.reseau.tools.ical"


def token_for(organisation) -> str:
    return signing.Signer(salt=SALT).sign(str(organisation.pk)).rsplit(":", 1)[1]


def token_matches(organisation, token: str) -> bool:
    return signing.constant_time_compare(token_for(organisation), token)


def feed_url(organisation) -> str:
    return reverse("associations:reseau_tools:ical", args=[organisation.slug, token_for(organisation)])


def loans_calendar(organisation) -> str:
    loans = (
        Loan.objects.filter(Q(borrower=organisation) | Q(copy__tool__owner=organisation))
        .filter(
            status__in=[
                LoanStatus.REQUESTED,
                LoanStatus.ACCEPTED,
                LoanStatus.OUT,
                LoanStatus.HANDED_OFF,
                LoanStatus.RETURNED,
            ]
        )
        .select_related("copy", "copy__tool", "borrower")
        .order_by("start_on")
    )
    now = datetime.now(UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Métropole Rouen Normandie//Portail PACTE//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", icalendar.vText(" ".join(_text(f"Prêts d'outils · {organisation.name}").split())))
    for loan in loans:
        lent = loan.borrower_id != organisation.pk
        what = f"Prêté à {loan.borrower.name}" if lent else "Emprunté"
        entry = icalendar.Event()
        entry.add("uid", f"pret-outil-{loan.pk}@pacte.metropole-rouen-normandie.fr")
        entry.add("dtstamp", now)
        entry.add("dtstart", loan.start_on)
        # All-day events end the day after the last one (RFC 5545).
        entry.add("dtend", loan.end_on + timedelta(days=1))
        entry.add("summary", _text(f"{loan.copy.tool.title} ({what}, {loan.get_status_display().lower()})"))
        entry.add("description", _text(f"{loan.copy.label} · retrait : {loan.copy.location}"))
        entry.add("url", f"{settings.SITE_URL}{loan.get_absolute_url()}")
        entry.add("last-modified", loan.updated_at.astimezone(UTC))
        cal.add_component(entry)
    return cal.to_ical().decode()
