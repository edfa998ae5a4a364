"""Questionnaires for the tests: built through the services, answered through them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from indicators.surveys.models import Invitation, Question, QuestionKind, Survey
from indicators.surveys.services import question_create, response_submit, survey_open, survey_save
from pacte.enums import Action, RegistrationStatus, StaffGroup
from pacte.models import Registration
from tests.factories import EventFactory, MembershipFactory, UserFactory


def staff_in(group, **kwargs):
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    return user


def make_survey(*, event=None, anonymous=False, min_answers=5, kinds=None, open_=True, by=None, **extra):
    by = by or staff_in(StaffGroup.DACTE_ADMIN)
    survey = survey_save(
        survey=Survey(
            title=extra.pop("title", "Votre avis sur l'atelier"),
            action=Action.CLUBS,
            event=event,
            is_anonymous=anonymous,
            min_answers=min_answers,
            delay_days=extra.pop("delay_days", 2),
            **extra,
        ),
        by=by,
    )
    for position, kind in enumerate(
        kinds or [QuestionKind.SCALE, QuestionKind.YES_NO, QuestionKind.MULTIPLE, QuestionKind.TEXT], start=1
    ):
        question_create(
            question=Question(
                survey=survey,
                position=position,
                kind=kind,
                label=f"Question {position} ({kind})",
                choices="Compost\nVélo\nVrac" if kind in ("single", "multiple") else "",
                required=kind != QuestionKind.TEXT,
            ),
            by=by,
        )
    if open_:
        survey = survey_open(survey=survey, by=by)
    return survey


def attend(event, *people, attended=True):
    for person in people:
        Registration.objects.create(
            event=event, user=person, status=RegistrationStatus.CONFIRMED, attended=attended
        )


def invite(survey, user=None, event=None, *, days_ago=0):
    now = timezone.now() - timedelta(days=days_ago)
    return Invitation.objects.create(
        survey=survey,
        user=user or UserFactory(),
        event=event or survey.event,
        sent_at=now,
        expires_at=now + timedelta(days=30),
    )


def data_for(survey, *, scale=4, yes=True, choices=("Compost",), text="Très bien"):
    data = {}
    for question in survey.questions.all():
        key = f"q{question.pk}"
        data[key] = {
            QuestionKind.SCALE: str(scale),
            QuestionKind.YES_NO: "1" if yes else "0",
            QuestionKind.SINGLE: choices[0],
            QuestionKind.MULTIPLE: list(choices),
            QuestionKind.TEXT: text,
        }[question.kind]
    return data


def answer_n(survey, n, **kwargs):
    """n people answer through their personal links."""
    invitations = []
    for _ in range(n):
        invitation = invite(survey)
        response_submit(invitation=invitation, data=data_for(survey, **kwargs))
        invitations.append(invitation)
    return invitations


@pytest.fixture
def past_event():
    return EventFactory(past=True)


@pytest.fixture
def roles(db):
    """Every role the results are checked for."""
    referent = MembershipFactory(referent=True).user
    return {
        "anonymous": None,
        "citizen": UserFactory(),
        "referent": referent,
        "staff": staff_in(StaffGroup.ATELIER),
        "reader": staff_in(StaffGroup.INDICATORS),
        "dacte": staff_in(StaffGroup.DACTE_ADMIN),
    }
