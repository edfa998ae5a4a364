"""The letter's public pages are served from the page cache to anonymous visitors (the
subscription form carries no CSRF token for that reason) and renewed by the letter's writes."""

import pytest

from newsletter.services import issue_finish_if_done, sheet_publish, sheet_submit
from tests.newsletter.factories import IssueFactory, SheetFactory, editor

pytestmark = pytest.mark.django_db


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("url", ["/lettre/", "/lettre/fiches/", "/lettre/merci/"])
def test_anonymous_pages_come_from_the_cache(client, url):
    assert _get(client, url)["X-Page-Cache"] == "miss"
    assert _get(client, url)["X-Page-Cache"] == "hit"


def test_subscription_form_is_cacheable_and_still_works(client):
    page = _get(client, "/lettre/").content.decode()
    assert "csrfmiddlewaretoken" not in page and 'name="email"' in page


def test_a_sheet_published_appears_at_once(client, django_capture_on_commit_callbacks):
    _get(client, "/lettre/fiches/")
    sheet = SheetFactory(draft=True, title="Nouvelle fiche publiée")
    person = editor()
    with django_capture_on_commit_callbacks(execute=True):
        sheet_submit(sheet=sheet, by=person)
        sheet_publish(sheet=sheet, by=person)
    response = _get(client, "/lettre/fiches/")
    assert response["X-Page-Cache"] == "miss" and "Nouvelle fiche publiée" in response.content.decode()


def test_an_issue_that_finishes_sending_joins_the_archive_at_once(client, django_capture_on_commit_callbacks):
    _get(client, "/lettre/")
    issue = IssueFactory(status="sending", title="Numéro qui part")
    with django_capture_on_commit_callbacks(execute=True):
        assert issue_finish_if_done(issue=issue)
    assert "Numéro qui part" in _get(client, "/lettre/").content.decode()


def test_signed_in_pages_are_never_cached(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/lettre/").get("X-Page-Cache") is None
