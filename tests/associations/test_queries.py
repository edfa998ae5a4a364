"""The lists of action 3 make as many queries with many rows as with few, page cache off."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pacte.models import Theme
from tests.associations.factories import (
    CampaignFactory,
    instructor,
    labelled_association,
    paid,
    referent,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PACTE_PAGE_CACHE = False


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(n, staff):
    themes = list(Theme.objects.all()[:2])
    campaign = CampaignFactory()
    for _ in range(n):
        organisation = labelled_association()
        organisation.themes.set(themes)
        paid(staff, organisation=organisation, campaign=campaign)


@pytest.mark.parametrize(
    "url",
    [
        "/associations/",
        "/associations/programmes-finances/",
        "/associations/subventions-scdl.csv",
        "/donnees/",
    ],
)
def test_public_lists(client, url):
    staff = instructor()
    _grow(2, staff)
    # Each time warmed first: the map's geometry is cached per process, the filter form per
    # content version (renewed by every write).
    client.get(url)
    few = _count(client, url)
    _grow(6, staff)
    client.get(url)
    assert _count(client, url) == few


def test_association_page_and_my_space(client):
    staff = instructor()
    organisation = labelled_association()
    lead = referent(organisation)
    submitted(organisation=organisation, by=lead)
    client.force_login(lead)
    urls = [
        "/mon-espace/",
        reverse("associations:space", args=[organisation.slug]),
        f"/associations/{organisation.slug}/",
    ]
    few = [_count(client, url) for url in urls]
    for _ in range(4):
        paid(staff, organisation=organisation, by=lead)
    assert [_count(client, url) for url in urls] == few


def test_instructor_board_and_changelist(client):
    staff = instructor()
    _grow(2, staff)
    submitted()
    client.force_login(staff)
    urls = [
        reverse("admin:associations_subsidyapplication_board"),
        reverse("admin:associations_subsidyapplication_changelist"),
    ]
    few = [_count(client, url) for url in urls]
    _grow(6, staff)
    for _ in range(3):
        submitted()
    assert [_count(client, url) for url in urls] == few
