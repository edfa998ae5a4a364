"""Building, opening, invitations and reminders, answering, anonymity, personal data."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators.surveys.models import (
    Answer,
    Invitation,
    Question,
    Response,
    Survey,
    SurveyOptOut,
    SurveyStatus,
)
from indicators.surveys.services import invitations_send as _invitations_send
from indicators.surveys.services import (
    personal_data_erase,
    personal_data_export,
    question_create,
    question_update,
    reminders_send,
    response_submit,
    response_submit_open,
    survey_close,
    survey_create_follow_up,
    survey_open,
    survey_opt_out,
    survey_save,
)
from pacte.enums import Action, StaffGroup
from pacte.models import AuditEntry
from pacte.services.errors import RefusedError
from tests.factories import EventFactory, UserFactory

from .conftest import answer_n, attend, data_for, invite, make_survey, staff_in

pytestmark = pytest.mark.django_db


def invitations_send(days=1, **kwargs):
    return _invitations_send(now=timezone.now() + timedelta(days=days), **kwargs)


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """Run `call()` and send the e-mails it queued after commit; returns its result."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


# --- Building -------------------------------------------------------------------------------


def test_survey_is_built_opened_and_closed_with_journal():
    survey = make_survey(open_=False)
    assert survey.status == SurveyStatus.DRAFT
    survey = survey_open(survey=survey, by=staff_in(StaffGroup.DACTE_ADMIN))
    assert survey.status == SurveyStatus.OPEN and survey.opened_at
    with pytest.raises(RefusedError, match="brouillon"):
        survey_open(survey=survey, by=None)
    survey = survey_close(survey=survey, by=None)
    assert survey.status == SurveyStatus.CLOSED
    with pytest.raises(RefusedError, match="ouvert"):
        survey_close(survey=survey, by=None)
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"survey.create", "survey.question_create", "survey.open", "survey.close"} <= verbs


def test_a_survey_without_questions_cannot_open():
    survey = make_survey(open_=False, kinds=["scale"])
    survey.questions.all().delete()
    with pytest.raises(RefusedError, match="au moins une question"):
        survey_open(survey=survey, by=None)


def test_choices_one_per_line_or_separated_and_at_least_two():
    survey = make_survey(open_=False, kinds=["scale"])
    question = question_create(
        question=Question(survey=survey, kind="single", label="Votre geste", choices="Compost ; Vélo;Vrac"),
        by=None,
    )
    assert question.choice_list == ["Compost", "Vélo", "Vrac"]
    with pytest.raises(ValidationError):
        question_create(question=Question(survey=survey, kind="multiple", label="X", choices="Seul"), by=None)


def test_bounds_of_the_threshold_and_delay():
    for field, value in [("min_answers", 2), ("min_answers", 51), ("delay_days", 61)]:
        with pytest.raises(ValidationError):
            survey_save(survey=Survey(title="T", action=Action.CLUBS, **{field: value}), by=None)


def test_questions_are_frozen_once_answered(past_event):
    survey = make_survey(event=past_event)
    answer_n(survey, 1)
    question = survey.questions.first()
    question.label = "Autre chose"
    with pytest.raises(RefusedError, match="déjà reçu des réponses"):
        question_update(question=question, by=None)
    question.refresh_from_db()
    question.position = 9  # the order may still change
    question_update(question=question, by=None)


def test_follow_up_copies_the_questions(past_event):
    survey = make_survey(event=past_event)
    follow_up = survey_create_follow_up(survey=survey, months=6, by=None)
    assert follow_up.follow_up_of == survey and follow_up.event == past_event
    pairs = [(q.label, q.kind, q.source_id) for q in follow_up.questions.all()]
    assert pairs == [(q.label, q.kind, q.pk) for q in survey.questions.all()]


# --- Invitations ----------------------------------------------------------------------------


def test_only_present_attendees_are_invited_once(past_event, sending):
    present, absent, unknown = UserFactory(), UserFactory(), UserFactory()
    attend(past_event, present)
    attend(past_event, absent, attended=False)
    attend(past_event, unknown, attended=None)
    make_survey(event=past_event)
    mail.outbox.clear()
    assert sending(invitations_send) == 1
    assert [m.to for m in mail.outbox] == [[present.email]]
    token = Invitation.objects.get().token
    assert f"/indicateurs/q/{token}/" in mail.outbox[0].body
    assert sending(invitations_send) == 0  # a second run sends nothing twice
    assert len(mail.outbox) == 1


def test_invitations_wait_for_the_delay_and_an_open_survey(past_event):
    attend(past_event, UserFactory())
    survey = make_survey(event=past_event, open_=False)
    assert invitations_send() == 0  # draft
    survey_open(survey=survey, by=None)
    assert invitations_send(days=-1) == 0  # before the delay
    assert invitations_send() == 1


def test_all_events_of_the_action_invite_each_person_once():
    person = UserFactory()
    first, second = EventFactory(past=True), EventFactory(past=True)
    attend(first, person)
    attend(second, person)
    make_survey(event=None)
    assert invitations_send() == 1
    assert Invitation.objects.get().event in (first, second)


