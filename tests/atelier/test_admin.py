"""The Atelier's admin (group "Gestion de l'Atelier"): ranking, reviews, decisions, bookings and
the occupancy report with its CSV and XLSX exports — every change through the services."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from atelier.enums import ApplicationStatus, BookingStatus
from atelier.models import Booking, Closure, Residency, Review
from atelier.occupancy import occupancy_report
from pacte.models import AuditEntry
from tests.atelier.factories import (
    ApplicationFactory,
    BookingFactory,
    CallFactory,
    SpaceFactory,
    at,
    referent,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name="Gestion de l'Atelier"))
    client.force_login(user)
    return user


def submitted(call, name):
    application = ApplicationFactory(
        call=call,
        organisation=OrganisationFactory(name=name),
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    application.needed_spaces.set([SpaceFactory()])
    referent(application.organisation)
    return application


def test_staff_without_the_group_cannot_manage(client):
    client.force_login(UserFactory(staff=True))
    assert client.get(reverse("admin:atelier_application_changelist")).status_code == 403
    assert client.get(reverse("admin:atelier_occupancy")).status_code == 403


@pytest.mark.parametrize("name", ["venue", "space", "call", "application", "residency", "booking"])
def test_changelists_open_for_the_group(client, manager, name):
    BookingFactory()
    assert client.get(reverse(f"admin:atelier_{name}_changelist")).status_code == 200


def test_review_then_ranking_then_decision(client, manager, django_capture_on_commit_callbacks, mailoutbox):
    call = CallFactory()
    first, second = submitted(call, "Alpha"), submitted(call, "Bêta")
    pacte, partners = call.criteria.all()
    url = reverse("admin:atelier_application_review", args=[first.pk])
    # Out of range: French message next to the field, nothing saved.
    response = client.post(url, {f"criterion-{pacte.pk}": "7", f"criterion-{partners.pk}": "2"})
    assert response.status_code == 200 and "inférieure ou égale à 5" in response.content.decode()
    assert not Review.objects.exists()
    client.post(url, {f"criterion-{pacte.pk}": "2", f"criterion-{partners.pk}": "2", "note": "À revoir"})
    client.post(
        reverse("admin:atelier_application_review", args=[second.pk]),
        {f"criterion-{pacte.pk}": "5", f"criterion-{partners.pk}": "4"},
    )
    review = Review.objects.get(application=first)
    assert review.reviewer == manager and review.private_note == "À revoir"
    ranking = client.get(
        reverse("admin:atelier_application_changelist"), {"call__id__exact": call.pk, "o": "-4"}
    )
    body = ranking.content.decode()
    assert body.index("Bêta") < body.index("Alpha") and "19.0" in body and "8.0" in body
    change = client.get(reverse("admin:atelier_application_change", args=[first.pk])).content.decode()
    assert "À revoir" in change  # private notes are shown to staff

    changelist = reverse("admin:atelier_application_changelist")
    confirm = client.post(changelist, {"action": "retain", "_selected_action": [second.pk]})
    assert "Confirmer la décision" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist,
            {
                "action": "retain",
                "_selected_action": [second.pk],
                "apply": "1",
                "message": "Bienvenue à l'Atelier",
            },
        )
        client.post(
            changelist, {"action": "reject", "_selected_action": [first.pk], "apply": "1", "message": ""}
        )
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.status, first.status) == (ApplicationStatus.RETAINED, ApplicationStatus.REJECTED)
    assert Residency.objects.get().organisation == second.organisation
    assert sorted(m.subject.split(" : ")[-1] for m in mailoutbox) == [
        "candidature non retenue",
        "candidature retenue",
    ]
    assert AuditEntry.objects.filter(verb="atelier.application.decide", actor=manager).count() == 2


def test_booking_actions_go_through_services(client, manager):
    space = SpaceFactory(requires_approval=True)
    pending = BookingFactory(space=space, status=BookingStatus.PENDING)
    other = BookingFactory(
        space=space,
        status=BookingStatus.PENDING,
        starts_at=pending.starts_at + timedelta(hours=3),
        ends_at=pending.starts_at + timedelta(hours=4),
    )
    changelist = reverse("admin:atelier_booking_changelist")
    client.post(changelist, {"action": "approve", "_selected_action": [pending.pk]})
    response = client.post(
        changelist, {"action": "refuse", "_selected_action": [other.pk], "apply": "1", "reason": ""}
    )
    assert response.status_code == 200  # the reason is required
    client.post(
        changelist, {"action": "refuse", "_selected_action": [other.pk], "apply": "1", "reason": "Travaux"}
    )
    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.status == BookingStatus.CONFIRMED
    assert other.status == BookingStatus.REFUSED and other.refusal_reason == "Travaux"
    assert AuditEntry.objects.filter(verb="atelier.booking.refuse", reason="Travaux").exists()
    # Approving again is refused with its reason, per booking.
    response = client.post(changelist, {"action": "approve", "_selected_action": [pending.pk]}, follow=True)
    assert "Seule une réservation en attente se valide." in response.content.decode()


def _month_data():
    """A space open Mon–Fri 9–19 and Sat 10–17 in March 2026, closed on 2–3 March."""
    space = SpaceFactory(name="Salle Seine")
    Closure.objects.create(
        venue=space.venue, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 3), reason="Travaux"
    )
    used = Booking.objects.create(
        space=space,
        title="A",
        starts_at=at(date(2026, 3, 10), 10),
        ends_at=at(date(2026, 3, 10), 12),
        status=BookingStatus.CONFIRMED,
        checked_in_at=at(date(2026, 3, 10), 10),
    )
    Booking.objects.create(
        space=space,
        title="B",
        starts_at=at(date(2026, 3, 11), 14),
        ends_at=at(date(2026, 3, 11), 15),
        status=BookingStatus.RELEASED,
    )
    Booking.objects.create(
        space=space,
        title="C",
        starts_at=at(date(2026, 3, 12), 14),
        ends_at=at(date(2026, 3, 12), 16),
        status=BookingStatus.CANCELLED,
    )
    Booking.objects.create(
        space=space,
        title="D",
        starts_at=at(date(2026, 4, 1), 14),
        ends_at=at(date(2026, 4, 1), 16),
        status=BookingStatus.CONFIRMED,
    )
    return space, used


def test_occupancy_figures():
    _month_data()
    [row] = occupancy_report(date(2026, 3, 1))
    # March 2026: 22 weekdays and 4 Saturdays; minus Monday 2 and Tuesday 3 → 20 × 10 h + 4 × 7 h.
    assert row.hours_open == 228
    assert (row.hours_booked, row.hours_used, row.no_shows) == (3, 2, 1)
    assert row.rate_percent == "1 %"


def test_occupancy_page_and_exports(client, manager):
    _month_data()
    url = reverse("admin:atelier_occupancy")
    page = client.get(url, {"mois": "2026-03"}).content.decode()
    assert "Occupation des espaces — mars 2026" in page and "<td>228</td>" in page
    response = client.get(url, {"mois": "2026-03", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Espace" and rows[1][:7] == [
        "Salle Seine",
        "2026-03",
        "228.0",
        "3.0",
        "2.0",
        "0.0132",
        "1",
    ]
    response = client.get(url, {"mois": "2026-03", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]] == ["Salle Seine", "2026-03", 228, 3, 2, 0.0132, 1]
    assert client.get(url, {"mois": "n'importe quoi"}).status_code == 200  # falls back to this month


@pytest.mark.parametrize("view", ["changelist", "occupancy"])
def test_admin_queries_do_not_grow(client, manager, view):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = (
        reverse("admin:atelier_application_changelist")
        if view == "changelist"
        else reverse("admin:atelier_occupancy")
    )
    call = CallFactory()
    submitted(call, "A")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        submitted(call, f"N{n}")
        BookingFactory(starts_at=timezone.now() + timedelta(days=n + 1))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
