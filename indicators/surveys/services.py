"""Every write of the questionnaires: building them, opening and closing, sending invitations and
reminders, recording answers, and the person's data (export, erasure)."""

from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pacte.emails import send_templated_email
from pacte.models import Event, Registration
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from .models import (
    CHOICE_KINDS,
    Answer,
    Invitation,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    Survey,
    SurveyOptOut,
    SurveyStatus,
)

# A personal link works this long after it was sent; the reminder leaves once, this many days
# after the invitation, to whoever has not answered.
INVITATION_VALID_DAYS = 30
REMINDER_AFTER_DAYS = 7
# Questionnaires for every event of an action also reach events that ended shortly before they
# were opened (a questionnaire written the day after the event), not the whole past of the action.
ALL_EVENTS_LOOKBACK_DAYS = 14
# Answers through the open link (QR code) per visitor's address and hour, per questionnaire.
OPEN_ANSWERS_PER_IP_AND_HOUR = 10


def _survey_state(survey: Survey) -> dict:
    return {
        "titre": survey.title,
        "action": survey.action,
        "événement": survey.event_id,
        "délai": survey.delay_days,
        "anonyme": survey.is_anonymous,
        "minimum": survey.min_answers,
        "suivi de": survey.follow_up_of_id,
        "mois": survey.follow_up_months,
    }


def _refuse_if_answered(survey: Survey, what: str) -> None:
    if survey.pk and survey.responses.exists():
        raise RefusedError(
            f"Ce questionnaire a déjà reçu des réponses : {what} fausserait les résultats. "
            "Créez plutôt un nouveau questionnaire."
        )


# --- Building -------------------------------------------------------------------------------


@transaction.atomic
def survey_save(*, survey: Survey, by) -> Survey:
    """Create or update a questionnaire. Anonymity and the questions cannot change once answers
    came in. A new follow-up receives a copy of the first questionnaire's questions."""
    creating = survey.pk is None
    before = None
    if not creating:
        previous = Survey.objects.select_for_update().get(pk=survey.pk)
        before = _survey_state(previous)
        if previous.is_anonymous != survey.is_anonymous:
            _refuse_if_answered(previous, "changer l'anonymat")
    if survey.follow_up_of_id:
        first = survey.follow_up_of
        survey.action = first.action
        survey.event = first.event
        if first.follow_up_of_id:
            raise RefusedError("Un suivi se rattache au premier questionnaire, pas à un autre suivi.")
    survey.full_clean()
    survey.save()
    if creating and survey.follow_up_of_id and not survey.questions.exists():
        for question in survey.follow_up_of.questions.all():
            Question.objects.create(
                survey=survey,
                position=question.position,
                kind=question.kind,
                label=question.label,
                help_text=question.help_text,
                required=question.required,
                choices=question.choices,
                source=question,
            )
    audit_log(
        target=survey,
        verb="survey.create" if creating else "survey.update",
        by=by,
        data={"avant": before, "après": _survey_state(survey)},
    )
    return survey


@transaction.atomic
def survey_create_follow_up(*, survey: Survey, months: int, by) -> Survey:
    """The follow-up questionnaire of `survey`, in draft, with the same questions."""
    follow_up = Survey(
        title=f"{survey.title} — {months} mois après"[:200],
        intro=survey.intro,
        action=survey.action,
        event=survey.event,
        delay_days=survey.delay_days,
        is_anonymous=survey.is_anonymous,
        min_answers=survey.min_answers,
        follow_up_of=survey,
        follow_up_months=months,
    )
    return survey_save(survey=follow_up, by=by)


def _question_state(question: Question) -> dict:
    return {
        "question": question.label,
        "type": question.kind,
        "ordre": question.position,
        "obligatoire": question.required,
        "choix": question.choice_list,
    }


def _clean_choices(question: Question) -> None:
    # "a, b, c" typed on one line is the one-per-line list the form asks for.
    if question.kind in CHOICE_KINDS and "\n" not in question.choices.strip() and ";" in question.choices:
        question.choices = "\n".join(part.strip() for part in question.choices.split(";"))
    question.choices = "\n".join(question.choice_list) if question.kind in CHOICE_KINDS else ""