def test_opted_out_people_and_deleted_accounts_are_not_invited(past_event):
    opted, deleted = UserFactory(), UserFactory(anonymised_at=timezone.now())
    attend(past_event, opted, deleted)
    survey = make_survey(event=past_event)
    survey_opt_out(invitation=invite(make_survey(event=past_event, title="Autre"), user=opted))
    assert SurveyOptOut.objects.filter(user=opted).exists()
    assert invitations_send() == 0
    assert not survey.invitations.exists()


def test_one_reminder_only_to_people_who_did_not_answer(past_event, sending):
    survey = make_survey(event=past_event)
    waiting, answered = invite(survey, days_ago=8), invite(survey, days_ago=8)
    invite(survey, days_ago=2)  # too early for a reminder
    response_submit(invitation=answered, data=data_for(survey))
    mail.outbox.clear()
    assert sending(reminders_send) == 1
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]
    assert "Rappel" in mail.outbox[0].subject
    assert waiting.token in mail.outbox[0].body  # the same link as the invitation's
    assert sending(reminders_send) == 0


def test_follow_up_goes_to_the_same_people_months_later(past_event):
    person = UserFactory()
    attend(past_event, person)
    survey = make_survey(event=past_event)
    invitations_send()
    follow_up = survey_create_follow_up(survey=survey, months=6, by=None)
    survey_open(survey=follow_up, by=None)
    assert invitations_send(days=30) == 0
    assert invitations_send(days=200) == 1
    assert follow_up.invitations.get().user == person


# --- Tokens and answers ---------------------------------------------------------------------


def test_token_is_single_use_and_wrong_tokens_are_nobody(past_event):
    survey = make_survey(event=past_event)
    invitation = invite(survey)
    assert len(invitation.secret) == 32  # fits its column (PostgreSQL refuses longer)
    assert Invitation.from_token(invitation.token) == invitation
    assert Invitation.from_token(invitation.token[:-1] + "x") is None
    assert Invitation.from_token(f"{invitation.pk}.") is None
    assert Invitation.from_token("nimportequoi") is None
    response_submit(invitation=invitation, data=data_for(survey))
    with pytest.raises(RefusedError, match="déjà répondu"):
        response_submit(invitation=invitation, data=data_for(survey))
    assert Response.objects.count() == 1


def test_expired_and_closed_links_refuse(past_event):
    survey = make_survey(event=past_event)
    invitation = invite(survey, days_ago=31)
    with pytest.raises(RefusedError) as error:
        response_submit(invitation=invitation, data=data_for(survey))
    assert error.value.code == "expired"
    other = invite(survey)
    survey_close(survey=survey, by=None)
    with pytest.raises(RefusedError) as error:
        response_submit(invitation=other, data=data_for(survey))
    assert error.value.code == "closed"


def test_anonymous_answers_keep_no_person_and_no_invitation(past_event):
    survey = make_survey(event=past_event, anonymous=True)
    invitation = invite(survey)
    response = response_submit(invitation=invitation, data=data_for(survey, choices=("Compost", "Vélo")))
    invitation.refresh_from_db()
    # Used, on that day, with no time that could be lined up with the responses' order.
    local = timezone.localtime(invitation.used_at)
    assert local.date() == timezone.localdate() and local.time() == time.min
    assert response.user is None
    assert not hasattr(Response, "invitation")
    assert sorted(a.choice for a in response.answers.exclude(choice="")) == ["Compost", "Vélo"]


def test_named_answers_keep_the_person(past_event):
    survey = make_survey(event=past_event, anonymous=False)
    invitation = invite(survey)
    assert response_submit(invitation=invitation, data=data_for(survey)).user == invitation.user


def test_open_link_answers_are_anonymous_and_limited_per_address(past_event):
    survey = make_survey(event=past_event, anonymous=False)
    for _ in range(10):
        assert response_submit_open(survey=survey, data=data_for(survey), ip="192.0.2.1").user is None
    with pytest.raises(RefusedError, match="Trop de réponses"):
        response_submit_open(survey=survey, data=data_for(survey), ip="192.0.2.1")
    response_submit_open(survey=survey, data=data_for(survey), ip="192.0.2.2")
    assert Response.objects.filter(survey=survey, channel="open").count() == 11


# --- Personal data --------------------------------------------------------------------------


def test_export_and_erasure_of_a_persons_answers(past_event):
    named = make_survey(event=past_event, anonymous=False)
    anonymous = make_survey(event=past_event, anonymous=True, title="Anonyme")
    person = UserFactory()
    response_submit(invitation=invite(named, user=person), data=data_for(named, text="Mon avis"))
    response_submit(invitation=invite(anonymous, user=person), data=data_for(anonymous, text="Secret"))
    exported = personal_data_export(person)
    assert len(exported["invitations"]) == 2
    assert [r["questionnaire"] for r in exported["réponses"]] == [named.title]
    assert "Secret" not in str(exported) and "Mon avis" in str(exported)
    personal_data_erase(person)
    assert not Response.objects.filter(user=person).exists()
    assert Response.objects.filter(survey=named).count() == 1  # still counted
    assert not Answer.objects.filter(text="Mon avis").exists()
    assert not Invitation.objects.filter(user=person).exists()
