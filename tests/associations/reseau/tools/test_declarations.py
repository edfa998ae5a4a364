"""The tool library's declarations on AssociationsConfig: audit verbs, beat, watched models,
admin to-do, Mon espace, indicators."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from associations.reseau.tools import indicators
from associations.reseau.tools.enums import LoanStatus
from pacte import portal
from pacte.enums import RegistrationStatus
from pacte.metrics import Period, get_metric
from pacte.models import Registration
from tests.factories import EventFactory, UserFactory

from .factories import LoanFactory, days

pytestmark = pytest.mark.django_db

SOURCES = Path(__file__).resolve().parents[4] / "associations" / "reseau" / "tools"


def test_every_verb_written_has_a_french_label():
    config = apps.get_app_config("associations")
    text = "\n".join(path.read_text() for path in SOURCES.glob("*.py"))
    written = set(re.findall(r'verb="([a-z_.]+)"', text))
    written |= {f"loan.handoff.{side}" for side in ("giver", "receiver")}
    written |= {f"loan.remind.{kind}" for kind in ("start", "end")}
    assert written, "the services write audit verbs"
    missing = {verb for verb in written if not config.audit_verbs.get(verb)}
    assert missing == set()


def test_beat_schedule_and_watched_models():
    config = apps.get_app_config("associations")
    tasks = {entry["task"] for entry in config.beat_schedule.values()}
    assert "associations.reseau.tools.tasks.send_loan_reminders" in tasks
    assert {"associations.Tool", "associations.Loan", "associations.ToolCopy"} <= set(config.watched_models)


def test_admin_todo_counts_waiting_metropole_requests_and_overdue(world, rf):
    LoanFactory(copy=world.metropole_tool.copies.get(), borrower=world.borrower)
    LoanFactory(
        copy=world.other_tool.copies.get(),
        borrower=world.borrower,
        status=LoanStatus.OUT,
        start_on=days(-5),
        end_on=days(-1),
    )
    request = rf.get("/admin/")
    request.user = world.people["staff"]
    config = apps.get_app_config("associations")
    items = {item.label: item.count for item in config.admin_todo(request)}
    assert items["demande de prêt d'un outil de la Métropole"] == 1
    assert items["outil prêté en retard"] == 1
    request.user = world.people["holder"]
    assert [item for item in config.admin_todo(request) if "outil" in item.label] == []


def test_my_space_shows_the_lenders_decisions_and_the_borrowers_copies(client, world):
    client.force_login(world.people["holder"])
    page = client.get(reverse("my_space")).content.decode()
    assert "Demandes de prêt qui attendent votre décision" in page
    assert "Le grand jeu de l&#x27;oie du climat · Exemplaire 1" in page
    LoanFactory(
        copy=world.other_tool.copies.get(),
        borrower=world.borrower,
        status=LoanStatus.OUT,
        start_on=days(-1),
        end_on=days(3),
    )
    client.force_login(world.people["referent"])
    page = client.get(reverse("my_space")).content.decode()
    assert "Les outils que vos associations empruntent" in page and "Malle compost" in page


def test_indicators_one_query_each(world, django_assert_num_queries):
    event = EventFactory(organiser=world.borrower, past=True, walk_in_count=7)
    for attended in (True, True, False):
        Registration.objects.create(
            event=event, user=UserFactory(), status=RegistrationStatus.CONFIRMED, attended=attended
        )
    LoanFactory(
        copy=world.other_tool.copies.get(),
        borrower=world.borrower,
        event=event,
        status=LoanStatus.RETURNED,
        start_on=days(-10),
        end_on=days(-8),
    )
    LoanFactory(
        copy=world.metropole_tool.copies.get(),
        borrower=world.owner,
        status=LoanStatus.ACCEPTED,
        start_on=days(-2),
        end_on=days(3),
    )
    period = Period(start=days(-30), end=days(0))
    expected = {
        "tools_offered": 3,
        "loans": 2,
        "borrowing_associations": 2,
        "events_served": 1,
        "people_reached": 9,
    }
    for name, value in expected.items():
        with django_assert_num_queries(1):
            assert getattr(indicators, name)(period) == value
    assert get_metric("reseau.people_reached").compute(period) == 9
    assert {m.key for m in portal.metrics()} >= {f"reseau.{name}" for name in expected}
