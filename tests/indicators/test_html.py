"""The indicators pages validate: html5lib for every state, and the Nu HTML Checker (vnu) for the
dashboard, which the demo crawl does not reach (its staff accounts have no second factor there)."""

import pytest
from django.contrib.admin.sites import site

from indicators.models import MonthlySnapshot
from indicators.services import snapshots_compute_month
from pacte.enums import Action, PublicCategory
from tests.factories import UserFactory, commune
from tests.pacte.test_html_validity import html_problems
from tests.test_html_crawl import run_vnu, vnu_command  # noqa: F401 — the fixture, shared

from .factories import months_ago, past_event, reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(client):
    month = months_ago(0)
    past_event(month, [UserFactory(home_commune=commune("rouen")) for _ in range(6)], walk_ins=2)
    past_event(month, [UserFactory(category=PublicCategory.SOCIAL)], action=Action.ATELIER)
    snapshots_compute_month(month=month)
    urls = [
        "/indicateurs/tableau-de-bord/",
        f"/indicateurs/tableau-de-bord/?periode={month:%Y-%m}&action=clubs&commune=rouen&public=habitant",
        "/indicateurs/tableau-de-bord/?action=inconnue",
    ]
    client.force_login(reader())
    found = [(url, client.get(url).content.decode()) for url in urls]
    client.logout()
    found.append(("/indicateurs/", client.get("/indicateurs/").content.decode()))
    return found


def test_pages_parse(pages):
    for url, markup in pages:
        assert not html_problems(markup), (url, html_problems(markup))


def test_pages_are_valid_for_the_nu_checker(pages, vnu_command, tmp_path):  # noqa: F811
    errors = run_vnu(vnu_command, pages, tmp_path)
    assert not errors, "\n".join(errors)


def test_the_admin_lists_snapshots_read_only(client):
    snapshots_compute_month(month=months_ago(0))
    admin = site._registry[MonthlySnapshot]
    user = reader()
    client.force_login(user)
    response = client.get("/admin/indicators/monthlysnapshot/")
    assert response.status_code == 200
    assert "Personnes mobilisées, toutes actions" in response.content.decode()
    request = response.wsgi_request
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
