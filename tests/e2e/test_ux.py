"""The UX issue's journeys in the browser:

- the association référent of the demo (asso@demo.pacte.fr) edits the page of their structure in
  "Ma structure" and proposes an event; a DACTE agent publishes it in the admin; it is on the agenda;
- a citizen's agenda opens on their home commune, with the switch to all communes, and the commune
  list can be typed into;
- a failed form puts the focus on its error summary, and the title starts with "Erreur : ";
- every new page passes axe-core.
"""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from pacte.demo import seed_base
from pacte.models import Event, Organisation, User
from pacte.permissions import SECOND_FACTOR_MARK
from pacte.services.registrations import registration_create
from tests.e2e.axe import assert_accessible
from tests.factories import EventFactory, UserFactory, commune


def _demo():
    seed_base()
    referent = User.objects.get(email="asso@demo.pacte.fr")
    organisation = Organisation.objects.get(memberships__user=referent, memberships__role="referent")
    return referent, organisation


def test_association_referent_edits_their_structure_and_proposes_an_event_staff_publish(
    page, log_in, context
):
    referent, organisation = _demo()
    log_in(referent)

    page.goto("/mon-espace/")
    page.get_by_role("link", name=f"Ma structure : {organisation.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{organisation.name} : page publique")
    assert_accessible(page)

    page.get_by_label("Présentation courte").fill("Des parcelles partagées et des ateliers de compost.")
    page.get_by_label("Site web").fill("pas une adresse")
    page.get_by_role("button", name="Enregistrer la page").click()
    # The error summary takes the focus; nothing typed is lost.
    expect(page).to_have_title(re.compile(r"^Erreur : "))
    expect(page.locator(".form-errors")).to_be_focused()
    expect(page.get_by_label("Présentation courte")).to_have_value(
        "Des parcelles partagées et des ateliers de compost."
    )
    assert_accessible(page)
    page.get_by_label("Site web").fill("https://jardins-partages.example.fr")
    page.get_by_role("button", name="Enregistrer la page").click()
    expect(page.get_by_role("status")).to_contain_text("La page de la structure est enregistrée.")

    page.get_by_role("navigation", name="Ma structure").get_by_role(
        "link", name="Voir la page publique"
    ).click()
    expect(page.get_by_text("Des parcelles partagées et des ateliers de compost.")).to_be_visible()
    expect(page.get_by_role("link", name="https://jardins-partages.example.fr")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/mon-espace/structures/{organisation.slug}/membres/")
    assert_accessible(page)
    page.goto(f"/mon-espace/structures/{organisation.slug}/evenements/")
    assert_accessible(page)
    page.get_by_role("link", name="Proposer un événement").click()
    assert_accessible(page)
    starts = timezone.localtime() + timedelta(days=12)
    page.get_by_label("Titre").fill("Troc de graines au jardin")
    page.get_by_label("Action du PACTE").select_option(label="Associations Relais COP21")
    page.get_by_label("Début").fill(starts.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Fin").fill(starts.strftime("%Y-%m-%dT20:00"))
    page.get_by_label("Lieu").fill("Jardin des Chartreux")
    page.wait_for_load_state()
    page.get_by_label("Commune").fill("Le Petit-Quevilly")
    page.get_by_label("Places").fill("25")
    page.get_by_role("button", name="Proposer l'événement").click()
    expect(page.get_by_role("status")).to_contain_text("La DACTE le relira")
    expect(page.get_by_role("row", name=re.compile("Troc de graines au jardin"))).to_contain_text(
        "En attente de publication"
    )
    event = Event.objects.get(title="Troc de graines au jardin")
    assert event.organiser == organisation and not event.is_published
    assert event.commune == commune("le-petit-quevilly") and event.capacity == 25

    # A DACTE agent publishes it in the admin.
    context.clear_cookies()
    staff = User.objects.get(email="dacte@demo.pacte.fr")
    setattr(staff, SECOND_FACTOR_MARK, True)
    log_in(staff)
    page.goto("/admin/pacte/event/?is_published__exact=0")
    row = page.get_by_role("row", name=re.compile("Troc de graines au jardin"))
    row.get_by_role("checkbox").check()
    page.locator('select[name="action"]').select_option(value="publish")
    page.locator('button[name="index"]').click()
    expect(page.locator(".messagelist")).to_contain_text("publié")
    event.refresh_from_db()
    assert event.is_published

    context.clear_cookies()
    page.goto("/agenda/")
    expect(page.get_by_role("link", name="Troc de graines au jardin")).to_be_visible()


def test_citizen_agenda_opens_on_their_commune(page, log_in):
    EventFactory(title="Atelier vélo à Darnétal", commune=commune("darnetal"))
    EventFactory(title="Repair café à Rouen", commune=commune("rouen"))
    log_in(UserFactory(home_commune=commune("darnetal")))

    page.goto("/agenda/")
    results = page.locator("#resultats")
    expect(results).to_contain_text("Atelier vélo à Darnétal")
    expect(results).not_to_contain_text("Repair café à Rouen")
    expect(results).to_contain_text("La liste s'ouvre sur votre commune, Darnétal.")
    assert_accessible(page)

    results.get_by_role("link", name="Voir toutes les communes").click()
    expect(page.locator("#resultats")).to_contain_text("Repair café à Rouen")
    expect(page.locator("#resultats")).to_contain_text("Atelier vélo à Darnétal")

    # The commune filter can be typed into, accents and case aside; htmx swaps the results.
    page.wait_for_load_state()
    field = page.locator("#id_commune_saisie")
    expect(page.get_by_label("Commune")).to_have_attribute("list", "id_commune_liste")
    field.fill("rouen")
    field.press("Tab")
    expect(page.locator("#resultats")).not_to_contain_text("Atelier vélo à Darnétal")
    expect(page.locator("#resultats")).to_contain_text("Repair café à Rouen")
    expect(page.get_by_role("link", name="Ajouter cette sélection à mon agenda")).to_have_attribute(
        "href", re.compile(r"^webcal://.*/agenda/agenda\.ics\?commune=rouen$")
    )


def test_agenda_filters_fold_on_small_screens(context):
    EventFactory(title="Atelier vélo")
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/agenda/")
    summary = page.locator("summary", has_text="Filtrer")
    expect(page.get_by_label("Action")).to_be_hidden()
    summary.click()
    expect(page.get_by_label("Action")).to_be_visible()
    assert_accessible(page)


def test_cancel_confirmation_and_past_event_pages_are_accessible(page, log_in):
    event = EventFactory(title="Balade au bord de Seine", capacity=1)
    person = UserFactory()
    registration_create(event=event, user=person)
    past = EventFactory(title="Fresque passée", past=True)
    page.goto(event.get_absolute_url())
    expect(page.get_by_text("une liste d'attente est ouverte")).to_be_visible()
    log_in(person)
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Annuler mon inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuler mon inscription ?")
    assert_accessible(page)
    page.get_by_role("link", name="Non, garder mon inscription").click()
    expect(page.get_by_text("Vous êtes inscrit·e à cet événement.")).to_be_visible()
    page.goto(past.get_absolute_url())
    expect(page.get_by_text("Événement terminé.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("inscrire"))).to_have_count(0)
    assert_accessible(page)


def test_error_pages_are_accessible(context):
    # Not the `page` fixture: Chromium logs the document's own 404 as a console error.
    page = context.new_page()
    response = page.goto("/cette-page-n-existe-pas/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    assert_accessible(page)


def test_ma_structure_secondary_pages_are_accessible(page, log_in, context):
    from pacte.models import Membership
    from pacte.services.organisations import invitation_token, organisation_invite

    referent, organisation = _demo()
    member = Membership.objects.create(organisation=organisation, user=UserFactory(), role="membre")
    event = EventFactory(organiser=organisation, title="Atelier semis")
    registration_create(event=event, user=UserFactory())
    invitation = organisation_invite(
        organisation=organisation, email="nouvelle@exemple.fr", role="membre", by=referent
    )
    log_in(referent)

    page.goto(f"/mon-espace/structures/{organisation.slug}/evenements/")
    page.get_by_role("link", name="Inscrits : Atelier semis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrits : Atelier semis")
    assert_accessible(page)

    page.goto(f"/mon-espace/structures/{organisation.slug}/membres/")
    page.get_by_role("link", name=f"Retirer {member.user.display_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Retirer {member.user.display_name}")
    assert_accessible(page)
    page.get_by_role("button", name=f"Retirer {member.user.display_name}").click()
    expect(page.get_by_role("status")).to_contain_text("ne fait plus partie de la structure")

    context.clear_cookies()
    page.goto(f"/structures/invitation/{invitation_token(invitation)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rejoindre « {organisation.name} »")
    assert_accessible(page)
