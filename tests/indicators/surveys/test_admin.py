"""The questionnaire builder in the admin: saves, questions inline and actions go through the
services (journal), and a refusal is shown, not a server error."""

import pytest
from django.urls import reverse

from indicators.surveys.models import Question, Survey, SurveyStatus
from pacte.enums import StaffGroup
from pacte.models import AuditEntry
from tests.admin_forms import form_data
from tests.factories import EventFactory

from .conftest import answer_n, make_survey, staff_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client):
    client.force_login(staff_in(StaffGroup.DACTE_ADMIN))
    return client


def add_question(data, n, **fields):
    prefix = "questions"
    data[f"{prefix}-TOTAL_FORMS"] = n + 1
    for name, value in fields.items():
        data[f"{prefix}-{n}-{name}"] = value


def test_build_a_survey_with_its_questions(agent):
    event = EventFactory(past=True)
    url = reverse("admin:indicators_survey_add")
    data = form_data(agent.get(url))
    data.update(
        title="Votre avis sur l'atelier compost",
        action="clubs",
        event=event.pk,
        delay_days=2,
        min_answers=5,
        is_anonymous="on",
    )
    add_question(data, 0, position=1, kind="scale", label="Utile ?", required="on")
    add_question(
        data, 1, position=2, kind="multiple", label="Vos gestes", choices="Compost\nVélo", required="on"
    )
    response = agent.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.DRAFT and survey.event == event
    assert [(q.kind, q.choice_list) for q in survey.questions.all()] == [
        ("scale", []),
        ("multiple", ["Compost", "Vélo"]),
    ]
    verbs = list(AuditEntry.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["survey.create", "survey.question_create", "survey.question_create"]
    # Open it through the admin action.
    changelist = reverse("admin:indicators_survey_changelist")
    agent.post(changelist, {"action": "open_surveys", "_selected_action": [survey.pk]})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN


def test_bounds_shown_in_the_form(agent):
    url = reverse("admin:indicators_survey_add")
    data = form_data(agent.get(url))
    data.update(title="T", action="clubs", delay_days=400, min_answers=1)
    response = agent.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "min_answers" in errors and "delay_days" in errors


def test_changing_answered_questions_is_refused_with_its_reason(agent):
    survey = make_survey(event=EventFactory(past=True))
    answer_n(survey, 1)
    url = reverse("admin:indicators_survey_change", args=[survey.pk])
    data = form_data(agent.get(url), **{"questions-0-label": "Autre question"})
    response = agent.post(url, data, follow=True)
    assert "déjà reçu des réponses" in response.content.decode()
    assert Question.objects.filter(label="Autre question").count() == 0


def test_follow_up_action_copies_questions(agent):
    survey = make_survey(event=EventFactory(past=True))
    agent.post(
        reverse("admin:indicators_survey_changelist"),
        {"action": "create_follow_ups", "_selected_action": [survey.pk]},
    )
    follow_up = Survey.objects.get(follow_up_of=survey)
    assert follow_up.questions.count() == survey.questions.count()
    assert follow_up.follow_up_months == 6


def test_readers_see_but_do_not_build(client):
    client.force_login(staff_in(StaffGroup.INDICATORS))
    assert client.get(reverse("admin:indicators_survey_changelist")).status_code == 200
    assert client.get(reverse("admin:indicators_survey_add")).status_code == 403
    client.force_login(staff_in(StaffGroup.ATELIER))
    assert client.get(reverse("admin:indicators_survey_changelist")).status_code == 403