@transaction.atomic
def question_create(*, question: Question, by) -> Question:
    _refuse_if_answered(question.survey, "ajouter une question")
    _clean_choices(question)
    question.full_clean()
    question.save()
    audit_log(target=question.survey, verb="survey.question_create", by=by, data=_question_state(question))
    return question


@transaction.atomic
def question_update(*, question: Question, by) -> Question:
    before = _question_state(Question.objects.get(pk=question.pk))
    _clean_choices(question)
    after = _question_state(question)
    # Order and help can change at any time; what people answered cannot.
    if {k: v for k, v in before.items() if k != "ordre"} != {k: v for k, v in after.items() if k != "ordre"}:
        _refuse_if_answered(question.survey, "modifier une question")
    question.full_clean()
    question.save()
    audit_log(
        target=question.survey, verb="survey.question_update", by=by, data={"avant": before, "après": after}
    )
    return question


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    _refuse_if_answered(question.survey, "supprimer une question")
    audit_log(target=question.survey, verb="survey.question_delete", by=by, data=_question_state(question))
    question.delete()


@transaction.atomic
def survey_delete(*, survey: Survey, by) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise RefusedError("Seul un questionnaire en brouillon peut être supprimé ; clore les autres.")
    if survey.follow_ups.exists():
        raise RefusedError("Ce questionnaire a un suivi : supprimez d'abord le suivi.")
    audit_log(target=survey, verb="survey.delete", by=by, data=_survey_state(survey))
    survey.delete()


@transaction.atomic
def survey_open(*, survey: Survey, by, now=None) -> Survey:
    """Draft → open: invitations start leaving with the next run of the task."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise RefusedError("Seul un questionnaire en brouillon peut être ouvert.")
    if not survey.questions.exists():
        raise RefusedError("Ajoutez au moins une question avant d'ouvrir le questionnaire.")
    if survey.follow_up_of_id and survey.follow_up_of.status == SurveyStatus.DRAFT:
        raise RefusedError("Ouvrez d'abord le premier questionnaire, dont celui-ci est le suivi.")
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now or timezone.now()
    survey.save(update_fields=["status", "opened_at", "updated_at"])
    audit_log(target=survey, verb="survey.open", by=by, from_state="draft", to_state="open")
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, by, now=None) -> Survey:
    """Open → closed: no invitation leaves any more and every link answers that it is closed."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise RefusedError("Seul un questionnaire ouvert peut être clos.")
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now or timezone.now()
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    audit_log(target=survey, verb="survey.close", by=by, from_state="open", to_state="closed")
    return survey


# --- Invitations ----------------------------------------------------------------------------


def _invite(*, survey: Survey, user, event, now, template="survey_invitation") -> Invitation | None:
    """Create the invitation (the claim) and send its e-mail after commit; None if the person was
    already invited (another run, another event of the action)."""
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                survey=survey,
                user=user,
                event=event,
                sent_at=now,
                expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
            )
            audit_log(target=survey, verb="survey.invite", data={"invitation": invitation.pk})
    except IntegrityError:
        return None
    _send(invitation, template)
    return invitation


def _send(invitation: Invitation, template: str) -> None:
    send_templated_email(
        to=invitation.user.email,
        template=template,
        context={
            "survey": invitation.survey,
            "event": invitation.event,
            "person": invitation.user,
            "answer_url": settings.SITE_URL + reverse("indicators:survey_answer", args=[invitation.token]),
            "opt_out_url": settings.SITE_URL + reverse("indicators:survey_opt_out", args=[invitation.token]),
            "expires_at": invitation.expires_at,
        },
    )


def _reachable(users_q):
    return users_q.filter(is_active=True, anonymised_at__isnull=True).exclude(survey_opt_out__isnull=False)


def _due_events(survey: Survey, now):
    """Published events whose questionnaire is due: ended at least `delay_days` ago."""
    events = Event.objects.published().filter(ends_at__lte=now - timedelta(days=survey.delay_days))
    if survey.event_id:
        return events.filter(pk=survey.event_id)
    since = survey.opened_at - timedelta(days=ALL_EVENTS_LOOKBACK_DAYS)
    return events.filter(action=survey.action, ends_at__gte=since)


