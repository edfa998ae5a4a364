"""Every page of the tool library parses as valid HTML with consistent ids, anonymous and signed
in, with errors shown next to the fields (the Nu checker also runs over the demo crawl)."""

import pytest
from django.urls import reverse

from associations.reseau.tools.enums import LoanStatus
from associations.reseau.tools.models import Loan
from tests.pacte.test_html_validity import assert_valid

from .factories import LoanFactory, days

pytestmark = pytest.mark.django_db


def _ok(client, url, expected=200, method="get", data=None):
    response = getattr(client, method)(url, data or {})
    assert response.status_code == expected, url
    assert_valid(response.content.decode(), url)


def url(name, *args):
    return reverse(f"associations:reseau_tools:{name}", args=args)


def test_public_pages(client, world):
    for page in [
        url("list"),
        url("list") + "?kind=jeu&du=2030-01-01&au=2030-01-03&q=oie",
        world.tool.get_absolute_url(),
    ]:
        _ok(client, page)


def test_network_pages(client, world):
    world.login(client, "holder")
    for page in [
        url("list"),
        world.tool.get_absolute_url(),
        url("calendar", world.tool.pk),
        url("loans"),
        world.loan.get_absolute_url(),
        url("edit", world.tool.pk),
        url("create"),
        url("loan_request", world.other_tool.pk),
        "/mon-espace/",
    ]:
        _ok(client, page)
    _ok(client, url("create"), 200, "post", {"title": "", "age_min": "200"})
    _ok(client, url("loan_request", world.other_tool.pk), 200, "post", {"start_on": "2030-02-30"})
    _ok(client, url("copy_add", world.tool.pk), 200, "post", {"exemplaire-label": ""})


def test_loan_pages_in_every_state(client, world):
    current = LoanFactory(
        copy=world.copy, borrower=world.other, status=LoanStatus.OUT, start_on=days(-3), end_on=days(1)
    )
    Loan.objects.filter(pk=world.loan.pk).update(status=LoanStatus.ACCEPTED, start_on=days(2))
    for role, pages in [
        ("referent", [world.loan]),
        ("holder", [world.loan, current]),
        ("staff", [world.loan, current]),
    ]:
        world.login(client, role)
        for loan in pages:
            _ok(client, loan.get_absolute_url())
        _ok(client, url("loans"))
