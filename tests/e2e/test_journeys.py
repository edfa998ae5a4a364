"""The journeys of the issue, through the real forms in the browser.

"A person signs up, confirms the e-mail through the link that was sent, registers for an event,
sees it in Mon espace, and cancels."
"""

import re

from django.core import mail
from playwright.sync_api import expect

from pacte.enums import RegistrationStatus
from pacte.models import Registration, User
from pacte.services.registrations import registration_create
from tests.factories import EventFactory, UserFactory, commune

PASSWORD = "Compost-et-velo-2026"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/comptes/confirm-email/[^\s\"'<>]+)")


def _confirmation_path(email: str) -> str:
    messages = [m for m in mail.outbox if email in m.to]
    assert len(messages) == 1, [m.subject for m in mail.outbox]
    match = CONFIRM_LINK.search(messages[0].body)
    assert match, messages[0].body
    return match.group(1)


def test_sign_up_confirm_register_see_in_my_space_and_cancel(page):
    event = EventFactory(title="Atelier compost au jardin", capacity=12)

    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Créer un compte").click()
    expect(page).to_have_url(re.compile(r"/comptes/signup/$"))
    page.locator('input[name="email"]').fill("camille.martin@exemple.fr")
    page.locator('input[name="first_name"]').fill("Camille")
    page.locator('input[name="last_name"]').fill("Martin")
    # The commune list can be typed into (static/js/pacte.js): the select follows the text.
    page.get_by_label("Commune de résidence").fill("rouen")
    page.get_by_label("Commune de résidence").press("Tab")
    expect(page.locator('select[name="home_commune"]')).to_have_value(str(commune("rouen").pk))
    page.locator('select[name="category"]').select_option(label="Habitant ou habitante")
    page.locator('input[name="password1"]').fill(PASSWORD)
    page.locator('input[name="password2"]').fill(PASSWORD)
    page.locator("#contenu form").get_by_role("button", name=re.compile("compte", re.I)).click()

    # Mandatory verification: no session yet, an e-mail with the link instead.
    expect(page).to_have_url(re.compile(r"/comptes/confirm-email/$"))
    user = User.objects.get(email="camille.martin@exemple.fr")
    assert (user.first_name, user.last_name, user.home_commune, user.category) == (
        "Camille",
        "Martin",
        commune("rouen"),
        "habitant",
    )

    page.goto(_confirmation_path("camille.martin@exemple.fr"))
    # Confirmation is a POST (ACCOUNT_CONFIRM_EMAIL_ON_GET=False): link scanners cannot confirm.
    page.locator("#contenu form").get_by_role("button", name=re.compile("Confirmer", re.I)).click()
    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Agenda").click()
    page.get_by_role("link", name="Atelier compost au jardin").click()
    expect(page).to_have_url(re.compile(re.escape(event.get_absolute_url()) + "$"))
    page.get_by_role("button", name="M'inscrire", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Votre inscription est confirmée")
    expect(page.get_by_text("Vous êtes inscrit·e à cet événement.")).to_be_visible()
    assert any("Atelier compost au jardin" in m.subject for m in mail.outbox if user.email in m.to)

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mon espace").click()
    registrations = page.get_by_role("region", name="Mes inscriptions à venir")
    expect(registrations.get_by_role("link", name="Atelier compost au jardin", exact=True)).to_be_visible()
    registrations.get_by_role("link", name=re.compile("^Annuler")).click()
    # Cancelling asks first, on a page of its own (no JavaScript needed).
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuler mon inscription ?")
    page.get_by_role("button", name="Oui, annuler mon inscription").click()

    expect(page).to_have_url(re.compile(r"/mon-espace/$"))
    expect(page.get_by_role("status")).to_contain_text("Votre inscription est annulée.")
    expect(registrations.get_by_role("link", name="Atelier compost au jardin", exact=True)).to_have_count(0)
    expect(registrations).to_contain_text("Vous n'avez aucune inscription à venir.")
    assert Registration.objects.get(event=event, user=user).status == RegistrationStatus.CANCELLED


def test_full_event_puts_the_person_on_the_waiting_list_with_position(page, log_in):
    event = EventFactory(title="Balade nature en bord de Seine", capacity=1)
    registration_create(event=event, user=UserFactory())
    person = UserFactory()
    log_in(person)

    page.goto(event.get_absolute_url())
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()

    expect(page.get_by_role("status")).to_contain_text("vous êtes sur la liste d'attente")
    expect(page.get_by_text("Vous êtes sur la liste d'attente, en position 1.")).to_be_visible()
    registration = Registration.objects.get(event=event, user=person)
    assert registration.status == RegistrationStatus.WAITLISTED


def test_agenda_filters_live_through_data_hx_attributes(page):
    # The filter form carries data-hx-* (valid HTML); htmx must still swap the results in place.
    EventFactory(title="Atelier compost au jardin", action="clubs")
    EventFactory(title="Réunion des associations relais", action="associations")

    page.goto("/agenda/")
    expect(page.locator("#resultats")).to_contain_text("Réunion des associations relais")
    page.evaluate("window.pageNotReloaded = true")
    page.get_by_label("Action").select_option(value="clubs")

    expect(page.locator("#resultats")).not_to_contain_text("Réunion des associations relais")
    expect(page.locator("#resultats")).to_contain_text("Atelier compost au jardin")
    expect(page).to_have_url(re.compile(r"/agenda/\?.*action=clubs"))
    assert page.evaluate("window.pageNotReloaded") is True