def invitations_send(*, now=None) -> int:
    """Invite, once per questionnaire, every person recorded as present at a due event, and for
    follow-ups every person invited to the first questionnaire `follow_up_months` months earlier.
    Safe to run twice: the invitation row (unique per person) is the claim."""
    from pacte.models import User

    now = now or timezone.now()
    sent = 0
    for survey in Survey.objects.open().select_related("follow_up_of"):
        if survey.follow_up_of_id:
            cutoff = now - relativedelta(months=survey.follow_up_months)
            firsts = Invitation.objects.filter(
                survey_id=survey.follow_up_of_id, sent_at__lte=cutoff, user__isnull=False
            ).exclude(user__survey_invitations__survey=survey)
            pairs = [(i.user_id, i.event_id) for i in firsts]
        else:
            present = (
                Registration.objects.filter(
                    event__in=_due_events(survey, now), attended=True, user__isnull=False
                )
                .exclude(user__survey_invitations__survey=survey)
                .order_by("event__ends_at", "pk")
            )
            pairs = list(dict(reversed(list(present.values_list("user_id", "event_id")))).items())
        if not pairs:
            continue
        users = _reachable(User.objects.filter(pk__in=[user_id for user_id, _ in pairs])).in_bulk()
        events = Event.objects.in_bulk([event_id for _, event_id in pairs if event_id])
        for user_id, event_id in pairs:
            if user_id in users and _invite(
                survey=survey, user=users[user_id], event=events.get(event_id), now=now
            ):
                sent += 1
    return sent


def reminders_send(*, now=None) -> int:
    """One reminder, `REMINDER_AFTER_DAYS` after the invitation, to whoever has not answered; the
    reminder is marked before its e-mail leaves, so a second run sends nothing twice."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        survey__status=SurveyStatus.OPEN,
        used_at__isnull=True,
        reminded_at__isnull=True,
        sent_at__lte=now - timedelta(days=REMINDER_AFTER_DAYS),
        expires_at__gt=now,
        user__isnull=False,
    ).filter(Q(user__survey_opt_out__isnull=True))
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            invitation = Invitation.objects.select_related("survey", "event", "user").get(pk=pk)
            _send(invitation, "survey_reminder")
            sent += 1
    return sent


# --- Answers --------------------------------------------------------------------------------


def link_refusal(invitation: Invitation, now=None) -> str | None:
    """Why the personal link cannot be used any more ("answered", "expired", "closed"), or None."""
    now = now or timezone.now()
    if invitation.used_at:
        return "answered"
    if invitation.survey.status != SurveyStatus.OPEN:
        return "closed"
    if invitation.expires_at <= now:
        return "expired"
    return None


def _record(*, survey: Survey, questions, data: dict, user, event, channel, today) -> Response:
    response = Response(survey=survey, user=user, event=event, channel=channel, submitted_on=today)
    response.full_clean()
    response.save()
    rows = []
    for question in questions:
        value = data.get(f"q{question.pk}")
        if value in (None, "", []):
            continue
        if question.kind == QuestionKind.SCALE:
            rows.append(Answer(response=response, question=question, number=int(value)))
        elif question.kind == QuestionKind.YES_NO:
            rows.append(Answer(response=response, question=question, number=1 if value == "1" else 0))
        elif question.kind == QuestionKind.SINGLE:
            rows.append(Answer(response=response, question=question, choice=value))
        elif question.kind == QuestionKind.MULTIPLE:
            rows.extend(Answer(response=response, question=question, choice=choice) for choice in value)
        else:
            rows.append(Answer(response=response, question=question, text=value.strip()))
    Answer.objects.bulk_create(rows)
    return response


def _start_of_day(moment):
    return timezone.make_aware(datetime.combine(timezone.localdate(moment), time.min))


@transaction.atomic
def response_submit(*, invitation: Invitation, data: dict, now=None) -> Response:
    """Record the answers of a personal link, once: the invitation is marked used in the same
    transaction, under its row lock. For an anonymous questionnaire the response keeps neither
    the person nor the invitation."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    refusal = link_refusal(invitation, now)
    if refusal == "answered":
        raise RefusedError("Vous avez déjà répondu à ce questionnaire : merci !", code="answered")
    if refusal:
        raise RefusedError("Ce questionnaire n'accepte plus de réponses.", code=refusal)
    survey = invitation.survey
    # Anonymous: the day only, like the response's. Exact times would line up, in order, with the
    # responses' numbers and tie each answer back to its invitation.
    invitation.used_at = _start_of_day(now) if survey.is_anonymous else now
    invitation.save(update_fields=["used_at"])
    response = _record(
        survey=survey,
        questions=survey.questions.all(),
        data=data,
        user=None if survey.is_anonymous else invitation.user,
        event=invitation.event,
        channel=ResponseChannel.INVITATION,
        today=timezone.localdate(now),
    )
    # The journal names the questionnaire only: an entry per response would date the answers.
    audit_log(target=survey, verb="survey.answer", data={"canal": "invitation"})
    return response


