"""The letter's pages that the site crawl cannot reach (personal links, error states, previews,
the e-mail itself) are valid for the W3C Nu HTML Checker too."""

import pytest

from newsletter.rendering import issue_context, issue_message, preview_links
from newsletter.services import confirm_token, personal_token, subscriber_unsubscribe
from tests.factories import UserFactory
from tests.newsletter.factories import IssueFactory, SectionFactory, SheetFactory, SubscriberFactory, editor
from tests.test_html_crawl import run_vnu, vnu_command  # noqa: F401 — vnu_command is a fixture

pytestmark = pytest.mark.django_db


def _page(client, label, url, method="get", data=None, status=200):
    response = getattr(client, method)(url, data or {})
    assert response.status_code == status, (url, response.status_code)
    return (f"{label} {method.upper()} {url}", response.content.decode())


def test_letter_pages_are_valid_html(client, vnu_command, tmp_path):  # noqa: F811
    issue = IssueFactory(sent=True)
    SectionFactory(issue=issue, link="https://www.chequeenergie.gouv.fr/")
    sheet = SheetFactory(partners="CCAS", contact="Le CCAS")
    issue.sheets.add(sheet)
    pending = SubscriberFactory(pending=True)
    active = SubscriberFactory()
    left = subscriber_unsubscribe(subscriber=SubscriberFactory())
    pages = [
        _page(client, "anonyme", "/lettre/"),
        _page(client, "anonyme", "/lettre/", "post", {"email": "x", "name": "<b>"}, status=400),
        _page(client, "anonyme", "/lettre/merci/"),
        _page(client, "anonyme", f"/lettre/confirmer/{confirm_token(pending)}/"),
        _page(client, "anonyme", "/lettre/confirmer/faux/", status=404),
        _page(client, "anonyme", f"/lettre/preferences/{personal_token(active)}/"),
        _page(
            client,
            "anonyme",
            f"/lettre/preferences/{personal_token(active)}/",
            "post",
            {"role": "x"},
            status=400,
        ),
        _page(client, "anonyme", f"/lettre/preferences/{personal_token(left)}/"),
        _page(client, "anonyme", f"/lettre/desabonnement/{personal_token(active)}/"),
        _page(client, "anonyme", f"/lettre/desabonnement/{personal_token(active)}/", "post"),
        _page(client, "anonyme", f"/lettre/{issue.number}/"),
        _page(client, "anonyme", "/lettre/fiches/?q=action"),
        _page(client, "anonyme", sheet.get_absolute_url()),
    ]
    client.force_login(UserFactory())
    pages.append(_page(client, "connecté·e", "/lettre/"))
    client.force_login(editor())
    pages.append(_page(client, "rédaction", f"/admin/newsletter/issue/{issue.pk}/apercu/"))
    pages.append(_page(client, "rédaction", "/lettre/fiches/"))
    message = issue_message(context=issue_context(issue), to="a@b.fr", **preview_links())
    pages.append(("e-mail de la lettre (HTML)", message.alternatives[0][0]))
    errors = run_vnu(vnu_command, pages, tmp_path)
    assert not errors, f"{len(errors)} erreurs W3C :\n" + "\n".join(errors)
