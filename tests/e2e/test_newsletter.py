"""The letter in the browser (action 5, point 8): a social worker subscribes, confirms through the
e-mail link, changes preferences and unsubscribes in one click; an editor previews an issue and
sends herself a test; the editors' group permission matrix; axe-core on the letter's pages."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from newsletter.enums import SubscriberStatus
from newsletter.models import Subscriber
from pacte.enums import StaffGroup
from tests.e2e.axe import assert_accessible
from tests.factories import UserFactory, commune
from tests.newsletter.factories import IssueFactory, SectionFactory, SheetFactory, editor, staff_in


@pytest.fixture(autouse=True)
def _content(e2e_db):
    issue = IssueFactory(sent=True, number=1, title="Précarité énergétique : repérer et orienter")
    SectionFactory(issue=issue, kind="veille", title="Le chèque énergie")
    sheet = SheetFactory(
        title="Des ateliers petits gestes à Darnétal", slug="ateliers-darnetal", commune=commune("darnetal")
    )
    issue.sheets.add(sheet)
    SheetFactory(title="Une vélo-école à Elbeuf", slug="velo-ecole", commune=commune("elbeuf"))


def _link(name: str) -> str:
    for message in reversed(mail.outbox):
        match = re.search(rf"https?://[^\s]+(/lettre/{name}/[^\s]+/)", message.body)
        if match:
            return match.group(1)
    raise AssertionError(f"no /lettre/{name}/ link in {[m.subject for m in mail.outbox]}")


def test_social_worker_subscribes_confirms_changes_preferences_and_unsubscribes(page):
    page.goto("/lettre/")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("ines.morel@ccas-rouen.example.fr")
    page.get_by_label("Prénom et nom").fill("Inès Morel")
    page.get_by_label("Structure (CCAS, association, service…)").fill("CCAS de Rouen")
    page.get_by_label("Fonction").select_option("ccas")
    page.get_by_label("Commune de votre structure").fill("Rouen")
    page.get_by_label("Commune de votre structure").press("Tab")
    page.get_by_label("J'accepte de recevoir la lettre").check()
    page.get_by_role("button", name="M'abonner").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("confirmez votre adresse")
    subscriber = Subscriber.objects.get(email="ines.morel@ccas-rouen.example.fr")
    assert subscriber.status == SubscriberStatus.PENDING and subscriber.consent_at
    assert subscriber.commune.slug == "rouen"

    page.goto(_link("confirmer"))
    page.get_by_role("button", name="Je confirme mon abonnement").click()
    expect(page.get_by_text("Votre abonnement est confirmé")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Structure (CCAS, association, service…)").fill("CCAS de Rouen, pôle insertion")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Vos préférences sont enregistrées.")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE and subscriber.structure.endswith("pôle insertion")

    page.get_by_role("button", name="Me désabonner").click()
    expect(page.get_by_text("C'est fait : la lettre ne sera plus envoyée")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_one_click_unsubscribe_post_of_a_mail_client(page):
    from newsletter.services import personal_token
    from tests.newsletter.factories import SubscriberFactory

    subscriber = SubscriberFactory()
    response = page.request.post(
        f"/lettre/desabonnement/{personal_token(subscriber)}/", form={"List-Unsubscribe": "One-Click"}
    )
    assert response.status == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_signed_in_person_subscribes_in_one_click(page, log_in):
    user = UserFactory()
    log_in(user)
    page.goto("/lettre/")
    page.get_by_role("button", name="M'abonner en un clic").click()
    expect(page.get_by_text(f"la lettre arrivera chaque mois à {user.email}")).to_be_visible()
    assert Subscriber.objects.get(email=user.email).status == SubscriberStatus.ACTIVE


def test_archive_and_sheets_pages_are_accessible_and_filter(page):
    page.goto("/lettre/")
    page.get_by_role("link", name=re.compile("N° 1")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Précarité énergétique : repérer et orienter")
    expect(page.get_by_text("Département de la Seine-Maritime").first).to_be_visible()
    assert_accessible(page)
    page.goto("/lettre/fiches/")
    assert_accessible(page)
    page.get_by_label("Rechercher").fill("vélo")
    page.get_by_label("Rechercher").press("Enter")
    expect(page.locator("#resultats")).to_contain_text("Une vélo-école à Elbeuf")
    expect(page.locator("#resultats")).not_to_contain_text("petits gestes")
    page.goto("/lettre/fiches/ateliers-darnetal/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.evaluate(
            "() => { const a = document.querySelector('a[href$=\"/pdf/\"]'); a.setAttribute('download', ''); a.click(); }"
        )
    assert download.value.suggested_filename.endswith(".pdf")


def test_editor_previews_an_issue_and_sends_herself_a_test(page, log_in):
    issue = IssueFactory(title="L'eau, un bien commun")
    SectionFactory(issue=issue, title="Le volet eau du FSL")
    person = editor()
    log_in(person)
    page.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    page.get_by_role("link", name="Aperçu dans le navigateur").click()
    expect(page.get_by_text("Aperçu de la rédaction")).to_be_visible()
    expect(page.get_by_role("heading", name="Le volet eau du FSL")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Essai, programmation et envoi").click()
    page.get_by_role("button", name="M'envoyer un essai").click()
    expect(page.get_by_text(f"Essai envoyé à {person.email}")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert mail.outbox[0].subject.startswith("[PACTE] [ESSAI]")


@pytest.mark.parametrize(
    "who, allowed",
    [("editor", True), ("dacte", True), ("subsidy", False), ("citizen", False)],
)
def test_editors_group_permission_matrix(page, log_in, who, allowed):
    issue = IssueFactory()
    people = {
        "editor": lambda: editor(),
        "dacte": lambda: staff_in(StaffGroup.DACTE_ADMIN.value),
        "subsidy": lambda: staff_in(StaffGroup.SUBSIDY.value),
        "citizen": lambda: UserFactory(),
    }
    log_in(people[who]())
    url = f"/admin/newsletter/issue/{issue.pk}/envoi/"
    if allowed:
        assert page.goto(url).status == 200
        expect(page.get_by_role("button", name="Envoyer maintenant")).to_be_visible()
    else:
        # With the browser's cookies, outside the page (a refused page logs a console error).
        response = page.request.get(url)
        assert response.status in (403, 200) and "Envoyer maintenant" not in response.text()
        assert response.status == 403 or "/comptes/" in response.url or "/login" in response.url


def test_progress_updates_by_itself_while_the_sending_runs(page, log_in):
    from newsletter.models import Delivery
    from tests.newsletter.factories import SubscriberFactory

    issue = IssueFactory(status="sending")
    deliveries = [Delivery.objects.create(issue=issue, subscriber=SubscriberFactory()) for _ in range(3)]
    log_in(editor())
    page.goto(f"/admin/newsletter/issue/{issue.pk}/envoi/")
    progress = page.locator("#progression")
    expect(progress).to_contain_text("Restants : 3")
    # What a worker does meanwhile: the page follows without being reloaded.
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries[:2]]).update(status="sent")
    expect(progress).to_contain_text("Envoyés : 2", timeout=8000)
    expect(progress).to_contain_text("Restants : 1")
