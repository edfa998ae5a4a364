"""Action 4's tool loans in the browser (issue 12, point 6): an association asks for a copy, the
owner accepts, the copy goes out, passes directly to the next borrower (both sides confirm) and
comes back; an overlapping request is refused with its reason. axe-core finds no serious or
critical violation on the pages, anonymous and signed in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from associations.reseau.tools.enums import LoanStatus
from associations.reseau.tools.models import Loan
from tests.associations.factories import labelled_association, referent
from tests.associations.reseau.tools.factories import ToolCopyFactory, ToolFactory, ToolFileFactory
from tests.e2e.axe import assert_accessible


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _request(page, tool, borrower, start, end):
    page.goto(f"/associations/reseau/outils/{tool.pk}/")
    page.get_by_role("link", name="Demander un prêt").click()
    page.locator("#id_borrower").select_option(label=borrower.name)
    page.locator("#id_start_on").fill(start.isoformat())
    page.locator("#id_end_on").fill(end.isoformat())
    page.get_by_role("button", name="Envoyer la demande").click()


def test_loan_from_request_to_handoff_to_return(page, context, log_in):
    owner = labelled_association(name="Les Jardins du Mont", slug="jardins-du-mont")
    first = labelled_association(name="Vélo Partage", slug="velo-partage")
    second = labelled_association(name="Seine Propre", slug="seine-propre")
    lender, lead_first, lead_second = referent(owner), referent(first), referent(second)
    tool = ToolFactory(owner=owner, title="Le grand jeu de l'oie du climat")
    ToolCopyFactory(tool=tool)
    ToolFileFactory(tool=tool, title="Règle du jeu", is_public=True)
    today = timezone.localdate()

    # Anonymous: the catalogue and the tool page, without the copies.
    page.goto("/associations/reseau/outils/")
    expect(page.get_by_role("heading", name="Outils d'animation du réseau")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Le grand jeu de l'oie du climat").click()
    expect(page.get_by_role("link", name="Règle du jeu")).to_be_visible()
    expect(page.get_by_text("Exemplaires à emprunter")).to_have_count(0)
    assert_accessible(page)

    # 1. Vélo Partage asks for the copy, today and the next two days.
    log_in(lead_first)
    _request(page, tool, first, today, today + timedelta(days=2))
    expect(page.get_by_text("Votre demande est envoyée")).to_be_visible()
    assert_accessible(page)
    first_loan = Loan.objects.get(borrower=first)

    # 2. A request of Seine Propre that overlaps is refused with its reason.
    log_in(lead_second)
    _request(page, tool, second, today + timedelta(days=1), today + timedelta(days=4))
    expect(page.get_by_role("alert")).to_contain_text("déjà réservé")
    assert_accessible(page)
    # The calendar shows the booked days in words.
    page.goto(f"/associations/reseau/outils/{tool.pk}/calendrier/")
    expect(page.get_by_role("table")).to_contain_text("réservé")
    assert_accessible(page)
    _request(page, tool, second, today + timedelta(days=3), today + timedelta(days=5))
    expect(page.get_by_text("Votre demande est envoyée")).to_be_visible()
    second_loan = Loan.objects.get(borrower=second)

    # 3. The owner accepts both from the loans board.
    log_in(lender)
    page.goto("/associations/reseau/outils/prets/")
    assert_accessible(page)
    for loan in (first_loan, second_loan):
        page.goto(loan.get_absolute_url())
        page.get_by_role("button", name="Accepter le prêt").click()
        expect(page.get_by_text("Le prêt est accepté")).to_be_visible()
    assert_accessible(page)

    # 4. Vélo Partage picks the copy up, then hands it to Seine Propre.
    log_in(lead_first)
    page.goto(first_loan.get_absolute_url())
    page.get_by_role("button", name="Enregistrer la sortie de l'exemplaire").click()
    expect(page.get_by_text("La sortie de l'exemplaire est enregistrée")).to_be_visible()
    page.get_by_label("État de l'exemplaire").fill("Complet, bâche propre.")
    page.get_by_role("button", name="Je confirme la remise à Seine Propre").click()
    expect(page.get_by_text("l'autre association confirme à son tour")).to_be_visible()
    assert_accessible(page)

    # 5. Seine Propre confirms the receiving: the copy changes hands.
    log_in(lead_second)
    page.goto(second_loan.get_absolute_url())
    expect(page.get_by_text("Vélo Partage a confirmé la remise")).to_be_visible()
    page.get_by_label("État de l'exemplaire").fill("Reçu complet.")
    page.get_by_role("button", name="Je confirme la réception").click()
    expect(page.get_by_text("l'exemplaire change de main")).to_be_visible()
    assert_accessible(page)
    first_loan.refresh_from_db()
    second_loan.refresh_from_db()
    assert (first_loan.status, second_loan.status) == (LoanStatus.HANDED_OFF, LoanStatus.OUT)

    # 6. The copy comes back to its owner.
    log_in(lender)
    page.goto(second_loan.get_absolute_url())
    page.get_by_label("État au retour").select_option(label="Usé")
    page.get_by_label("Remarques sur l'état").fill("Un coin de la bâche décousu.")
    page.get_by_role("button", name="Enregistrer le retour").click()
    expect(page.get_by_text("Le retour de l'exemplaire est enregistré")).to_be_visible()
    assert_accessible(page)
    second_loan.refresh_from_db()
    copy = second_loan.copy
    copy.refresh_from_db()
    assert second_loan.status == LoanStatus.RETURNED
    assert (copy.holder, copy.condition) == (owner, "use")
