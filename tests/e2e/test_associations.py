"""Action 3 in the browser (issue, point 9), through the real pages, links and buttons.

A référent fills an application, saves it, comes back another time, completes and submits it with
its documents; an instructor asks for a correction in the admin; the référent resubmits; the
instructor accepts, records the signed convention and a payment; the référent files the bilan,
which shows the portal's figures for the association. axe-core finds no serious or critical
violation on the action's pages, anonymous and signed in.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from associations.enums import ApplicationStatus as S
from associations.models import SubsidyApplication
from pacte.enums import Action, RegistrationStatus
from pacte.models import Event, Registration
from tests.associations.factories import PDF, CampaignFactory, instructor, labelled_association, referent
from tests.e2e.axe import assert_accessible
from tests.factories import UserFactory, commune


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PDF)
    return path


def _past_events(organisation):
    """Two events of the association, already held, with registrations and attendance."""
    for index in range(2):
        starts_at = timezone.now() - timedelta(days=30 + 10 * index)
        event = Event.objects.create(
            title=f"Atelier compost n° {index + 1}",
            slug=f"atelier-compost-{index + 1}",
            action=Action.ASSOCIATIONS,
            organiser=organisation,
            commune=commune("rouen"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            capacity=20,
            is_published=True,
            walk_in_count=3,
            attendance_recorded_at=starts_at + timedelta(hours=3),
        )
        for n in range(4):
            Registration.objects.create(
                event=event, user=UserFactory(), status=RegistrationStatus.CONFIRMED, attended=n < 3
            )


def _admin_move(page, application, button, fields=None, files=None):
    page.goto(f"/admin/associations/subsidyapplication/{application.pk}/change/")
    page.get_by_role("link", name=button, exact=True).click()
    for label, value in (fields or {}).items():
        page.get_by_label(label).fill(value)
    for label, path in (files or {}).items():
        page.get_by_label(label).set_input_files(path)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_application_from_draft_to_bilan(page, context, log_in, tmp_path):
    association = labelled_association(name="Compost en Seine", slug="compost-en-seine")
    lead = referent(association)
    _past_events(association)
    CampaignFactory(title="Campagne Relais COP21 2031", year=2031)
    start = (timezone.localdate() - timedelta(days=90)).isoformat()
    end = (timezone.localdate() + timedelta(days=30)).isoformat()

    # 1. The référent starts and saves a draft.
    log_in(lead)
    page.goto("/mon-espace/")
    page.get_by_role("link", name="label et subventions de Compost en Seine").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compost en Seine")
    assert_accessible(page)
    page.get_by_role("button", name="Commencer la demande 2031").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Le programme")
    page.get_by_label("Titre du programme").fill("Composter en pied d'immeuble")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")
    application = SubsidyApplication.objects.get(organisation=association)
    assert application.title == "Composter en pied d'immeuble" and application.status == S.DRAFT

    # 2. Another day: back through Mon espace, the draft is waiting.
    page.context.clear_cookies()
    log_in(lead)
    page.goto("/mon-espace/")
    page.get_by_role("link", name=re.compile("demande de subvention en brouillon")).click()
    expect(page.get_by_label("Titre du programme")).to_have_value("Composter en pied d'immeuble")
    page.get_by_label("Résumé").fill("Installer et animer des composteurs partagés.")
    page.get_by_label("Objectifs").fill("Réduire les déchets de 30 familles.")
    page.get_by_role("group", name="Thèmes").get_by_label("Consommation et déchets").check()
    page.get_by_role("group", name="Publics visés").get_by_label("Familles").check()
    page.get_by_label("Début du programme").fill(start)
    page.get_by_label("Fin du programme").fill(end)
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("Intitulé de l'action").fill("Ateliers compost")
    action.get_by_label("Public").select_option(label="Familles")
    action.get_by_label("Participants attendus").fill("30")
    action.get_by_label("Communes").select_option(label="Rouen")
    action.get_by_label("Début").fill(start)
    action.get_by_label("Fin").fill(end)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Le budget")
    first = page.get_by_role("group", name="Ligne 1")
    first.get_by_label("Poste").select_option(label="Achats (fournitures, petit matériel)")
    first.get_by_label("Montant (€)").fill("2 400")
    second = page.get_by_role("group", name="Ligne 2")
    second.get_by_label("Poste").select_option(label="Subvention demandée à la Métropole Rouen Normandie")
    second.get_by_label("Montant (€)").fill("2400")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # Submitting too early: what is missing, in French, at the top.
    page.get_by_role("link", name="6. Vérifier et déposer").click()
    page.get_by_role("button", name="Déposer le dossier").click()
    alert = page.locator("#a-completer")
    expect(alert).to_contain_text("Le dossier ne peut pas encore être déposé")
    expect(alert).to_contain_text("Joignez le document « Relevé d'identité bancaire »")
    expect(alert).to_contain_text("Certifiez l'exactitude des informations du dossier.")
    assert_accessible(page)

    page.get_by_role("link", name="4. Les pièces justificatives").click()
    section = page.get_by_role("region", name="Relevé d'identité bancaire")
    section.get_by_label("Fichier").set_input_files(_pdf(tmp_path, "rib.pdf"))
    section.get_by_role("button", name="Joindre").click()
    expect(page.get_by_role("status")).to_contain_text("Document ajouté au dossier.")
    assert_accessible(page)
    page.get_by_role("link", name="Continuer").click()
    page.get_by_label("Quels partenaires ?").fill("Le bailleur et le centre social du quartier.")
    page.get_by_label(re.compile("Je certifie exactes")).check()
    page.get_by_label(re.compile("obligations sociales et fiscales")).check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Le dossier est complet")).to_be_visible()
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page.get_by_role("status")).to_contain_text("Votre dossier est déposé")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert_accessible(page)

    # 3. The instructor asks for a correction in the admin.
    staff = instructor()
    page.context.clear_cookies()
    log_in(staff)
    page.goto("/admin/associations/subsidyapplication/tableau/")
    expect(page.get_by_role("heading", name="À instruire : 1")).to_be_visible()
    _admin_move(
        page,
        application,
        "Demander une correction",
        {"Message à l'association": "Précisez le nombre de composteurs."},
    )
    application.refresh_from_db()
    assert application.status == S.CORRECTION

    # 4. The référent corrects and resubmits.
    page.context.clear_cookies()
    log_in(lead)
    page.goto(f"/associations/dossiers/{application.pk}/")
    expect(page.get_by_role("note")).to_contain_text("Précisez le nombre de composteurs.")
    page.get_by_role("link", name="Corriger le dossier").click()
    page.get_by_label("Objectifs").fill("Réduire les déchets de 30 familles avec 3 composteurs.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_role("link", name="6. Vérifier et déposer").click()
    page.get_by_role("button", name="Redéposer le dossier corrigé").click()
    expect(page.get_by_role("status")).to_contain_text("Votre dossier est déposé")

    # 5. The instructor accepts, records the convention and a payment.
    page.context.clear_cookies()
    log_in(staff)
    _admin_move(
        page,
        application,
        "Accepter",
        {
            "Montant accordé (€)": "2 000",
            "Référence de la décision": "C2031-0042",
            "Date de la décision": timezone.localdate().isoformat(),
        },
    )
    _admin_move(
        page,
        application,
        "Enregistrer la convention signée",
        {"Signée le": timezone.localdate().isoformat()},
        {"Convention signée": _pdf(tmp_path, "convention.pdf")},
    )
    _admin_move(
        page,
        application,
        "Enregistrer un versement",
        {"Montant versé (€)": "2000", "Versé le": timezone.localdate().isoformat()},
    )
    application.refresh_from_db()
    assert application.status == S.PAID and application.granted_amount == 2000

    # 6. The référent files the bilan, prefilled with the portal's figures.
    page.context.clear_cookies()
    log_in(lead)
    page.goto(f"/associations/dossiers/{application.pk}/")
    page.get_by_role("link", name="Remplir le bilan").click()
    figures = page.get_by_role("region", name="Ce que le portail a compté")
    expect(figures).to_contain_text("2 événements")
    expect(figures).to_contain_text("8 inscriptions confirmées")
    expect(figures).to_contain_text("6 présences pointées")
    expect(figures).to_contain_text("6 personnes venues sans inscription")
    assert_accessible(page)
    page.get_by_label("Nombre d'actions réalisées").fill("2")
    page.get_by_label("Compte rendu qualitatif").fill("Deux ateliers, trois composteurs installés.")
    row = page.get_by_role("group", name="Participants 1")
    expect(row.get_by_label("Commune")).to_have_value("Rouen")  # prefilled from the planned action
    row.get_by_label("Participants").fill("14")
    page.get_by_label(re.compile("Achats.*réalisé")).fill("2400")
    page.get_by_label(re.compile("Subvention demandée.*réalisé")).fill("2000")
    page.get_by_role("group", name=re.compile("Subvention demandée")).get_by_label(
        re.compile("Explication")
    ).fill("La Métropole a accordé 2 000 € ; le reste est venu des fonds propres.")
    page.get_by_role("button", name="Enregistrer et déposer le bilan").click()
    expect(page.get_by_role("status")).to_contain_text("Votre bilan est déposé")
    application.refresh_from_db()
    assert application.status == S.BILAN_SUBMITTED
    assert application.bilan.portal_figures["attended"] == 6 and application.bilan.people_reached == 14


def test_public_pages_are_accessible(page, log_in):
    association = labelled_association(name="Compost en Seine", slug="compost-en-seine")
    campaign = CampaignFactory(year=2031)
    for path in [
        "/associations/",
        "/associations/compost-en-seine/",
        "/associations/programmes-finances/",
        "/associations/charte/",
        f"/associations/campagnes/{campaign.year}/",
        "/donnees/",
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    log_in(referent(association))
    for path in [
        "/associations/",
        f"/associations/campagnes/{campaign.year}/",
        "/associations/mon-association/compost-en-seine/",
    ]:
        page.goto(path)
        assert_accessible(page)
