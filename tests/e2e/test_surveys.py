"""Questionnaires in the browser (indicators, issue 15 point 9): staff build a questionnaire in the
admin and open it; the task e-mails the people recorded as present; one of them answers through
the e-mailed link (errors first, then the answers); the results stay masked until the threshold
is reached, then show their charts; axe-core on every page of the journey."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from indicators.surveys.models import Response, Survey, SurveyStatus
from indicators.surveys.tasks import send_survey_invitations
from pacte.enums import RegistrationStatus, StaffGroup
from pacte.models import Registration
from tests.e2e.axe import assert_accessible
from tests.factories import EventFactory, UserFactory

SCALE_LABELS = {"1": "1 — pas du tout", "2": "2", "3": "3", "4": "4", "5": "5 — tout à fait"}


@pytest.fixture
def attendees(e2e_db):
    event = EventFactory(past=True, title="Atelier compost au jardin des Plantes")
    people = [UserFactory(first_name=name) for name in ("Léa", "Hugo", "Manon")]
    for person in people:
        Registration.objects.create(
            event=event, user=person, status=RegistrationStatus.CONFIRMED, attended=True
        )
    absent = UserFactory(first_name="Absent")
    Registration.objects.create(event=event, user=absent, status=RegistrationStatus.CONFIRMED, attended=False)
    return event, people


def _link(email: str) -> str:
    for message in reversed(mail.outbox):
        if email in message.to:
            match = re.search(r"https?://[^\s]+(/indicateurs/q/[^\s/]+/)", message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"no questionnaire link for {email} in {[m.to for m in mail.outbox]}")


def _answer(page, link, *, scale="4"):
    page.goto(link)
    page.get_by_role("group", name=re.compile("Utile")).get_by_role(
        "radio", name=SCALE_LABELS[scale], exact=True
    ).check()
    page.get_by_role("group", name=re.compile("changé une habitude")).get_by_label("Oui").check()
    page.get_by_label("Votre réponse").fill("Le compost en appartement, c'est possible.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour vos réponses")


def test_staff_build_a_survey_an_attendee_answers_results_from_the_threshold(
    page, log_in, attendees, context
):
    event, people = attendees
    staff = UserFactory(staff=True)
    staff.groups.add(Group.objects.get(name=StaffGroup.DACTE_ADMIN))

    # 1. Staff build the questionnaire in the admin (all events of the action, no delay).
    log_in(staff)
    page.goto("/admin/indicators/survey/add/")
    page.get_by_label("Titre").fill("Votre avis sur l'atelier compost")
    page.get_by_label("Action du PACTE").select_option(event.action)
    page.get_by_label("Délai d'envoi (jours)").fill("0")
    page.get_by_label("Nombre minimal de réponses").fill("3")
    page.locator("[name=questions-0-kind]").select_option("scale")
    page.locator("[name=questions-0-label]").fill("Utile pour vous ?")
    page.locator("[name=questions-0-position]").fill("1")
    page.locator("[name=questions-1-kind]").select_option("yes_no")
    page.locator("[name=questions-1-label]").fill("Avez-vous changé une habitude ?")
    page.locator("[name=questions-1-position]").fill("2")
    page.locator("[name=questions-2-kind]").select_option("text")
    page.locator("[name=questions-2-label]").fill("Qu'avez-vous retenu ?")
    page.locator("[name=questions-2-position]").fill("3")
    page.locator("[name=questions-2-required]").uncheck()
    page.locator("input[name=_save]").click()
    survey = Survey.objects.get()
    assert survey.questions.count() == 3 and survey.status == SurveyStatus.DRAFT
    page.locator(f"input[name=_selected_action][value='{survey.pk}']").check()
    page.locator("select[name=action]").select_option("open_surveys")
    page.locator("button[name=index]").click()
    expect(page.get_by_text("1 questionnaire(s) ouvert(s).")).to_be_visible()

    # 2. The task invites the people present, and them only.
    mail.outbox.clear()
    assert send_survey_invitations()["invitations"] == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)

    # 3. An attendee answers through the e-mailed link, without an account.
    context.clear_cookies()
    link = _link(people[0].email)
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page).to_have_title(re.compile("^Erreur : "))
    expect(page.get_by_text("Répondez à cette question (obligatoire).").first).to_be_visible()
    assert_accessible(page)
    _answer(page, link)
    assert_accessible(page)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous avez déjà répondu")

    # 4. Below the threshold, the results say why they are masked.
    log_in(staff)
    page.goto(f"/indicateurs/enquetes/{survey.pk}/")
    expect(page.get_by_text(re.compile("Résultats masqués"))).to_be_visible()
    expect(page.locator("svg.chart")).to_have_count(0)
    assert_accessible(page)

    # 5. Two more people answer: the threshold (3) is reached and the charts appear.
    context.clear_cookies()
    _answer(page, _link(people[1].email), scale="5")
    _answer(page, _link(people[2].email), scale="3")
    assert Response.objects.filter(survey=survey).count() == 3
    log_in(staff)
    page.goto("/indicateurs/enquetes/")
    assert_accessible(page)
    page.get_by_role("link", name="Votre avis sur l'atelier compost").click()
    expect(page.locator("svg.chart")).to_have_count(2)
    expect(page.get_by_text("Moyenne :")).to_contain_text("4")
    assert_accessible(page)
    page.get_by_role("link", name="Lire les réponses libres", exact=True).click()
    expect(page.locator(".survey-free-answers li")).to_have_count(3)
    assert_accessible(page)
    with page.expect_download() as download:
        page.goto(f"/indicateurs/enquetes/{survey.pk}/")
        page.get_by_role("link", name="Exporter les résultats (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
