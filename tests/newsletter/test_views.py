"""Public pages of the letter: who sees what (permission matrix), archive, sheets, filters, PDF."""

import pytest

from tests.factories import ThemeFactory, commune
from tests.newsletter.conftest import ROLES
from tests.newsletter.factories import IssueFactory, SectionFactory, SheetFactory

pytestmark = pytest.mark.django_db

# role -> expected status, for pages everyone may see
EVERYONE = dict.fromkeys(ROLES, 200)
# A draft or a sheet in review is visible to the letter's editors (and the DACTE) only.
EDITORS_ONLY = {"anonymous": 404, "citizen": 404, "other_staff": 404, "editor": 200, "dacte": 200}


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_matrix(client, world, role):
    issue = IssueFactory(sent=True)
    SectionFactory(issue=issue, title="Le chèque énergie")
    draft_issue = IssueFactory()
    sheet = SheetFactory(title="Vélo-école")
    draft = SheetFactory(draft=True, title="Brouillon secret")
    review = SheetFactory(review=True)
    world.login(client, role)
    for url in [
        "/lettre/",
        "/lettre/merci/",
        "/lettre/fiches/",
        f"/lettre/{issue.number}/",
        sheet.get_absolute_url(),
    ]:
        assert client.get(url).status_code == EVERYONE[role], url
    # Drafts of issues are never public, not even to editors (they preview them in the admin).
    assert client.get(f"/lettre/{draft_issue.number}/").status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == EDITORS_ONLY[role]
    assert client.get(review.get_absolute_url()).status_code == EDITORS_ONLY[role]
    listing = client.get("/lettre/fiches/").content.decode()
    assert ("Brouillon secret" in listing) == (EDITORS_ONLY[role] == 200)


def test_staff_without_second_factor_sees_no_draft(client):
    from tests.newsletter.factories import editor

    client.force_login(editor(second_factor=False))
    assert client.get(SheetFactory(draft=True).get_absolute_url()).status_code == 404


def test_archive_shows_sections_agenda_sheets_and_co_funding(client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import EventFactory

    issue = IssueFactory(sent=True, title="Précarité énergétique")
    SectionFactory(
        issue=issue, kind="veille", title="Le chèque énergie", link="https://www.chequeenergie.gouv.fr/"
    )
    sheet = SheetFactory(title="Ateliers petits gestes")
    issue.sheets.add(sheet, SheetFactory(draft=True, title="Pas encore publiée"))
    start = timezone.now().replace(day=15, hour=10, minute=0, second=0, microsecond=0)
    EventFactory(title="Atelier du mois", starts_at=start, ends_at=start + timedelta(hours=2))
    page = client.get(f"/lettre/{issue.number}/").content.decode()
    for text in [
        "Précarité énergétique",
        "Veille des dispositifs",
        "Le chèque énergie",
        "Ateliers petits gestes",
        "Atelier du mois",
        "Département de la Seine-Maritime",
    ]:
        assert text in page, text
    assert "Pas encore publiée" not in page


def test_home_lists_sent_issues_only(client):
    IssueFactory(sent=True, title="Parue")
    IssueFactory(title="En préparation")
    page = client.get("/lettre/").content.decode()
    assert "Parue" in page and "En préparation" not in page


def test_sheet_filters_and_search(client):
    food = ThemeFactory(slug="alimentation-test", name="Alimentation test")
    a = SheetFactory(title="Cuisine de saison", commune=commune("elbeuf"))
    a.themes.add(food)
    SheetFactory(title="Vélo-école", action="Apprendre le vélo", commune=commune("rouen"))

    def titles(query):
        return client.get("/lettre/fiches/" + query).content.decode()

    assert "Cuisine de saison" in titles("?theme=alimentation-test") and "Vélo-école" not in titles(
        "?theme=alimentation-test"
    )
    assert "Vélo-école" in titles("?commune=rouen") and "Cuisine de saison" not in titles("?commune=rouen")
    assert "Vélo-école" in titles("?q=vélo") and "Cuisine de saison" not in titles("?q=vélo")
    partial = client.get("/lettre/fiches/?q=vélo", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "Vélo-école" in partial


def test_bad_filter_values_are_not_errors(client):
    response = client.get("/lettre/fiches/?commune=atlantide&page=zz&theme=")
    assert response.status_code == 200


def test_sheet_page_has_every_part_a_print_stylesheet_and_a_pdf(client):
    sheet = SheetFactory(title="Vestiaire solidaire", partners="CCAS et ressourcerie", contact="Le CCAS")
    page = client.get(sheet.get_absolute_url()).content.decode()
    for heading in [
        "En bref",
        "Contexte",
        "Public concerné",
        "L'action",
        "Partenaires",
        "Résultats",
        "Contact",
    ]:
        assert heading in page or heading.replace("'", "&#x27;") in page
    assert "css/newsletter.css" in page
    response = client.get(sheet.get_absolute_url() + "pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(SheetFactory(draft=True).get_absolute_url() + "pdf/").status_code == 404


def test_print_stylesheet_hides_the_site_around_the_sheet():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/newsletter.css").read_text()
    assert "@media print" in css and ".site-header" in css.split("@media print", 1)[1]


def test_personal_data_page_says_opens_are_not_tracked(client):
    page = client.get("/donnees-personnelles/").content.decode()
    assert "Lettre aux travailleurs sociaux" in page
    assert "ne sont pas mesurés" in page


def test_my_space_section(client, world):
    world.login(client, "citizen")
    page = client.get("/mon-espace/").content.decode()
    assert "Lettre aux travailleurs sociaux" in page
    assert 'href="/lettre/#abonnement"' in page


def test_reading_pages_answer_head(client):
    issue = IssueFactory(sent=True)
    sheet = SheetFactory()
    for url in [
        "/lettre/",
        "/lettre/merci/",
        "/lettre/fiches/",
        f"/lettre/{issue.number}/",
        sheet.get_absolute_url(),
    ]:
        response = client.head(url)
        assert response.status_code == 200 and response.content == b"", url
