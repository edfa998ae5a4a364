"""Answering pages (personal link, open link / QR code: no account needed) and the results for
those who read the indicators (`indicators.access.reads_indicators`)."""

import csv

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from pacte.client_ip import client_ip
from pacte.views.helpers import form_service, paginate, refusal_status

from ..access import reads_indicators
from .forms import AnswerForm, FreeAnswerFilter
from .models import Invitation, QuestionKind, Survey, SurveyStatus
from .results import free_answers, survey_results, text_questions_answered
from .services import link_refusal, response_submit, response_submit_open, survey_opt_out

# --- Answering ------------------------------------------------------------------------------


def _invitation_or_404(token: str) -> Invitation:
    invitation = Invitation.from_token(token)
    if invitation is None:
        raise Http404("Lien inconnu.")
    return invitation


def _link_state_page(request, invitation_or_survey, state: str):
    survey = getattr(invitation_or_survey, "survey", invitation_or_survey)
    if state == "answered":
        return render(request, "indicators/surveys/already_answered.html", {"survey": survey})
    return render(request, "indicators/surveys/expired.html", {"survey": survey, "state": state}, status=410)


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, token):
    """The personal link of an invitation: the questionnaire, once."""
    invitation = _invitation_or_404(token)
    state = link_refusal(invitation)
    if state:
        return _link_state_page(request, invitation, state)
    survey = invitation.survey
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        done, _ = form_service(form, response_submit, invitation=invitation, data=form.cleaned_data)
        if done:
            return redirect("indicators:survey_thanks")
        code = getattr(form.refusal, "code", "")
        if code in ("answered", "expired", "closed"):
            return _link_state_page(request, invitation, code)
    return render(
        request,
        "indicators/surveys/answer.html",
        {"survey": survey, "form": form, "event": invitation.event, "opt_out_token": token},
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer_open(request, code):
    """The open link of a questionnaire (QR code at the event): anonymous answers, rate-limited."""
    survey = get_object_or_404(Survey.objects.select_related("event"), open_code=code)
    if survey.status != SurveyStatus.OPEN:
        return _link_state_page(request, survey, "closed")
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        by = request.user if request.user.is_authenticated else None
        done, _ = form_service(
            form, response_submit_open, survey=survey, data=form.cleaned_data, ip=client_ip(request), by=by
        )
        if done:
            return redirect("indicators:survey_thanks")
        if getattr(form.refusal, "code", "") == "closed":
            return _link_state_page(request, survey, "closed")
    status = refusal_status(form) if hasattr(form, "refusal") else 200
    return render(
        request,
        "indicators/surveys/answer.html",
        {"survey": survey, "form": form, "event": survey.event},
        status=status,
    )


@login_not_required
@require_safe
def thanks(request):
    return render(request, "indicators/surveys/thanks.html")


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def opt_out(request, token):
    """Stop receiving questionnaires: a confirmation button (a link preview must not do it)."""
    invitation = _invitation_or_404(token)
    done = False
    if request.method == "POST":
        survey_opt_out(invitation=invitation)
        done = True
    return render(request, "indicators/surveys/opt_out.html", {"done": done})


# --- Results --------------------------------------------------------------------------------


def _reader(request):
    if not reads_indicators(request.user):
        raise PermissionDenied("Réservé à la lecture des indicateurs.")


def _survey_or_404(request, pk) -> Survey:
    return get_object_or_404(Survey.objects.visible_to(request.user).for_listing(), pk=pk)


@require_safe
def results_list(request):
    _reader(request)
    surveys = Survey.objects.visible_to(request.user).for_listing()
    page, query = paginate(request, surveys)
    return render(request, "indicators/surveys/list.html", {"page": page, "query": query})


@require_safe
def results_detail(request, pk):
    _reader(request)
    survey = _survey_or_404(request, pk)
    results = survey_results(survey, survey.response_count)
    open_url = settings.SITE_URL + reverse("indicators:survey_answer_open", args=[survey.open_code])
    return render(
        request,
        "indicators/surveys/detail.html",
        {
            "survey": survey,
            "results": results,
            "shown": survey.response_count >= survey.min_answers,
            "has_free": any(r.question.kind == QuestionKind.TEXT for r in results),
            "open_url": open_url,
        },
    )


@require_safe
def free_answer_list(request, pk):
    _reader(request)
    survey = _survey_or_404(request, pk)
    # The text questions are counted with the filters as typed (one query for the threshold and
    # the page's total); typed filters that do not validate (or read differently once cleaned)
    # are counted again with what applies.
    typed_commune, typed_search = request.GET.get("commune", ""), request.GET.get("q", "").strip()
    text_questions = text_questions_answered(survey, commune=typed_commune, search=typed_search)
    filters = FreeAnswerFilter(request.GET or None, questions=text_questions)
    data = filters.cleaned_data if filters.is_valid() else {}
    commune, search = data.get("commune") or "", data.get("q", "")
    if (commune, search) != (typed_commune, typed_search):
        text_questions = text_questions_answered(survey, commune=commune, search=search)
    # Only questions above the threshold, in a questionnaire above it, are ever read here.
    allowed = [
        question.pk
        for question in text_questions
        if survey.response_count >= survey.min_answers and question.answered >= survey.min_answers
    ]
    answers, count, found = free_answers(
        text_questions, allowed=allowed, question=data.get("question"), commune=commune, search=search
    )
    shown = bool(allowed) and count >= survey.min_answers
    paginator = Paginator(answers if shown else answers.none(), settings.PACTE_PAGE_SIZE)
    paginator.count = found if shown else 0  # counted with the questions: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    return render(
        request,
        "indicators/surveys/free_answers.html",
        {"survey": survey, "filters": filters, "page": page, "query": query, "shown": shown},
    )


@require_safe
def results_csv(request, pk):
    _reader(request)
    survey = _survey_or_404(request, pk)
    results = survey_results(survey, survey.response_count)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questionnaire-{survey.pk}-resultats.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with its byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        ["question", "type", "réponse", "nombre", "pourcentage", "moyenne", "personnes ayant répondu"]
    )
    masked = f"masqué (moins de {survey.min_answers} réponses)"
    for result in results:
        question = result.question
        if not result.shown:
            writer.writerow([question.label, question.get_kind_display(), masked, "", "", "", ""])
        elif question.kind == QuestionKind.TEXT:
            writer.writerow(
                [question.label, question.get_kind_display(), "réponses libres", "", "", "", result.answered]
            )
        else:
            for label, count in result.rows:
                writer.writerow(
                    [
                        question.label,
                        question.get_kind_display(),
                        label,
                        count,
                        str(result.percent(count)).replace(".", ","),
                        "" if result.mean is None else str(result.mean).replace(".", ","),
                        result.answered,
                    ]
                )
    return response


@require_safe
def qr_code(request, pk):
    """The open link's QR code as an SVG file to print (drawn here: no external service)."""
    _reader(request)
    survey = _survey_or_404(request, pk)
    url = settings.SITE_URL + reverse("indicators:survey_answer_open", args=[survey.open_code])
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    response = HttpResponse(image.to_string(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="questionnaire-{survey.pk}-qr.svg"'
    return response
