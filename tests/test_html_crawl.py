"""Every page of the demo site is valid HTML for the W3C Nu HTML Checker (docs/architecture.md).

html5lib (tests/pacte/test_html_validity.py) checks parsing; the Nu checker (vnu) also checks the
content models and attribute values: `<time datetime>` syntax, unknown `hx-*` attributes, elements
where they may not stand. This test seeds the demo, crawls it through Django's test client (no
browser needed) anonymously and then as each demo account, and runs vnu once over all the pages
collected: one JVM start instead of one per page.

Without Java or vnu-jar the test is skipped with its reason; with PACTE_REQUIRE_E2E=1 (set by
.ci/run) the same absence is a failure, as for the browser tests.
"""

import io
import json
import os
import shutil
import subprocess
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from pacte.demo import DEMO_ACCOUNTS
from pacte.models import Organisation, User

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A few pages of each URL pattern are enough: the others render the same templates with other
# rows, and the whole crawl must stay well under a minute.
PAGES_PER_PATTERN = 3
# Never followed: the admin (Django's own markup), and links whose GET acts or spends a token.
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/")
SKIPPED_URL_NAMES = {
    "account_logout",
    "account_confirm_email",
    "account_reset_password_from_key",
    "unsubscribe",
}


def _java() -> str | None:
    if os.access("/usr/bin/java", os.X_OK):
        return "/usr/bin/java"
    return shutil.which("java")


