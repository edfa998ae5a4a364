"""The indicators in the browser (issue 15): a reader of the indicators opens the dashboard,
filters it and downloads a CSV export; the public page too. axe-core finds no serious or
critical violation on them. The permission matrix is in tests/indicators/test_views.py."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from indicators.services import snapshots_compute_month
from pacte.enums import Action, PublicCategory, StaffGroup
from tests.e2e.axe import assert_accessible
from tests.factories import UserFactory, commune
from tests.indicators.factories import months_ago, past_event


@pytest.fixture
def history():
    rouen, darnetal = commune("rouen"), commune("darnetal")
    residents = [UserFactory(home_commune=rouen) for _ in range(6)]
    social = [UserFactory(home_commune=darnetal, category=PublicCategory.SOCIAL) for _ in range(5)]
    past_event(months_ago(1), residents, walk_ins=4, action=Action.CLUBS)
    past_event(months_ago(0), [*social, residents[0]], action=Action.ATELIER, commune=darnetal)
    for month in (months_ago(1), months_ago(0)):
        snapshots_compute_month(month=month)


def test_reader_filters_the_dashboard_and_downloads_the_csv(page, log_in, history):
    reader = UserFactory(staff=True, first_name="Nathalie", last_name="Guérin")
    reader.groups.add(Group.objects.get(name=StaffGroup.INDICATORS))
    log_in(reader)

    page.goto("/indicateurs/")
    assert_accessible(page)
    page.get_by_role("link", name="Tableau de bord complet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord des indicateurs")
    assert_accessible(page)

    page.get_by_label("Commune", exact=True).select_option(label="Darnétal")
    page.get_by_label("Public", exact=True).select_option(label="Acteur social")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"commune=darnetal"))
    expect(page.locator(".figures li").first).to_contain_text("5 personnes mobilisées")
    publics = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Public"))
    expect(publics.get_by_role("row", name=re.compile("^Acteur social"))).to_contain_text("5")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^CSV \(Personnes mobilisées par public")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0] == "Public;Personnes mobilisées"
    assert "Acteur social;5" in content


def test_others_do_not_find_the_dashboard(page, log_in, history):
    log_in(UserFactory())
    page.goto("/indicateurs/")
    expect(page.get_by_role("link", name="Tableau de bord complet")).to_have_count(0)
    # Through the context's request API (same session cookie): a 404 page load would log an error.
    assert page.request.get("/indicateurs/tableau-de-bord/").status == 404
