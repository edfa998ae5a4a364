"""A DACTE agent handles a reported practice from the admin's « À traiter » panel, in the browser."""

import re

from playwright.sync_api import expect

from clubs.enums import PracticeStatus
from pacte.demo import seed_base
from pacte.models import User
from pacte.permissions import SECOND_FACTOR_MARK
from tests.clubs.factories import ClubFactory, PracticeFactory
from tests.e2e.axe import assert_accessible


def test_dacte_agent_handles_a_reported_practice_from_the_admin_home(page, log_in):
    seed_base()
    practice = PracticeFactory(club=ClubFactory(), title="Vente de lessive miracle", reported=True)
    staff = User.objects.get(email="dacte@demo.pacte.fr")
    setattr(staff, SECOND_FACTOR_MARK, True)  # the session passed TOTP, as after the real login
    log_in(staff)

    page.goto("/admin/")
    panel = page.get_by_role("region", name="À traiter")
    expect(panel).to_contain_text("1 pratique signalée à modérer")
    panel.get_by_role("link", name=re.compile("pratique signalée à modérer")).click()

    row = page.get_by_role("row", name=re.compile("Vente de lessive miracle"))
    expect(row).to_be_visible()
    row.get_by_role("checkbox").check()
    page.locator('select[name="action"]').select_option(value="hide")
    page.locator('button[name="index"]').click()
    expect(page.locator(".messagelist")).to_contain_text("1")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.HIDDEN

    page.goto("/admin/")
    expect(page.get_by_role("region", name="À traiter")).not_to_contain_text("pratique signalée")
    assert_accessible(page)
