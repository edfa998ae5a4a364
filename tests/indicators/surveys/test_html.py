"""The questionnaires' pages pass the W3C Nu checker (vnu), as the demo crawl checks the others:
the answering pages (reached only by e-mailed links, so the crawl cannot find them), with errors,
and the results for a reader."""

import pytest
from django.urls import reverse

from indicators.surveys.services import survey_close, survey_create_follow_up, survey_open
from tests.test_html_crawl import run_vnu, vnu_command  # noqa: F401 — the fixture

from .conftest import answer_n, invite, make_survey, roles  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def test_survey_pages_are_valid_for_vnu(client, vnu_command, tmp_path, past_event, roles):  # noqa: F811
    survey = make_survey(event=past_event, anonymous=False)
    before = answer_n(survey, 5, text="Une réponse <libre> & franche")
    follow_up = survey_create_follow_up(survey=survey, months=6, by=None)
    survey_open(survey=follow_up, by=None)
    from indicators.surveys.services import response_submit

    from .conftest import data_for

    for invitation in before:
        response_submit(invitation=invite(follow_up, user=invitation.user), data=data_for(follow_up, scale=5))
    small = make_survey(event=past_event, anonymous=True, title="Petit")
    answer_n(small, 2)
    pages = []

    def keep(label, response, status=200):
        assert response.status_code == status, label
        pages.append((label, response.content.decode()))

    token = invite(survey).token
    keep("questionnaire", client.get(reverse("indicators:survey_answer", args=[token])))
    text = survey.questions.get(kind="text")
    keep(
        "questionnaire en erreur",
        client.post(reverse("indicators:survey_answer", args=[token]), {f"q{text.pk}": "x"}),
    )
    keep("lien ouvert", client.get(reverse("indicators:survey_answer_open", args=[survey.open_code])))
    keep("merci", client.get(reverse("indicators:survey_thanks")))
    keep("déjà répondu", client.get(reverse("indicators:survey_answer", args=[before[0].token])))
    keep(
        "expiré",
        client.get(reverse("indicators:survey_answer", args=[invite(survey, days_ago=40).token])),
        410,
    )
    keep("refus", client.get(reverse("indicators:survey_opt_out", args=[token])))
    keep("refus fait", client.post(reverse("indicators:survey_opt_out", args=[token])))
    client.force_login(roles["reader"])
    keep("liste", client.get(reverse("indicators:survey_results")))
    for each in (survey, follow_up, small):
        keep(f"résultats {each.pk}", client.get(reverse("indicators:survey_detail", args=[each.pk])))
        keep(f"libres {each.pk}", client.get(reverse("indicators:survey_free_answers", args=[each.pk])))
    keep(
        "libres filtrées",
        client.get(reverse("indicators:survey_free_answers", args=[survey.pk]), {"q": "libre"}),
    )
    keep("mon espace", client.get("/mon-espace/"))
    assert "Lire les résultats des questionnaires" in pages[-1][1]
    survey_close(survey=small, by=None)
    errors = run_vnu(vnu_command, pages, tmp_path / "pages")
    assert not errors, "\n".join(errors)
