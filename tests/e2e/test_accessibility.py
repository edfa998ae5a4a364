"""axe-core (WCAG 2.1 A and AA) on the main pages, anonymous and signed in, and keyboard basics."""

import pytest
from playwright.sync_api import expect

from pacte.models import Theme
from pacte.services.registrations import registration_create
from tests.e2e.axe import assert_accessible
from tests.factories import EventFactory, UserFactory

EVENT = "event"


@pytest.fixture
def agenda():
    """Enough variety for every badge and block of the cards and the event page to render."""
    theme = Theme.objects.order_by("name").first()  # loaded by the data migration
    event = EventFactory(
        title="Atelier compost au jardin",
        summary="Apprendre à composter ses déchets de cuisine.",
        description="Premier paragraphe.\n\nSecond paragraphe.",
        address="12 rue des Jardins",
    )
    event.themes.add(theme)
    full = EventFactory(title="Balade nature", capacity=1)
    registration_create(event=full, user=UserFactory())
    EventFactory(title="Rencontre du réseau", unlimited=True, registration_required=False)
    return event


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        ("/", False),
        ("/", True),
        ("/agenda/", False),
        (EVENT, False),
        (EVENT, True),
        ("/comptes/signup/", False),
        ("/comptes/login/", False),
        ("/mon-espace/", True),
        ("/accessibilite/", False),
    ],
)
def test_page_has_no_serious_or_critical_violation(page, log_in, agenda, path, signed_in):
    if signed_in:
        user = UserFactory()
        # A live registration shows the confirmed state on the event page and a card in Mon espace.
        registration_create(event=agenda, user=user)
        log_in(user)
    response = page.goto(agenda.get_absolute_url() if path == EVENT else path)
    assert response.status == 200
    assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_main_content(page):
    page.goto("/agenda/")
    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    expect(skip_link).to_have_text("Aller au contenu")
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