def _over_ip_limit(survey: Survey, ip: str | None) -> bool:
    if not ip:
        return False
    key = f"indicators:survey-open:{survey.pk}:{ip}"
    try:
        cache.add(key, 0, 3600)
        return cache.incr(key) > OPEN_ANSWERS_PER_IP_AND_HOUR
    except Exception:  # noqa: BLE001 — a cache outage must not block answers
        return False


@transaction.atomic
def response_submit_open(*, survey: Survey, data: dict, ip: str | None, by=None, now=None) -> Response:
    """An answer through the open link (QR code) of someone who came without registering: always
    anonymous, limited per visitor's address (and per account when signed in)."""
    now = now or timezone.now()
    if survey.status != SurveyStatus.OPEN:
        raise RefusedError("Ce questionnaire n'accepte plus de réponses.", code="closed")
    if by is not None:
        rate_limit(by=by, action="indicators.survey_open_answer", limit="10/h")
    if _over_ip_limit(survey, ip):
        raise RefusedError(
            "Trop de réponses envoyées depuis votre connexion : réessayez dans une heure.",
            code="rate_limited",
        )
    response = _record(
        survey=survey,
        questions=survey.questions.all(),
        data=data,
        user=None,
        event=survey.event,
        channel=ResponseChannel.OPEN,
        today=timezone.localdate(now),
    )
    audit_log(target=survey, verb="survey.answer", data={"canal": "lien ouvert"})
    return response


@transaction.atomic
def survey_opt_out(*, invitation: Invitation) -> None:
    """The person of the invitation receives no questionnaire any more. Idempotent."""
    if invitation.user_id is None:
        return
    _, created = SurveyOptOut.objects.get_or_create(user_id=invitation.user_id)
    if created:
        audit_log(target=invitation.user, verb="survey.opt_out", by=invitation.user)


# --- Personal data --------------------------------------------------------------------------


def personal_data_export(user) -> dict:
    """The person's invitations and the answers linked to them (non-anonymous questionnaires)."""
    invitations = Invitation.objects.filter(user=user).select_related("survey").order_by("pk")
    responses = (
        Response.objects.filter(user=user)
        .select_related("survey")
        .prefetch_related("answers__question")
        .order_by("pk")
    )
    return {
        "invitations": [
            {
                "questionnaire": i.survey.title,
                "envoyée le": i.sent_at.isoformat(),
                "relance le": i.reminded_at.isoformat() if i.reminded_at else None,
                "répondu le": i.used_at.isoformat() if i.used_at else None,
            }
            for i in invitations
        ],
        "réponses": [
            {
                "questionnaire": r.survey.title,
                "reçue le": r.submitted_on.isoformat(),
                "réponses": [
                    {
                        "question": a.question.label,
                        "réponse": a.text or a.choice or ("" if a.number is None else a.number),
                    }
                    for a in r.answers.all()
                ],
            }
            for r in responses
        ],
        "refus des questionnaires": SurveyOptOut.objects.filter(user=user).exists(),
    }


def personal_data_erase(user) -> None:
    """On account deletion: answers stay counted, detached from the person; free answers, which may
    name them, are deleted; invitations stay counted for the response rate, detached."""
    Answer.objects.filter(response__user=user).exclude(text="").delete()
    Response.objects.filter(user=user).update(user=None)
    Invitation.objects.filter(user=user).update(user=None)
    SurveyOptOut.objects.filter(user=user).delete()
