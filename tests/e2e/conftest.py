"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

The live server runs in a thread of the test process, so what the site does is visible here:
e-mails land in `django.core.mail.outbox` (EMAIL_URL=memory://) and Celery tasks run eagerly.

Static files: pytest-django's `live_server` wraps the site in staticfiles' `StaticFilesHandler`,
which serves /static/ from the finders whatever DEBUG says, so CSS and htmx load with DEBUG off
without collectstatic; nothing needs configuring here.

Without Chromium or axe-core the tests are skipped with the reason shown; with
PACTE_REQUIRE_E2E=1 (set by .ci/run) the same absence is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Generous for a loaded CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000


def _chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _missing_requirements() -> list[str]:
    missing = []
    if _chromium_path() is None:
        missing.append("Chromium absent (/usr/bin/chromium : apt-get install chromium)")
    if not AXE_PATH.is_file():
        missing.append(f"axe-core absent ({AXE_PATH.relative_to(ROOT)} : lancer `npm install`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("paquet Python playwright absent (pip install -r requirements-dev.txt)")
    return missing


def pytest_collection_modifyitems(config, items):
    # Every test under tests/e2e/ is a browser test, whether or not its module says so.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_requirements():
    missing = _missing_requirements()
    if missing:
        reason = "tests navigateur impossibles : " + " ; ".join(missing)
        if os.environ.get("PACTE_REQUIRE_E2E") == "1":
            pytest.fail(reason + " (PACTE_REQUIRE_E2E=1 les rend obligatoires)", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(e2e_requirements, live_server):
    # Asking for live_server here makes it stop after the browser: Chromium keeps idle
    # connections open until it quits, and their server threads must end while the server
    # (and its shared SQLite connection) is still up.
    from django.db import connections
    from playwright.sync_api import sync_playwright

    wrappers = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # Playwright's sync API leaves its asyncio loop "running" in this thread, and Django keeps
    # database connections in an asgiref Local that, under a running loop, switches to separate
    # storage: the tests would get new connection objects, without the serialized data that
    # serialized rollback reloads and not the one shared with the live server's thread. Put the
    # same objects back under the loop (they belong to this very thread).
    for alias, wrapper in wrappers.items():
        connections[alias] = wrapper
    try:
        # headless=True also adds --headless; the documented flags are passed as they are written.
        browser = playwright.chromium.launch(
            executable_path=_chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def e2e_db(django_db_serialized_rollback, live_server):
    """The live server sees the test's data only without a wrapping transaction: `live_server`
    pulls in transactional_db, whose flush after each test also empties the communes and themes
    that the data migrations loaded. Serialized rollback reloads them before each test, so
    tests/factories.py `commune()` finds Rouen in every browser test."""
    return live_server


@pytest.fixture
def context(browser, e2e_db):
    """A fresh browser context per test: no cookie or storage leaks between tests."""
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", base_url=e2e_db.url)
    context.set_default_timeout(TIMEOUT_MS)
    # axe-core is served at a same-origin URL straight from node_modules, so the page's CSP
    # (script-src 'self') accepts it without bypass_csp: the site is tested with its real policy.
    context.route("**/__e2e__/axe.min.js", lambda route: route.fulfill(path=AXE_PATH))
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    # A CSP violation or a script error is a defect even when the page still looks right.
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    yield page
    assert errors == [], f"erreurs dans la console du navigateur : {errors}"


@pytest.fixture
def log_in(context, e2e_db):
    """Sign a user in by giving the browser a session made by Django's test client."""

    def log_in(user):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": e2e_db.url}])

    return log_in
