"""The tool library's public pages read what everyone sees from the shared cache
(docs/conventions.md, Performance): warm, they run no query for it; a write through the services
(or a renamed theme or owner) shows at the next request; the network's part (every file, copies,
reservations) and the person's buttons are never served to anyone else. Page cache off."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.enums import TargetPublic
from associations.reseau.tools import services
from associations.reseau.tools.enums import ToolKind
from pacte.models import Theme
from tests.pages import page_query_count as _queries
from tests.pages import page_text as _text

from .factories import pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

CATALOGUE = "/associations/reseau/outils/"


def test_warm_pages_read_no_data(client, world):
    theme = Theme.objects.active().first()
    world.tool.themes.add(theme)
    for url in [CATALOGUE, f"{CATALOGUE}?theme={theme.slug}&kind=jeu", world.tool.get_absolute_url()]:
        _text(client, url)
        assert _queries(client, url) == 0, url
        separator = "&" if "?" in url else "?"
        assert _queries(client, f"{url}{separator}_inconnu=1") == 0, url


@pytest.mark.parametrize("role", ["citizen", "member", "holder", "staff"])
def test_signed_in_catalogue_at_most_two_queries(client, world, role):
    """The session's user and the person's memberships (their links): the filter form, its
    themes included, and the cards come from the shared cache."""
    world.login(client, role)
    _text(client, CATALOGUE)
    assert _queries(client, CATALOGUE) <= 2


def test_a_missed_catalogue_reads_its_themes_from_the_cache(client, world):
    """A new tool renews the catalogue: the render that builds the form again reads the themes'
    choices from the shared cache, so the page stays within its queries (docs/conventions.md)."""
    world.login(client, "holder")
    _text(client, CATALOGUE)
    services.tool_create(
        owner=world.owner,
        by=world.people["holder"],
        title="Fresque du climat",
        kind=ToolKind.GAME,
        summary="Un atelier en équipes.",
        description="Des cartes à relier.",
        public=TargetPublic.FAMILIES,
        age_min=10,
        age_max=99,
    )
    with CaptureQueriesContext(connection) as queries:
        text = _text(client, CATALOGUE)
    assert "Fresque du climat" in text
    # The cards' themes are prefetched (joined to the tools); the form's choices read no table.
    choices = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "pacte_theme"' in query["sql"] and "associations_tool_themes" not in query["sql"]
    ]
    assert not choices
    assert len(queries) <= 6


def test_catalogue_shows_a_new_theme_and_a_renamed_owner(client, world):
    assert "Zéro artificialisation" not in _text(client, CATALOGUE)
    Theme.objects.create(name="Zéro artificialisation", slug="zero-artificialisation")
    assert "Zéro artificialisation" in _text(client, CATALOGUE)
    assert _text(client, f"{CATALOGUE}?theme=zero-artificialisation").count("Aucun outil") == 1
    world.owner.name = "Les Jardins du Mont-Riboudet"
    world.owner.save()
    assert "Les Jardins du Mont-Riboudet" in _text(client, CATALOGUE)
    assert "Les Jardins du Mont-Riboudet" in _text(client, world.tool.get_absolute_url())


def test_htmx_results_follow_the_filters(client, world):
    htmx = {"HTTP_HX_REQUEST": "true"}
    everything = _text(client, CATALOGUE, **htmx)
    assert "Malle compost" in everything and "<html" not in everything
    found = _text(client, f"{CATALOGUE}?q=malle", **htmx)
    assert "Malle compost" in found and world.tool.title not in found


def test_tool_page_shows_a_new_file_to_whom_it_is_for(client, world):
    holder = world.people["holder"]
    url = world.tool.get_absolute_url()
    _text(client, url)
    services.tool_file_add(
        tool=world.tool, title="Affiche", uploaded=pdf("affiche.pdf"), is_public=True, by=holder
    )
    services.tool_file_add(
        tool=world.tool, title="Corrigé", uploaded=pdf("corrige.pdf"), is_public=False, by=holder
    )
    text = _text(client, url)
    assert "Affiche" in text and "Corrigé" not in text
    world.login(client, "member")
    text = _text(client, url)
    assert "Affiche" in text and "Corrigé" in text


def test_tool_page_network_part_and_buttons_follow_the_person(client, world):
    url = world.tool.get_absolute_url()
    expected = {
        # role: (copies and reservations, "Demander un prêt", "Gérer")
        "holder": (True, False, True),
        "referent": (True, True, False),
        "member": (True, False, False),
        "staff": (True, False, True),
        "unlabelled_referent": (False, False, False),
        "citizen": (False, False, False),
        "anonymous": (False, False, False),
    }
    for role, (network, borrow, manage) in expected.items():
        world.login(client, role)
        text = _text(client, url)
        assert ("Exemplaires à emprunter" in text) == network, role
        assert ("Réservations à venir" in text) == network, role
        assert ("Demander un prêt" in text) == borrow, role
        assert ("Gérer<span" in text) == manage, role


def test_tool_page_unknown_is_a_404(client, world):
    assert (
        client.get(reverse("associations:reseau_tools:detail", args=[world.tool.pk + 1000])).status_code
        == 404
    )
