"""The answering pages (personal link, open link) and the results: permission matrix, the
threshold on every results view and the export, query counts, valid HTML."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.surveys.models import Response, SurveyStatus
from indicators.surveys.services import survey_close, survey_create_follow_up, survey_open
from pacte.models import Event
from tests.factories import EventFactory, commune
from tests.pacte.test_html_validity import html_problems

from .conftest import answer_n, data_for, invite, make_survey

pytestmark = pytest.mark.django_db


def results_urls(survey):
    return [
        reverse("indicators:survey_results"),
        reverse("indicators:survey_detail", args=[survey.pk]),
        reverse("indicators:survey_free_answers", args=[survey.pk]),
        reverse("indicators:survey_csv", args=[survey.pk]),
        reverse("indicators:survey_qr", args=[survey.pk]),
    ]


def login(client, roles, role):
    if roles[role] is not None:
        client.force_login(roles[role])


def post_answers(client, url, survey, **kwargs):
    data = data_for(survey, **kwargs)
    return client.post(url, data)


# --- Answering ------------------------------------------------------------------------------


def test_personal_link_answers_once(client, past_event):
    survey = make_survey(event=past_event)
    invitation = invite(survey)
    url = reverse("indicators:survey_answer", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<fieldset") == 4 and html.count("<legend>") == 4
    assert 'type="radio"' in html and 'type="checkbox"' in html
    assert not html_problems(html)
    response = post_answers(client, url, survey)
    assert response.status_code == 302 and response.url == reverse("indicators:survey_thanks")
    assert Response.objects.get().user == invitation.user
    again = client.get(url)
    assert "Vous avez déjà répondu" in again.content.decode()
    assert post_answers(client, url, survey).status_code == 200
    assert Response.objects.count() == 1


def test_required_errors_in_french_keep_what_was_typed(client, past_event):
    survey = make_survey(event=past_event)
    url = reverse("indicators:survey_answer", args=[invite(survey).token])
    text_question = survey.questions.get(kind="text")
    response = client.post(url, {f"q{text_question.pk}": "Mon avis détaillé"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Répondez à cette question (obligatoire).") == 3
    assert "Mon avis détaillé" in html
    assert "<title>Erreur : " in html
    assert not html_problems(html)
    assert not Response.objects.exists()


def test_wrong_expired_and_closed_links(client, past_event):
    survey = make_survey(event=past_event)
    good = invite(survey)
    assert client.get(reverse("indicators:survey_answer", args=[good.token + "0"])).status_code == 404
    assert client.get(reverse("indicators:survey_answer", args=["12.abc"])).status_code == 404
    expired = invite(survey, days_ago=40)
    page = client.get(reverse("indicators:survey_answer", args=[expired.token]))
    assert page.status_code == 410 and "Ce lien a expiré" in page.content.decode()
    assert not html_problems(page.content.decode())
    survey_close(survey=survey, by=None)
    page = client.get(reverse("indicators:survey_answer", args=[good.token]))
    assert page.status_code == 410 and "Ce questionnaire est clos" in page.content.decode()


def test_open_link_counts_anonymous_answers(client, past_event):
    survey = make_survey(event=past_event, anonymous=False)
    url = reverse("indicators:survey_answer_open", args=[survey.open_code])
    assert url.startswith("/indicateurs/q/e/")
    assert client.get(url).status_code == 200
    assert post_answers(client, url, survey).status_code == 302
    response = Response.objects.get()
    assert response.user is None and response.channel == "open"
    assert client.get(reverse("indicators:survey_answer_open", args=["inconnu"])).status_code == 404


def test_open_link_is_rate_limited(client, past_event):
    survey = make_survey(event=past_event)
    url = reverse("indicators:survey_answer_open", args=[survey.open_code])
    for _ in range(10):
        assert post_answers(client, url, survey).status_code == 302
    refused = post_answers(client, url, survey)
    assert refused.status_code == 429
    assert "Trop de réponses" in refused.content.decode()


def test_opt_out_page(client, past_event):
    survey = make_survey(event=past_event)
    invitation = invite(survey)
    url = reverse("indicators:survey_opt_out", args=[invitation.token])
    assert client.get(url).status_code == 200
    assert "C'est noté" in client.post(url).content.decode()
    assert invitation.user.survey_opt_out


def test_thanks_page_valid(client):
    page = client.get(reverse("indicators:survey_thanks"))
    assert page.status_code == 200 and not html_problems(page.content.decode())


# --- Permission matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("referent", 403),
        ("staff", 403),
        ("reader", 200),
        ("dacte", 200),
    ],
)
def test_results_permission_matrix(client, roles, role, status, past_event):
    survey = make_survey(event=past_event)
    answer_n(survey, 5)
    login(client, roles, role)
    for url in results_urls(survey):
        response = client.get(url)
        assert response.status_code == status, (role, url)
        if status == 302:
            assert "/comptes/connexion/" in response.url or "login" in response.url


def test_unknown_survey_is_404_for_readers(client, roles):
    login(client, roles, "reader")
    assert client.get(reverse("indicators:survey_detail", args=[999])).status_code == 404


# --- Threshold ------------------------------------------------------------------------------


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_nothing_is_shown_below_the_threshold(client, roles, past_event):
    survey = make_survey(event=past_event, min_answers=5)
    answer_n(survey, 4, text="Un avis qui ne doit pas sortir")
    login(client, roles, "reader")
    detail = client.get(reverse("indicators:survey_detail", args=[survey.pk])).content.decode()
    assert "Résultats masqués" in detail and "<svg" not in detail and "<table>" not in detail
    free = client.get(reverse("indicators:survey_free_answers", args=[survey.pk])).content.decode()
    assert "Un avis qui ne doit pas sortir" not in free and "Aucune réponse affichée" in free
    rows = _csv_rows(client.get(reverse("indicators:survey_csv", args=[survey.pk])))
    assert all(row[2].startswith("masqué") for row in rows[1:]) and len(rows) == 5
    assert all(row[3] == "" for row in rows[1:])


def test_results_appear_from_the_threshold(client, roles, past_event):
    survey = make_survey(event=past_event, min_answers=5)
    answer_n(survey, 5, scale=4, text="Un avis lisible")
    login(client, roles, "reader")
    detail = client.get(reverse("indicators:survey_detail", args=[survey.pk]))
    html = detail.content.decode()
    assert "Résultats masqués" not in html
    assert html.count('<svg class="chart"') == 3  # scale, yes/no, multiple; not the free text
    assert "Moyenne : <strong>4</strong> sur 5" in html
    assert not html_problems(html)
    free = client.get(reverse("indicators:survey_free_answers", args=[survey.pk])).content.decode()
    assert free.count("Un avis lisible") == 5
    assert not html_problems(free)
    rows = _csv_rows(client.get(reverse("indicators:survey_csv", args=[survey.pk])))
    assert ["Question 1 (scale)", "Échelle de 1 à 5", "4", "5", "100,0", "4,0", "5"] in rows


def test_a_question_below_the_threshold_is_masked_alone(client, roles, past_event):
    survey = make_survey(event=past_event, min_answers=5)
    answer_n(survey, 3, text="Avis rare")
    answer_n(survey, 2, text="")  # the free question is optional
    login(client, roles, "reader")
    html = client.get(reverse("indicators:survey_detail", args=[survey.pk])).content.decode()
    assert html.count('<svg class="chart"') == 3
    assert "Résultat masqué : moins de 5 réponses à cette question." in html
    free = client.get(reverse("indicators:survey_free_answers", args=[survey.pk])).content.decode()
    assert "Avis rare" not in free


def test_free_answers_filters_respect_the_threshold(client, roles):
    rouen, oissel = EventFactory(past=True), EventFactory(past=True, commune=commune("oissel-sur-seine"))
    survey = make_survey(event=None, min_answers=5)
    for event, n, text in [(rouen, 6, "À Rouen"), (oissel, 2, "À Oissel")]:
        for _ in range(n):
            from indicators.surveys.services import response_submit

            response_submit(invitation=invite(survey, event=event), data=data_for(survey, text=text))
    login(client, roles, "reader")
    url = reverse("indicators:survey_free_answers", args=[survey.pk])
    everything = client.get(url).content.decode()
    assert everything.count("À Rouen") == 6 and everything.count("À Oissel") == 2
    in_oissel = client.get(url, {"commune": "oissel-sur-seine"}).content.decode()
    assert "À Oissel</p>" not in in_oissel and "Aucune réponse affichée" in in_oissel
    in_rouen = client.get(url, {"commune": "rouen", "q": "rouen"}).content.decode()
    assert in_rouen.count("À Rouen") == 6
    searched = client.get(url, {"q": "oissel"}).content.decode()
    assert searched.count("À Oissel</p>") == 2  # the search narrows what the threshold allowed
    assert client.get(url, {"question": "abc"}).status_code == 200


def test_follow_up_compares_the_same_people_before_and_after(client, roles, past_event):
    survey = make_survey(event=past_event, min_answers=5)
    before = answer_n(survey, 6, scale=2, yes=False)
    follow_up = survey_create_follow_up(survey=survey, months=6, by=None)
    survey_open(survey=follow_up, by=None)
    from indicators.surveys.services import response_submit

    for invitation in before[:5]:
        response_submit(invitation=invite(follow_up, user=invitation.user), data=data_for(follow_up, scale=4))
    answer_n(follow_up, 1, scale=1)  # someone new: not matched
    login(client, roles, "reader")
    html = client.get(reverse("indicators:survey_detail", args=[follow_up.pk])).content.decode()
    assert "5 personnes ayant répondu aux deux" in html
    assert "<td>2</td><td>4</td>" in html  # the mean on 5, before and after


def test_follow_up_comparison_masked_below_the_threshold(client, roles, past_event):
    survey = make_survey(event=past_event, min_answers=5)
    before = answer_n(survey, 5)
    follow_up = survey_create_follow_up(survey=survey, months=6, by=None)
    survey_open(survey=follow_up, by=None)
    from indicators.surveys.services import response_submit

    for invitation in before[:3]:
        response_submit(invitation=invite(follow_up, user=invitation.user), data=data_for(follow_up))
    answer_n(follow_up, 2)
    login(client, roles, "reader")
    html = client.get(reverse("indicators:survey_detail", args=[follow_up.pk])).content.decode()
    assert "Comparaison avant / après masquée" in html and "Avant / après" not in html


# --- Query counts ---------------------------------------------------------------------------


MAX_QUERIES = 6  # session and user included (docs/conventions.md, performance)


def _count(client, url, *, warm=False):
    if warm:
        client.get(url)  # the first request may fill the shared caches (the communes' choices)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("no_page_cache")
def test_results_queries_do_not_grow_with_answers(client, roles, past_event):
    survey = make_survey(event=past_event, min_answers=5)
    answer_n(survey, 5)
    login(client, roles, "reader")
    urls = [u for u in results_urls(survey) if not u.endswith(".svg")]
    few = [_count(client, url, warm=True) for url in urls]
    answer_n(survey, 25)
    for _ in range(3):
        make_survey(event=EventFactory(past=True), title="Autre")
    many = [_count(client, url, warm=True) for url in urls]
    assert few == many
    assert max(many) <= MAX_QUERIES, many


@pytest.mark.usefixtures("no_page_cache")
def test_follow_up_and_filtered_results_stay_within_budget(client, roles, past_event):
    survey = make_survey(event=past_event, min_answers=5)
    before = answer_n(survey, 5)
    follow_up = survey_create_follow_up(survey=survey, months=6, by=None)
    survey_open(survey=follow_up, by=None)
    from indicators.surveys.services import response_submit

    for invitation in before:
        response_submit(invitation=invite(follow_up, user=invitation.user), data=data_for(follow_up))
    login(client, roles, "reader")
    commune = past_event.commune.slug if past_event.commune_id else ""
    free = reverse("indicators:survey_free_answers", args=[follow_up.pk])
    urls = [
        *[u for u in results_urls(follow_up) if not u.endswith(".svg")],
        f"{free}?q=a&commune={commune}",
        f"{free}?q=a&commune={commune}&page=2",
    ]
    few = [_count(client, url, warm=True) for url in urls]
    for invitation in answer_n(survey, 10):
        response_submit(invitation=invite(follow_up, user=invitation.user), data=data_for(follow_up))
    many = [_count(client, url, warm=True) for url in urls]
    assert few == many
    assert max(many) <= MAX_QUERIES, many


@pytest.mark.usefixtures("no_page_cache")
def test_answer_page_queries_do_not_grow(client, past_event):
    survey = make_survey(event=past_event)
    url = reverse("indicators:survey_answer", args=[invite(survey).token])
    few = _count(client, url)
    answer_n(survey, 20)
    assert _count(client, url) == few <= 4


def test_draft_surveys_of_past_events_wait_on_the_admin_home(client, roles, past_event):
    make_survey(event=past_event, open_=False)
    make_survey(event=Event.objects.get(pk=EventFactory().pk), open_=False, title="À venir")
    from django.apps import apps
    from django.test import RequestFactory

    from indicators.apps import IndicatorsConfig

    request = RequestFactory().get("/admin/")
    request.user = roles["dacte"]
    (item,) = apps.get_app_config("indicators").admin_todo(request)
    assert item.count == 1 and "questionnaire à ouvrir" in item.label
    assert isinstance(apps.get_app_config("indicators"), IndicatorsConfig)
    request.user = roles["reader"]
    assert list(apps.get_app_config("indicators").admin_todo(request)) == []
    assert SurveyStatus.DRAFT == "draft"
