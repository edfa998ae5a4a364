"""The letter's lists make as many queries with many rows as with few (page cache off)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ThemeFactory, commune
from tests.newsletter.factories import IssueFactory, SectionFactory, SheetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PACTE_PAGE_CACHE = False


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(n):
    theme = ThemeFactory()
    for i in range(n):
        sheet = SheetFactory(commune=commune("rouen" if i % 2 else "elbeuf"))
        sheet.themes.add(theme)
        issue = IssueFactory(sent=True)
        SectionFactory(issue=issue)
        SectionFactory(issue=issue, kind="formations")
        issue.sheets.add(sheet)


@pytest.mark.parametrize("logged_in", [False, True])
@pytest.mark.parametrize("url", ["/lettre/", "/lettre/fiches/", "/lettre/fiches/?commune=rouen"])
def test_lists_queries_constant(client, url, logged_in):
    if logged_in:
        from tests.factories import UserFactory

        client.force_login(UserFactory())
    _grow(2)
    few = _count(client, url)
    _grow(12)
    assert _count(client, url) == few


def test_archive_page_queries_do_not_grow_with_sections_and_sheets(client):
    issue = IssueFactory(sent=True)
    SectionFactory(issue=issue)
    issue.sheets.add(SheetFactory())
    few = _count(client, f"/lettre/{issue.number}/")
    for _ in range(10):
        SectionFactory(issue=issue)
        issue.sheets.add(SheetFactory())
    assert _count(client, f"/lettre/{issue.number}/") == few
