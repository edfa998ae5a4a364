"""The Atelier des Transitions in the browser (issue 2, point 8), through the real pages.

An association référent applies step by step (draft saved, documents, completeness check) and
submits; Atelier staff score it in the admin and retain it; the new resident accepts the house
rules, books a weekly recurring slot from the week calendar (conflicts listed before confirming) and
is refused an overlapping booking with its reason. axe-core finds no serious or critical violation
on the Atelier's pages, anonymous and signed in.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from atelier.enums import ApplicationStatus, BookingStatus
from atelier.models import Application, Booking, Residency
from tests.atelier.factories import (
    ApplicationFactory,
    BookingFactory,
    CallFactory,
    SpaceFactory,
    at,
    next_monday,
    referent,
    resident,
)
from tests.e2e.axe import assert_accessible
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": tmp_path / "private"}},
    }


@pytest.fixture
def atelier(e2e_db):
    space = SpaceFactory(name="Salle de la Seine", slug="salle-de-la-seine")
    call = CallFactory(title="Appel à résidence 2027", slug="appel-2027")
    association = OrganisationFactory(name="Compost en Seine", slug="compost-en-seine")
    person = referent(association)
    staff = UserFactory(staff=True)
    staff.groups.add(Group.objects.get(name="Gestion de l'Atelier"))
    other, _ = resident(space)
    return {
        "space": space,
        "call": call,
        "association": association,
        "referent": person,
        "staff": staff,
        "other": other,
    }


def test_application_selection_recurring_booking_and_refused_overlap(page, log_in, atelier, tmp_path):
    space, person = atelier["space"], atelier["referent"]
    monday = next_monday()
    # Another resident holds Monday 14:00–16:00 in two weeks.
    BookingFactory(
        space=space,
        residency=atelier["other"],
        organisation=atelier["other"].organisation,
        starts_at=at(monday + timedelta(days=14), 14),
        ends_at=at(monday + timedelta(days=14), 16),
    )

    # 1. The référent applies, step by step.
    log_in(person)
    page.goto("/atelier/")
    page.get_by_role("link", name="Appel à résidence 2027").click()
    page.get_by_role("button", name="Candidater pour Compost en Seine").click()
    page.get_by_label("Titre du projet").fill("Compost de quartier")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    page.get_by_label("Salle de la Seine").check()
    page.get_by_label("Chaque semaine").check()
    page.get_by_label("Heures par semaine souhaitées").fill("4")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_label("Public attendu").fill("Voisins des jardins")
    page.locator("input[name=themes]").first.check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    statuts = tmp_path / "statuts.pdf"
    statuts.write_bytes(b"%PDF-1.4\n% statuts\n")
    page.get_by_label("Statuts de l'association").set_input_files(statuts)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    # The completeness check names what is missing, next to the field.
    expect(page.get_by_role("alert")).to_contain_text("Le projet")
    expect(page.get_by_text("Décrivez le projet.")).to_be_visible()
    page.get_by_role("link", name="Compléter : Le projet").click()
    page.get_by_label("Le projet", exact=True).fill("Un composteur partagé et des ateliers mensuels.")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.goto(Application.objects.get().get_absolute_url() + "?etape=depot")
    assert_accessible(page)
    page.get_by_role("button", name="Déposer la candidature").click()
    expect(page.get_by_text("Candidature déposée.")).to_be_visible()
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED

    # 2. Atelier staff score it and retain it in the admin.
    log_in(atelier["staff"])
    page.goto(f"/admin/atelier/application/{application.pk}/change/")
    page.get_by_role("link", name="Évaluer cette candidature").click()
    # Labels auto-wait for the review page (a locator list would not).
    page.get_by_label("Contribution au PACTE (pondération 3)").fill("4")
    page.get_by_label("Partenariats (pondération 1)").fill("4")
    page.get_by_label("Note privée").fill("Projet solide.")
    page.get_by_role("button", name="Enregistrer l'évaluation").click()
    expect(page.get_by_text("Évaluation enregistrée.")).to_be_visible()
    page.goto("/admin/atelier/application/")
    expect(page.locator("#result_list")).to_contain_text("16.0")
    page.locator(f"input[name=_selected_action][value='{application.pk}']").check()
    page.locator("select[name=action]").select_option("retain")
    page.locator("button[name=index]").click()
    page.get_by_label("Message à l'association (facultatif)").fill("Bienvenue !")
    page.get_by_role("button", name="Confirmer la décision").click()
    # The admin page the decision leads to, scripts included, before the browser changes account:
    # otherwise its /admin/jsi18n/ may go out with the next person's cookie (a 403 in the console).
    expect(page.locator("ul.messagelist")).to_be_visible()
    page.wait_for_load_state("load")
    residency = Residency.objects.get(organisation=atelier["association"])
    assert list(residency.spaces.all()) == [space]

    # 3. The resident accepts the house rules and books a weekly series from the calendar.
    log_in(person)
    page.goto("/mon-espace/")
    page.get_by_role("link", name=re.compile("Compost en Seine est résidente")).click()
    page.get_by_label(re.compile("J'accepte le règlement intérieur")).check()
    page.get_by_role("button", name="Accepter le règlement").click()
    page.get_by_role("link", name="Réserver un espace").click()
    page.goto(
        f"/atelier/residence/compost-en-seine/semaine/?espace=salle-de-la-seine&semaine={monday.isoformat()}"
    )
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"réserver lundi .* à 14:00")).click()
    page.get_by_label("Fin").fill("16:00")
    page.get_by_label("Objet").fill("Permanence compost")
    page.get_by_label("Répéter chaque semaine").check()
    page.get_by_label("Jusqu'au (inclus)").fill((monday + timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Réserver").click()
    # The conflicting occurrence is listed before confirming.
    expect(page.get_by_text("3 occurrences sur 4 peuvent être réservées")).to_be_visible()
    expect(page.locator("table")).to_contain_text("déjà réservé de 14:00 à 16:00")
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer 3 réservations").click()
    expect(page.get_by_text("3 réservations enregistrées, 1 créneau en conflit non réservé.")).to_be_visible()
    assert (
        Booking.objects.filter(
            residency=residency, series__isnull=False, status=BookingStatus.CONFIRMED
        ).count()
        == 3
    )

    # 4. An overlapping booking is refused with its reason; what was typed stays.
    page.goto("/atelier/residence/compost-en-seine/reserver/")
    page.get_by_label("Jour").fill((monday + timedelta(days=14)).isoformat())
    page.get_by_label("Début").fill("15:00")
    page.get_by_label("Fin").fill("17:00")
    page.get_by_label("Objet").fill("Réunion du bureau")
    page.get_by_role("button", name="Réserver").click()
    expect(page.get_by_role("alert")).to_contain_text("est déjà réservé de 14:00 à 16:00 ce jour-là")
    expect(page.get_by_label("Objet")).to_have_value("Réunion du bureau")
    assert_accessible(page)


@pytest.mark.parametrize("signed_in", [False, True])
def test_atelier_pages_have_no_serious_or_critical_violation(page, log_in, atelier, signed_in):
    space = atelier["space"]
    residency, person = resident(space)
    booking = BookingFactory(space=space, residency=residency, organisation=residency.organisation)
    application = ApplicationFactory(call=atelier["call"], organisation=atelier["association"])
    pages = ["/atelier/", space.get_absolute_url(), atelier["call"].get_absolute_url()]
    if signed_in:
        log_in(person)
        slug = residency.organisation.slug
        pages += [
            f"/atelier/residence/{slug}/",
            f"/atelier/residence/{slug}/semaine/",
            f"/atelier/residence/{slug}/reserver/",
            booking.get_absolute_url(),
            f"/atelier/reservations/{booking.pk}/publier/",
        ]
    for path in pages:
        page.goto(path)
        assert_accessible(page)
    if signed_in:
        log_in(atelier["referent"])
        for step in ("projet", "besoins", "public", "documents", "depot"):
            page.goto(f"{application.get_absolute_url()}?etape={step}")
            assert_accessible(page)
