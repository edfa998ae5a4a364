"""The tool library's pages make at most 6 queries (session and user included), as many with many
rows as with few (page cache off); the shared caches never carry one person's view to another."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.reseau.tools.enums import LoanStatus
from pacte.models import Theme
from tests.associations.factories import labelled_association

from .factories import LoanFactory, ToolCopyFactory, ToolFactory, ToolFileFactory, days

MAX_QUERIES = 6

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def _count(client, url):
    client.get(url)  # the first request may fill per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n):
    themes = list(Theme.objects.all()[:2])
    for i in range(n):
        borrower = labelled_association(
            name=f"Emprunteuse {world.tool.pk}-{i}", slug=f"emprunteuse-{world.tool.pk}-{i}"
        )
        tool = ToolFactory(owner=world.owner)
        tool.themes.set(themes)
        world.tool.themes.set(themes)
        ToolFileFactory(tool=world.tool, is_public=bool(i % 2))
        copy = ToolCopyFactory(tool=world.tool, label=f"Exemplaire {i + 2}")
        LoanFactory(
            copy=copy, borrower=borrower, status=LoanStatus.ACCEPTED, start_on=days(2), end_on=days(4)
        )
        LoanFactory(
            copy=world.copy,
            borrower=borrower,
            status=LoanStatus.REQUESTED,
            start_on=days(10 + 2 * i),
            end_on=days(10 + 2 * i),
        )


PAGES = [
    ("anonymous", lambda w: reverse("associations:reseau_tools:list")),
    ("anonymous", lambda w: w.tool.get_absolute_url()),
    ("referent", lambda w: reverse("associations:reseau_tools:list")),
    ("referent", lambda w: w.tool.get_absolute_url()),
    ("referent", lambda w: reverse("associations:reseau_tools:calendar", args=[w.tool.pk])),
    ("member", lambda w: w.tool.get_absolute_url()),
    ("staff", lambda w: reverse("associations:reseau_tools:list")),
    ("staff", lambda w: w.tool.get_absolute_url()),
    ("holder", lambda w: reverse("associations:reseau_tools:loans")),
    ("referent", lambda w: reverse("associations:reseau_tools:loans")),
    ("referent", lambda w: w.loan.get_absolute_url()),
    ("holder", lambda w: w.loan.get_absolute_url()),
    ("holder", lambda w: reverse("associations:reseau_tools:edit", args=[w.tool.pk])),
    ("staff", lambda w: reverse("associations:reseau_tools:loans")),
    ("staff", lambda w: w.loan.get_absolute_url()),
    ("staff", lambda w: reverse("associations:reseau_tools:edit", args=[w.tool.pk])),
]


@pytest.mark.parametrize("role,page", PAGES)
def test_same_queries_few_and_many(client, world, role, page):
    world.login(client, role)
    few = _count(client, page(world))
    _grow(world, 6)
    many = _count(client, page(world))
    assert few <= MAX_QUERIES
    assert many == few


def test_catalogue_filtered_pages_stay_within_budget(client, world):
    world.login(client, "referent")
    url = reverse("associations:reseau_tools:list") + "?q=jeu&page=1"
    assert _count(client, url) <= MAX_QUERIES


def test_shared_tool_cache_shows_network_files_to_the_network_only(client, world):
    """The referent's visit fills the tool's shared cache with every file; the anonymous page that
    follows still lists only the public file, and no copy or "manage" button."""
    world.login(client, "holder")
    page = client.get(world.tool.get_absolute_url()).content.decode()
    assert world.network_file.title in page and "Gérer" in page
    world.login(client, "anonymous")
    page = client.get(world.tool.get_absolute_url()).content.decode()
    assert world.public_file.title in page
    assert world.network_file.title not in page
    assert "Exemplaires à emprunter" not in page and "Gérer" not in page
    world.login(client, "citizen")
    page = client.get(world.tool.get_absolute_url()).content.decode()
    assert world.network_file.title not in page


def test_withdrawn_tool_stays_its_owners_after_their_visit(client, world):
    world.tool.is_withdrawn = True
    world.tool.save()
    world.login(client, "holder")
    assert client.get(world.tool.get_absolute_url()).status_code == 200
    assert client.get(reverse("associations:reseau_tools:edit", args=[world.tool.pk])).status_code == 200
    for role in ["anonymous", "citizen", "member", "referent"]:
        world.login(client, role)
        assert client.get(world.tool.get_absolute_url()).status_code == 404, role
    world.login(client, "staff")
    assert client.get(world.tool.get_absolute_url()).status_code == 200


def test_edit_page_of_another_association_stays_a_404_after_its_owner_filled_the_cache(client, world):
    world.login(client, "holder")
    url = reverse("associations:reseau_tools:edit", args=[world.tool.pk])
    assert client.get(url).status_code == 200
    world.login(client, "referent")
    assert client.get(url).status_code == 404
    assert client.get(world.loan.get_absolute_url()).status_code == 200
    world.login(client, "citizen")
    assert client.get(world.loan.get_absolute_url()).status_code == 404


def test_loans_board_splits_borrowed_lent_and_to_decide(client, world):
    world.login(client, "holder")
    response = client.get(reverse("associations:reseau_tools:loans"))
    assert [loan.pk for loan in response.context["to_decide"]] == [world.loan.pk]
    assert [loan.pk for loan in response.context["lent"]] == [world.loan.pk]
    assert response.context["borrowed"] == []
    world.login(client, "referent")
    response = client.get(reverse("associations:reseau_tools:loans"))
    assert response.context["to_decide"] == []
    assert [loan.pk for loan in response.context["borrowed"]] == [world.loan.pk]
    assert [org.pk for org, _url in response.context["feeds"]] == [world.borrower.pk]
    world.login(client, "member")
    response = client.get(reverse("associations:reseau_tools:loans"))
    assert response.context["to_decide"] == [] and response.context["feeds"] == []
    assert [loan.pk for loan in response.context["borrowed"]] == [world.loan.pk]


def test_catalogue_cards_are_shared_but_not_the_persons_links(client, world):
    url = reverse("associations:reseau_tools:list")
    world.login(client, "holder")
    page = client.get(url).content.decode()
    assert "Proposer un outil" in page and "Mes prêts d'outils" in page
    world.login(client, "anonymous")
    page = client.get(url).content.decode()
    assert world.other_tool.title in page
    assert "Proposer un outil" not in page and "Mes prêts d'outils" not in page