@pytest.fixture(scope="module")
def vnu_command():
    missing = []
    java = _java()
    if java is None:
        missing.append("Java absent (/usr/bin/java : apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        missing.append(f"vnu-jar absent ({VNU_JAR.relative_to(ROOT)} : lancer `npm install`)")
    if missing:
        reason = "validation W3C impossible : " + " ; ".join(missing)
        if os.environ.get("PACTE_REQUIRE_E2E") == "1":
            pytest.fail(reason + " (PACTE_REQUIRE_E2E=1 la rend obligatoire)", pytrace=False)
        pytest.skip(reason)
    return [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, markup: str) -> list[str]:
    parser = _Links()
    parser.feed(markup)
    return [link for href in parser.hrefs if (link := _local(base, href.partition("#")[0] or base))]


def _pattern(path: str) -> str | None:
    """The URL pattern a path resolves to (its route), or None when it must not be visited."""
    if path.startswith(SKIPPED_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIPPED_URL_NAMES:
        return None
    return match.route


def _local(base: str, url: str) -> str | None:
    """The path and query of a same-site URL, or None for another site, mailto:, tel:..."""
    parts = urlsplit(urljoin(base, url))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, label: str, start: list[str], failures: list[str]) -> list[tuple[str, str]]:
    """(description, markup) of the HTML pages reachable from `start` by same-site links.

    A link that leads to an error (404, 500...) is added to `failures`: a broken link is a
    defect too; so is a page that answers GET but not HEAD.
    """
    pages = []
    seen = set()
    per_pattern = Counter()
    queue = deque(start)
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        pattern = _pattern(path.partition("?")[0])
        if pattern is None or per_pattern[pattern] >= PAGES_PER_PATTERN:
            continue
        response = client.get(path)
        if response.status_code in (301, 302, 303, 307, 308):
            location = _local(path, response["Location"])
            if location:
                queue.append(location)
            continue
        if response.status_code != 200:
            failures.append(f"{label} GET {path} : HTTP {response.status_code}")
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue  # iCal, JSON export
        per_pattern[pattern] += 1
        # A page that can be read can be asked for by HEAD (require_safe, not require_GET).
        if client.head(path).status_code != 200:
            failures.append(f"{label} HEAD {path} : refusé alors que GET répond")
        markup = response.content.decode()
        pages.append((f"{label} GET {path}", markup))
        queue.extend(_links(path, markup))
    return pages


def _post_with_errors(client, label: str, path: str, data: dict) -> tuple[str, str]:
    response = client.post(path, data)
    markup = response.content.decode()
    assert response.status_code == 200, (path, response.status_code)
    assert 'class="error"' in markup or 'class="form-errors"' in markup, f"{path} : aucune erreur affichée"
    # RGAA 11.10: the title says the form came back with errors (layout's title_prefix block).
    assert "<title>Erreur : " in markup, f"{path} : le titre ne commence pas par « Erreur : »"
    return (f"{label} POST {path} (erreurs)", markup)


def _pages_with_errors(client) -> list[tuple[str, str]]:
    """Forms rendered with their errors: the error states have markup of their own."""
    pages = [
        _post_with_errors(client, "anonyme", reverse("account_signup"), {}),
        _post_with_errors(
            client, "anonyme", reverse("account_login"), {"login": "personne@example.org", "password": "x"}
        ),
    ]
    client.force_login(User.objects.get(email="habitante@demo.pacte.fr"))
    pages.append(_post_with_errors(client, "habitante", reverse("my_space"), {"category": "inconnue"}))
    if apps.is_installed("clubs"):
        # Checkbox lists, fieldsets and the charter's consent: the richest form's error state.
        pages.append(_post_with_errors(client, "habitante", reverse("clubs:garden_new"), {}))
    client.force_login(User.objects.get(email="asso@demo.pacte.fr"))
    organisation = Organisation.objects.editable_by(User.objects.get(email="asso@demo.pacte.fr")).first()
    pages.append(
        _post_with_errors(
            client,
            "asso",
            reverse("organisation_manage", args=[organisation.slug]),
            {"website": "x", "email": "pas une adresse"},
        )
    )
    pages.append(
        _post_with_errors(client, "asso", reverse("organisation_event_propose", args=[organisation.slug]), {})
    )
    pages.append(
        _post_with_errors(
            client, "asso", reverse("organisation_members", args=[organisation.slug]), {"email": "x@"}
        )
    )
    client.logout()
    return pages


def run_vnu(command: list[str], pages: list[tuple[str, str]], directory: Path) -> list[str]:
    """vnu's errors over all the pages, each with the page it belongs to, its line and message."""
    directory.mkdir(exist_ok=True)
    files = {}
    for number, (description, markup) in enumerate(pages):
        file = directory / f"page-{number:04d}.html"
        file.write_text(markup, encoding="utf-8")
        files[file.name] = (description, markup.splitlines())
    result = subprocess.run(
        [*command, *(str(directory / f"page-{n:04d}.html") for n in range(len(pages)))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report on stderr; anything else there means it did not run.
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError:
        pytest.fail(f"vnu n'a pas produit de rapport :\n{result.stdout}\n{result.stderr}", pytrace=False)
    errors = []
    for message in report["messages"]:
        if message["type"] == "info":  # and its subType "warning": advice, not invalidity
            continue
        url = message.get("url", "")
        description, lines = files.get(url.rpartition("/")[2], (url, []))
        line = message.get("lastLine", 0)
        excerpt = lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""
        errors.append(f"{description}, ligne {line} : {message['message']}\n    {excerpt}")
    return errors


def test_checker_reports_errors(vnu_command, tmp_path):
    # The assertion below is only worth something if vnu does see these mistakes.
    page = (
        "<!DOCTYPE html><html lang=fr><head><title>t</title></head><body>"
        '<time datetime="2026-01-02T10:00:00.123456+01:00">x</time><form hx-get="/">'
        "</form></body></html>"
    )
    errors = run_vnu(vnu_command, [("exemple", page)], tmp_path)
    assert any("datetime" in error for error in errors), errors
    assert any("hx-get" in error for error in errors), errors
    assert all(error.startswith("exemple, ligne 1 : ") for error in errors)


@pytest.mark.django_db
def test_every_demo_page_is_valid_html(client, vnu_command, tmp_path, settings):
    # The demo's practice photos go to a throw-away folder, not the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=io.StringIO())
    failures = []
    pages = crawl(client, "anonyme", ["/"], failures)
    pages += _pages_with_errors(client)
    for email, *_ in DEMO_ACCOUNTS:
        client.force_login(User.objects.get(email=email))
        pages += crawl(client, email.partition("@")[0], ["/", "/mon-espace/"], failures)
        client.logout()
    assert not failures, "pages en erreur :\n" + "\n".join(failures)
    # The crawl did reach the depths of the site, not only the home page.
    visited = {description.split(" GET ")[-1].partition("?")[0] for description, _ in pages}
    assert len(pages) > 50
    assert {"/agenda/", "/mon-espace/", "/comptes/login/"} <= visited
    if apps.is_installed("clubs"):
        assert reverse("clubs:list") in visited

    errors = run_vnu(vnu_command, pages, tmp_path / "pages")
    print(f"{len(pages)} pages validées par vnu")
    assert not errors, f"{len(errors)} erreurs W3C :\n" + "\n".join(errors)
