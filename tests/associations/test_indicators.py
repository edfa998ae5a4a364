"""Indicators of action 3, by period and commune."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from associations.services import bilans
from pacte.enums import Action
from pacte.metrics import Period, compute_all, get_metric
from tests.associations.factories import instructor, labelled_association, paid, submitted
from tests.factories import commune

pytestmark = pytest.mark.django_db


def test_indicators_by_period_and_commune():
    staff = instructor()
    done = paid(staff, organisation=labelled_association(commune=commune("elbeuf")))
    submitted()
    lead = done.organisation.memberships.get().user
    bilans.bilan_save(
        application=done,
        actions_held=3,
        account="Trois ateliers.",
        participations=[
            {"public": "familles", "commune": commune("elbeuf"), "participants": 30},
            {"public": "jeunes", "commune": commune("rouen"), "participants": 12},
        ],
        actuals={line.pk: (line.amount, "") for line in done.budget_lines.all()},
        by=lead,
    )
    bilans.bilan_submit(application=done, by=lead)
    bilans.bilan_accept(application=done, by=staff)
    today = timezone.localdate()
    year = Period(today - timedelta(days=1), today + timedelta(days=1))
    figures = compute_all(year, Action.ASSOCIATIONS)
    assert figures["associations.labelled"] == 2
    assert figures["associations.applications_by_status"]["Clôturée"] == 1
    assert figures["associations.applications_by_status"]["Déposée"] == 1
    assert figures["associations.amount_requested"] == 5000
    assert figures["associations.amount_granted"] == 2000
    assert figures["associations.amount_paid"] == 2000
    assert figures["associations.people_reached"] == 42
    elbeuf = Period(year.start, year.end, commune=commune("elbeuf"))
    assert get_metric("associations.labelled").compute(elbeuf) == 1
    assert get_metric("associations.people_reached").compute(elbeuf) == 30
    assert get_metric("associations.amount_paid").compute(elbeuf) == 2000
    long_ago = Period(date(2000, 1, 1), date(2000, 12, 31))
    assert get_metric("associations.amount_granted").compute(long_ago) == 0
