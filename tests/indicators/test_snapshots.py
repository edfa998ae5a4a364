"""Monthly snapshots: the beat task, the backfill command, idempotence, history kept as computed."""

import io

import pytest
from django.core.management import CommandError, call_command

from indicators.models import MonthlySnapshot
from indicators.registry import PEOPLE_TOTAL, people_key, people_year_key
from indicators.services import previous_month, snapshots_compute_month
from indicators.tasks import snapshot_last_month
from pacte.celery import app as celery_app
from pacte.enums import Action, PublicCategory
from pacte.models import AuditEntry
from pacte.services.errors import RefusedError
from tests.factories import UserFactory, commune

from .factories import months_ago, past_event

pytestmark = pytest.mark.django_db


def value(metric, month, commune=None, category=""):
    row = MonthlySnapshot.objects.filter(
        metric=metric, month=month, commune=commune, category=category
    ).first()
    return row and row.value


@pytest.fixture
def history():
    rouen = commune("rouen")
    lea = UserFactory(home_commune=rouen)
    karim = UserFactory(home_commune=commune("darnetal"), category=PublicCategory.COMMUNE)
    past_event(months_ago(1), [lea, karim], walk_ins=3, action=Action.CLUBS)
    past_event(months_ago(0), [lea], action=Action.ATELIER)
    return lea, karim


def test_the_task_computes_last_month_and_is_idempotent(history):
    written = snapshot_last_month()
    assert written > 0
    month = previous_month()
    assert value(PEOPLE_TOTAL, month) == 1
    assert value(people_key(Action.ATELIER), month) == 1
    assert value(people_key(Action.CLUBS), month) == 0
    assert value(people_year_key(None), month) == (5 if months_ago(1).year == month.year else 1)
    assert snapshot_last_month() == 0
    assert MonthlySnapshot.objects.count() == written
    assert AuditEntry.objects.filter(verb="snapshot.compute").count() == 1


def test_breakdowns_by_commune_and_public_are_stored(history):
    month = months_ago(1)
    snapshots_compute_month(month=month)
    assert value(PEOPLE_TOTAL, month) == 5  # two people and three walk-ins
    assert value(PEOPLE_TOTAL, month, commune=commune("darnetal")) == 1
    assert value(PEOPLE_TOTAL, month, commune=commune("rouen")) == 4  # Léa and the walk-ins of Rouen
    assert value(PEOPLE_TOTAL, month, category=PublicCategory.COMMUNE) == 1
    assert value(PEOPLE_TOTAL, month, commune=commune("darnetal"), category=PublicCategory.COMMUNE) == 1
    assert value("clubs.attendance_registered", month) == 2
    assert value("clubs.attendance_registered", month, category=PublicCategory.HABITANT) == 1
    # Zeros are not stored for a commune: absent means 0.
    assert not MonthlySnapshot.objects.filter(month=month, commune=commune("oissel-sur-seine")).exists()


def test_backfill_fills_the_past_without_rewriting_it_unless_forced(history):
    since = months_ago(1)
    call_command("backfill_indicators", "--since", f"{since:%Y-%m}", stdout=io.StringIO())
    assert value(PEOPLE_TOTAL, since) == 5
    # The data changes afterwards (a late attendance): history stays as it was computed.
    past_event(since, [UserFactory()])
    out = io.StringIO()
    call_command("backfill_indicators", "--since", f"{since:%Y-%m}", stdout=out)
    assert "déjà calculé" in out.getvalue()
    assert value(PEOPLE_TOTAL, since) == 5
    call_command("backfill_indicators", "--since", f"{since:%Y-%m}", "--force", stdout=io.StringIO())
    assert value(PEOPLE_TOTAL, since) == 6
    assert AuditEntry.objects.filter(verb="snapshot.recompute").count() == 2


def test_backfill_refuses_a_bad_month():
    with pytest.raises(CommandError, match="AAAA-MM"):
        call_command("backfill_indicators", "--since", "2026-13", stdout=io.StringIO())


def test_the_current_month_is_refused():
    from django.utils import timezone

    with pytest.raises(RefusedError):
        snapshots_compute_month(month=timezone.localdate())


def test_the_beat_schedule_runs_on_the_first():
    celery_app.finalize()
    entry = celery_app.conf.beat_schedule["indicators-monthly-snapshot"]
    assert entry["task"] == "indicators.tasks.snapshot_last_month"
    assert entry["schedule"].day_of_month == {1}


def test_the_admin_home_says_when_a_closed_month_was_not_computed():
    from django.apps import apps
    from django.test import RequestFactory

    from .factories import staff_in

    request = RequestFactory().get("/admin/")
    request.user = staff_in("DACTE administration")
    config = apps.get_app_config("indicators")
    assert config._snapshot_todo(request) == []  # no history yet: nothing waits
    snapshots_compute_month(month=months_ago(2))
    [item] = config._snapshot_todo(request)
    assert "mois clos dont les indicateurs ne sont pas calculés" in item.label
    snapshots_compute_month(month=months_ago(0))
    assert config._snapshot_todo(request) == []
