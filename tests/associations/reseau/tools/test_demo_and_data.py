"""The demo of the tool library, the calendar and the iCal feed, and the person's data."""

import io

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse

from associations.reseau.tools import ical
from associations.reseau.tools.enums import LoanStatus
from associations.reseau.tools.models import Loan, LoanHandoff, Tool
from associations.reseau.tools.services import handoff_confirm, loan_accept
from pacte.models import User
from pacte.services.accounts import user_delete_account, user_export_data
from tests.associations.factories import referent

from .factories import LoanFactory, days

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_accounts_their_roles_and_is_idempotent(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Tool.objects.count(), Loan.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Tool.objects.count(), Loan.objects.count()) == counts == (6, 6)
    asso = User.objects.get(email="asso@demo.pacte.fr")
    jardins = "les-jardins-partages-du-petit-quevilly"
    assert Tool.objects.filter(owner__slug=jardins).count() == 3
    assert Tool.objects.filter(owner=None).count() == 3
    handoff = LoanHandoff.objects.get()
    assert handoff.giver_at and not handoff.receiver_at
    assert handoff.from_loan.borrower.slug == "atelier-velo-solidaire-rouennais"
    assert handoff.to_loan.borrower.slug == "seine-zero-dechet"
    assert Loan.objects.overdue().count() == 1
    # The hand-off completes when Seine Zéro Déchet confirms the receiving.
    elodie = User.objects.get(email="elodie.renaud@demo.pacte.fr")
    handoff_confirm(
        from_loan=handoff.from_loan, to_loan=handoff.to_loan, side="receiver", note="Reçu", by=elodie
    )
    assert Loan.objects.get(pk=handoff.to_loan_id).status == LoanStatus.OUT
    # asso has a request to decide, in Mon espace.
    client.force_login(asso)
    page = client.get(reverse("my_space")).content.decode()
    assert "Demandes de prêt qui attendent votre décision" in page
    waiting = Loan.objects.decidable_by(asso).get(status=LoanStatus.REQUESTED)
    loan_accept(loan=waiting, by=asso)


def test_calendar_marks_days_with_text(client, world):
    LoanFactory(
        copy=world.copy, borrower=world.other, status=LoanStatus.ACCEPTED, start_on=days(1), end_on=days(2)
    )
    world.login(client, "member")
    month = days(1).strftime("%Y-%m")
    page = client.get(
        reverse("associations:reseau_tools:calendar", args=[world.tool.pk]) + f"?mois={month}"
    ).content.decode()
    assert "<caption>" in page and "Mois suivant" in page and "Mois précédent" in page
    # world.loan holds days 5 to 8 of the one copy; the new loan days 1 and 2.
    booked = page.count('<span class="day-state">réservé</span>')
    in_month = [days(n) for n in (1, 2, 5, 6, 7, 8) if days(n).strftime("%Y-%m") == month]
    assert booked == len(in_month)
    assert 'class="day-booked"' in page and "disponible" in page


def test_calendar_ignores_a_month_out_of_range(client, world):
    world.login(client, "member")
    response = client.get(
        reverse("associations:reseau_tools:calendar", args=[world.tool.pk]) + "?mois=9999-99"
    )
    assert response.status_code == 200


def test_ical_feed_lists_borrowed_and_lent_loans(client, world):
    body = client.get(ical.feed_url(world.owner)).content
    calendar = icalendar.Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert "Prêté à Vélo Partage" in str(events[0]["summary"])
    assert events[0]["dtstart"].dt == world.loan.start_on
    assert events[0]["dtend"].dt == world.loan.end_on.fromordinal(world.loan.end_on.toordinal() + 1)


def test_export_and_erasure(world):
    lead = world.people["referent"]
    other = referent(world.other)
    current = LoanFactory(
        copy=world.copy, borrower=world.other, status=LoanStatus.OUT, start_on=days(-3), end_on=days(1)
    )
    Loan.objects.filter(pk=world.loan.pk).update(status=LoanStatus.ACCEPTED, start_on=days(2))
    handoff_confirm(from_loan=current, to_loan=world.loan, side="receiver", note="Reçu", by=lead)
    data = user_export_data(user=lead)["reseau_outils"]
    assert data["prets_demandes"][0]["outil"] == "Le grand jeu de l'oie du climat"
    assert data["passages_de_relais"][0]["reception"] == "Reçu"
    user_delete_account(user=lead, by=lead)
    world.loan.refresh_from_db()
    assert world.loan.requested_by is None
    assert LoanHandoff.objects.get().receiver_by is None
    # The loan goes on without the person.
    handoff_confirm(from_loan=current, to_loan=world.loan, side="giver", by=other)
    world.loan.refresh_from_db()
    assert world.loan.status == LoanStatus.OUT
