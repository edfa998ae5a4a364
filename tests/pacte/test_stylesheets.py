"""CSS per area: the kernel's static/css/base.css, then each app's own file, linked on every page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from pacte import portal

pytestmark = pytest.mark.django_db
BASE_CSS = Path(settings.BASE_DIR, "static", "css", "base.css")
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def _links(markup: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', markup)


def test_every_page_links_base_css_then_each_apps_file(client):
    declared = portal.stylesheets()
    assert "css/clubs.css" in declared
    expected = ["/static/css/base.css", *(f"/static/{sheet}" for sheet in declared)]
    # A kernel page too: the apps' markup shows there (home cards, organisation sections).
    for path in ["/", "/agenda/", "/clubs/", "/comptes/login/"]:
        assert _links(client.get(path).content.decode()) == expected, path


def test_declared_stylesheets_exist():
    for sheet in ["css/base.css", *portal.stylesheets()]:
        assert finders.find(sheet), sheet


def _used_in(paths: list[Path], name: str) -> bool:
    word = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])")
    return any(word.search(path.read_text(encoding="utf-8")) for path in paths)


def test_base_css_holds_no_rule_that_only_an_app_uses():
    # Before more apps add to one file: a class that only an app's templates or code use belongs
    # in that app's stylesheet, not in the kernel's.
    root = Path(settings.BASE_DIR)
    app_labels = [app.label for app in portal.portal_apps() if app.label != "pacte"]
    templates = root / "templates"
    kernel = [
        path
        for path in [*templates.rglob("*.html"), *(root / "pacte").rglob("*.py")]
        if not any(path.is_relative_to(templates / label) for label in app_labels)
        and "migrations" not in path.parts
    ]
    apps = [
        path
        for label in app_labels
        for path in [*(templates / label).rglob("*.html"), *(root / label).rglob("*.py")]
    ]
    # Classes the kernel builds, e.g. "field-{{ field.widget_type }}" or f"map-class-{n}".
    built = {
        prefix
        for path in kernel
        for prefix in re.findall(r"([\w-]+-)(?:\{\{|\{)", path.read_text(encoding="utf-8"))
    }
    css = re.sub(r"/\*.*?\*/", "", BASE_CSS.read_text(encoding="utf-8"), flags=re.S)
    app_only = sorted(
        name
        for name in set(CLASS.findall(css))
        if not re.fullmatch(r"\d.*", name)
        and not name.startswith(tuple(built))
        and not _used_in(kernel, name)
        and _used_in(apps, name)
    )
    assert app_only == []


def test_no_inline_style_in_templates():
    # The CSP allows style-src 'self' only: styles live in the static files.
    # (E-mails are the exception: mail clients only read inline styles.)
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if re.search(r"<style|\sstyle=", path.read_text(encoding="utf-8"))
        and not {"emails", "email"} & set(path.parts)
    ]
    assert offenders == []
