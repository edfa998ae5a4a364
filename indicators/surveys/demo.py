"""Demo questionnaires on past demo events: one above its threshold (results shown), one below
(results masked), and a follow-up six months later whose answers match the same people.
Idempotent: a questionnaire that exists (by title) is left as it is."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pacte.models import Event, Registration, User

from .models import (
    Answer,
    Invitation,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    Survey,
    SurveyStatus,
)

QUESTIONS = [
    (QuestionKind.SCALE, "Cet événement vous a-t-il donné envie d'agir pour la transition ?", ""),
    (QuestionKind.YES_NO, "Avez-vous changé au moins une habitude depuis ?", ""),
    (
        QuestionKind.MULTIPLE,
        "Quels gestes pratiquez-vous aujourd'hui ?",
        "Compost\nRéparation plutôt qu'achat\nVélo ou marche pour les trajets courts\nAchats en vrac",
    ),
    (QuestionKind.TEXT, "Qu'avez-vous retenu de cette rencontre ?", ""),
]
FREE_ANSWERS = [
    "Qu'on peut réparer beaucoup plus de choses qu'on ne croit, et que le repair café est juste à côté.",
    "Les conseils pour démarrer un compost en appartement.",
    "J'ai rencontré des voisins que je ne connaissais pas, on s'organise pour un achat groupé.",
    "Les astuces pour réduire la facture d'énergie sans gros travaux.",
    "Que la Métropole aide les associations du quartier, je ne le savais pas.",
    "Le jardin partagé cherche des bénévoles le samedi : je m'y suis inscrite.",
    "Les idées de recettes anti-gaspillage.",
    "Qu'on n'est pas seuls à vouloir changer les choses.",
]


def _survey(title, *, event, anonymous, follow_up_of=None, months=None, opened_days_ago=20):
    now = timezone.now()
    survey, created = Survey.objects.get_or_create(
        title=title,
        defaults={
            "intro": "Quelques questions, deux minutes : vos réponses aident à améliorer les actions du PACTE.",
            "action": event.action,
            "event": event,
            "delay_days": 2,
            "is_anonymous": anonymous,
            "follow_up_of": follow_up_of,
            "follow_up_months": months,
            "status": SurveyStatus.OPEN,
            "opened_at": now - timedelta(days=opened_days_ago),
        },
    )
    if created:
        for position, (kind, label, choices) in enumerate(QUESTIONS, start=1):
            source = follow_up_of.questions.filter(position=position).first() if follow_up_of else None
            Question.objects.create(
                survey=survey, position=position, kind=kind, label=label, choices=choices, source=source
            )
    return survey, created


def _answer(survey, people, rng, *, days_ago, shift=0):
    now = timezone.now()
    questions = list(survey.questions.all())
    for index, person in enumerate(people):
        invitation = Invitation.objects.create(
            survey=survey,
            user=person,
            event=survey.event,
            sent_at=now - timedelta(days=days_ago),
            expires_at=now + timedelta(days=10),
            used_at=now - timedelta(days=days_ago - 1),
        )
        response = Response.objects.create(
            survey=survey,
            user=None if survey.is_anonymous else invitation.user,
            event=survey.event,
            channel=ResponseChannel.INVITATION,
            submitted_on=timezone.localdate(now - timedelta(days=days_ago - 1)),
        )
        rows = []
        for question in questions:
            if question.kind == QuestionKind.SCALE:
                rows.append(
                    Answer(response=response, question=question, number=min(5, rng.randint(2, 4) + shift))
                )
            elif question.kind == QuestionKind.YES_NO:
                rows.append(
                    Answer(response=response, question=question, number=int(rng.random() < 0.4 + shift / 4))
                )
            elif question.kind == QuestionKind.MULTIPLE:
                picked = rng.sample(question.choice_list, rng.randint(1, 2 + shift))
                rows.extend(Answer(response=response, question=question, choice=choice) for choice in picked)
            else:
                rows.append(
                    Answer(
                        response=response,
                        question=question,
                        text=FREE_ANSWERS[(index + shift) % len(FREE_ANSWERS)],
                    )
                )
        Answer.objects.bulk_create(rows)


@transaction.atomic
def seed_demo(stdout=None) -> None:
    now = timezone.now()
    events = list(
        Event.objects.published().filter(ends_at__lt=now - timedelta(days=3)).order_by("-ends_at")[:2]
    )
    people = list(User.objects.filter(email__endswith="@demo.pacte.fr", is_staff=False).order_by("pk")[:14])
    if len(events) < 2 or len(people) < 8:
        return
    rng = random.Random(15)
    first, created = _survey(f"Votre avis sur « {events[0].title} »", event=events[0], anonymous=False)
    if created:
        # The people answering were there: attendance recorded for them.
        for person in people[:8]:
            Registration.objects.update_or_create(
                event=events[0], user=person, defaults={"status": "confirmed", "attended": True}
            )
        _answer(first, people[:8], rng, days_ago=15)
    small, created = _survey(
        f"Votre avis sur « {events[1].title} »", event=events[1], anonymous=True, opened_days_ago=5
    )
    if created:
        _answer(small, people[8:10], rng, days_ago=3)
    follow_up, created = _survey(
        f"Votre avis sur « {events[0].title} » — 6 mois après",
        event=events[0],
        anonymous=False,
        follow_up_of=first,
        months=6,
        opened_days_ago=2,
    )
    if created:
        _answer(follow_up, people[:6], rng, days_ago=1, shift=1)
    if stdout:
        stdout.write("Questionnaires : un au-dessus du seuil, un en dessous, un suivi à six mois.")
