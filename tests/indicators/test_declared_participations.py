"""The relais network (showcase, loans) and the questionnaires declare where they reach people, and
the people-mobilised count takes them with the others, a person still counted once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from associations.reseau.tools.enums import LoanStatus
from indicators.people import people_mobilised, people_total
from indicators.surveys.services import response_submit
from pacte.enums import Action
from pacte.metrics import Period
from tests.associations.factories import labelled_association, referent
from tests.associations.reseau.conftest import post
from tests.associations.reseau.tools.factories import LoanFactory, ToolCopyFactory
from tests.factories import EventFactory, UserFactory
from tests.indicators.surveys.conftest import data_for, invite, make_survey

pytestmark = pytest.mark.django_db


def this_month() -> Period:
    today = timezone.localdate()
    return Period(today.replace(day=1), today)


@pytest.fixture
def network():
    """Léa, referent of a labelled association, publishes an action with its public (40 people, no
    event), borrows a tool for this week, and answers a questionnaire under her name; someone else
    answers an anonymous one."""
    association = labelled_association(name="Les Jardins du Mont", slug="jardins-du-mont")
    lea = referent(association)
    staff = UserFactory(staff=True)
    # Whoever asked for the label already counts for action 3.
    before = people_total(this_month())
    post(association, lea, publish_by=staff, headcount=40)
    today = timezone.localdate()
    LoanFactory(
        copy=ToolCopyFactory(),
        borrower=association,
        requested_by=lea,
        start_on=today,
        end_on=today + timedelta(days=3),
        status=LoanStatus.ACCEPTED,
    )
    named = make_survey(event=EventFactory(past=True), by=staff)
    response_submit(invitation=invite(named, user=lea), data=data_for(named))
    anonymous = make_survey(event=EventFactory(past=True), anonymous=True, by=staff)
    response_submit(invitation=invite(anonymous), data=data_for(anonymous))
    return before


def test_network_and_survey_people_count_once_and_anonymous_answers_are_left_out(network):
    # Léa once (showcase, loan, named answer), the 40 people her action reached; the anonymous
    # answer adds nobody (its author's attendance is the agenda's to count).
    assert people_total(this_month()) == network + 41
    rows = {row.action: (row.people, row.anonymous) for row in people_mobilised(this_month(), by=("action",))}
    assert rows[Action.RELAIS_NETWORK] == (1, 40)
    assert rows[Action.CLUBS] == (1, 0)


def test_an_action_tied_to_an_event_adds_no_headcount_of_its_own():
    association = labelled_association(name="Vélo Partage", slug="velo-partage")
    author = referent(association)
    event = EventFactory(organiser=association, past=True)
    before = people_total(this_month())
    post(association, author, publish_by=UserFactory(staff=True), headcount=25, event=event)

    assert people_total(this_month()) == before + 1
