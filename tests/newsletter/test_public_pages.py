"""The letter's public pages read what everyone sees from the cache (docs/conventions.md,
Performance): a warm issue or sheet page runs no query, a write shows at the next request, the
queries stay few whatever the data size, and a person's subscription state is never shared.
Page cache off: every request here renders the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsletter.enums import SubscriberStatus
from newsletter.models import Section, subscription_status
from newsletter.services.sheets import sheet_return_to_draft
from tests.factories import ThemeFactory, UserFactory
from tests.newsletter.factories import IssueFactory, SectionFactory, SheetFactory, SubscriberFactory, editor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def _issue_with(sections, sheets):
    issue = IssueFactory(sent=True, title="Se chauffer sans se ruiner")
    for n in range(sections):
        SectionFactory(issue=issue, title=f"Article {n}")
    for n in range(sheets):
        issue.sheets.add(SheetFactory(title=f"Fiche {n}"))
    return issue


def test_a_warm_issue_page_reads_nothing_from_the_database(client):
    issue = _issue_with(sections=2, sheets=2)
    url = issue.get_absolute_url()
    text, _ = _get(client, url)
    assert "Se chauffer sans se ruiner" in text and "Article 1" in text and "Fiche 1" in text
    assert _get(client, url)[1] == 0
    # The bench's cache buster (an unknown parameter) reads the same entry.
    assert _get(client, f"{url}?_inconnu=1")[1] == 0


@pytest.mark.parametrize("signed_in", [False, True])
def test_issue_and_sheet_pages_queries_few_and_constant(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    few_issue = _issue_with(sections=1, sheets=1)
    many_issue = _issue_with(sections=12, sheets=12)
    few_sheet = SheetFactory()
    many_sheet = SheetFactory()
    few_sheet.themes.add(ThemeFactory())
    many_sheet.themes.add(*[ThemeFactory() for _ in range(8)])
    for few, many in [(few_issue, many_issue), (few_sheet, many_sheet)]:
        # First renders (the cache is cold): bounded and the same with many rows.
        cold = _get(client, few.get_absolute_url())[1]
        assert cold <= 6
        assert _get(client, many.get_absolute_url())[1] == cold
        # Warm: no query but the layout's (the session and the user, signed in).
        layout = _get(client, "/donnees/")[1]
        assert _get(client, many.get_absolute_url())[1] == _get(client, few.get_absolute_url())[1] == layout


def test_issue_page_follows_its_sections_and_sheets(client):
    issue = _issue_with(sections=1, sheets=1)
    sheet = issue.sheets.get()
    url = issue.get_absolute_url()
    assert "Fiche 0" in _get(client, url)[0]
    # A plain save (the admin's) renews it through the watched models, as a service would.
    Section.objects.create(issue=issue, kind="formations", title="Une formation toute neuve", body="…")
    sheet_return_to_draft(sheet=sheet, by=editor(), reason="À reprendre.")
    text = _get(client, url)[0]
    assert "Une formation toute neuve" in text
    assert "Fiche 0" not in text


def test_an_issue_not_sent_is_a_404_never_cached(client):
    issue = IssueFactory(title="En préparation")
    url = issue.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
    issue.status = "sent"
    issue.save()
    assert "En préparation" in _get(client, url)[0]


def test_a_draft_sheet_is_shown_to_its_editors_only_and_never_shared(client):
    sheet = SheetFactory(draft=True, title="Fiche en chantier")
    url = sheet.get_absolute_url()
    client.force_login(editor())
    text = _get(client, url)[0]
    assert "Fiche en chantier" in text and "Brouillon" in text
    client.logout()
    assert client.get(url).status_code == 404


def test_subscription_status_by_the_normalised_address():
    SubscriberFactory(email="marie@ccas.example.fr")
    SubscriberFactory(email="paul@ccas.example.fr", pending=True)
    assert subscription_status("  Marie@CCAS.example.fr ") == SubscriberStatus.ACTIVE
    assert subscription_status("paul@ccas.example.fr") == SubscriberStatus.PENDING
    assert subscription_status("personne@example.fr") is None


def test_letter_page_subscription_state_stays_the_person_s(client):
    subscribed = UserFactory(email="Abonnee@Example.org")
    SubscriberFactory(email="abonnee@example.org")
    other = UserFactory(email="autre@example.org")
    client.force_login(subscribed)
    text, queries = _get(client, "/lettre/")
    assert "Vous êtes abonné·e avec l'adresse abonnee@example.org" in text
    assert 'name="email"' not in text  # no form for who is subscribed
    assert queries <= 6
    client.force_login(other)
    text = _get(client, "/lettre/")[0]
    assert "abonnee@example.org" not in text
    assert "<strong>autre@example.org</strong>" in text  # the one-click subscription, theirs
    assert 'name="email"' in text  # the shared form
    client.logout()
    text, queries = _get(client, "/lettre/")
    assert "autre@example.org" not in text and "M'abonner en un clic" not in text
    assert queries == 0  # the form and the archive are warm fragments


def test_letter_page_title_says_error_only_for_a_form_with_errors(client):
    text = _get(client, "/lettre/")[0]
    assert "<title>Lettre aux travailleurs sociaux" in text
    response = client.post("/lettre/", {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert "<title>Erreur : Lettre aux travailleurs sociaux" in response.content.decode()
