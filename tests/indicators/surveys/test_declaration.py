"""What the questionnaires declare to the kernel: journal verbs in French, the beat task, metrics,
the people who answered, the admin's to-do and the demo."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from indicators.surveys.indicators import respondents
from indicators.surveys.services import response_submit, response_submit_open
from pacte import portal
from pacte.metrics import Period, get_metric
from pacte.services.audit import verb_label
from tests.factories import EventFactory, commune

from .conftest import data_for, invite, make_survey

pytestmark = pytest.mark.django_db

SOURCES = Path(settings.BASE_DIR) / "indicators" / "surveys"


def test_every_verb_written_has_a_french_label():
    written = set()
    for source in SOURCES.glob("*.py"):
        written |= set(re.findall(r'"(survey\.[a-z_]+)"', source.read_text()))
    assert written
    for verb in written:
        assert verb_label(verb) != verb, verb
    declared = apps.get_app_config("indicators").audit_verbs
    assert written <= set(declared)


def test_beat_task_is_declared_and_runs():
    from indicators.surveys.tasks import send_survey_invitations

    assert portal.beat_schedule()["indicators-survey-invitations"]["task"] == (
        "indicators.surveys.tasks.send_survey_invitations"
    )
    assert send_survey_invitations() == {"invitations": 0, "reminders": 0}


def test_metrics_and_respondents():
    today = timezone.localdate()
    event = EventFactory(past=True)
    named = make_survey(event=event, anonymous=False)
    anonymous = make_survey(event=event, anonymous=True, title="Anonyme")
    person = invite(named).user
    response_submit(invitation=named.invitations.get(), data=data_for(named))
    response_submit(invitation=invite(anonymous), data=data_for(anonymous))
    invite(named)  # not answered
    response_submit_open(survey=named, data=data_for(named), ip="192.0.2.9")
    period = Period(today - timedelta(days=1), today)
    assert list(respondents(period)) == [person.pk]
    assert list(respondents(Period(today - timedelta(days=30), today - timedelta(days=2)))) == []
    assert list(respondents(Period(today, today, commune("oissel-sur-seine")))) == []
    assert get_metric("surveys.answers.clubs").compute(period) == 3
    assert get_metric("surveys.response_rate.clubs").compute(period) == 67  # 2 of 3 invitations answered
    assert get_metric("surveys.answers.atelier").compute(period) == 0


def test_personal_data_through_the_declaration():
    survey = make_survey(event=EventFactory(past=True))
    invitation = invite(survey)
    response_submit(invitation=invitation, data=data_for(survey))
    data = portal.export_personal_data(invitation.user)
    assert data["questionnaires"]["réponses"][0]["questionnaire"] == survey.title
    portal.erase_personal_data(invitation.user)
    assert not invitation.user.survey_responses.exists()


def test_demo_has_surveys_above_and_below_the_threshold_and_a_matched_follow_up():
    from django.core.management import call_command

    from indicators.surveys.models import Response, Survey

    call_command("seed_demo", stdout=None)
    call_command("seed_demo", stdout=None)  # idempotent
    surveys = list(Survey.objects.for_listing().order_by("pk"))
    assert len(surveys) == 3
    first, small, follow_up = surveys
    assert first.response_count >= first.min_answers > small.response_count
    assert follow_up.follow_up_of == first
    matched = Response.objects.filter(
        survey=follow_up, user__in=Response.objects.filter(survey=first).values("user")
    )
    assert matched.count() >= follow_up.min_answers
