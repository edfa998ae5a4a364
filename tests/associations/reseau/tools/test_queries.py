"""The tool library's pages make as many queries with many rows as with few (page cache off)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.reseau.tools.enums import LoanStatus
from pacte.models import Theme
from tests.associations.factories import labelled_association

from .factories import LoanFactory, ToolCopyFactory, ToolFactory, ToolFileFactory, days

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
    ("holder", lambda w: reverse("associations:reseau_tools:loans")),
    ("holder", lambda w: w.loan.get_absolute_url()),
    ("holder", lambda w: reverse("associations:reseau_tools:edit", args=[w.tool.pk])),
    ("staff", lambda w: reverse("associations:reseau_tools:loans")),
]


@pytest.mark.parametrize("role,page", PAGES)
def test_same_queries_few_and_many(client, world, role, page):
    world.login(client, role)
    few = _count(client, page(world))
    _grow(world, 6)
    many = _count(client, page(world))
    assert many == few
