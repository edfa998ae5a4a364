import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def _filters_html(client, url):
    body = client.get(url).content.decode()
    return body[body.index('<form class="filters"') : body.index("</form>")]


def test_filter_fields_keep_each_selection(client):
    plain = _filters_html(client, "/agenda/")
    rouen = _filters_html(client, "/agenda/?commune=rouen")
    assert '<option value="rouen" selected>' in rouen
    assert '<option value="rouen" selected>' not in plain
    assert _filters_html(client, "/agenda/") == plain


def test_filter_fields_rendered_once_then_follow_new_themes(client, settings):
    # A logged-in look (no page cache) still reuses the rendered filter fields.
    client.get("/agenda/?action=clubs&_=1")
    with CaptureQueriesContext(connection) as again:
        client.get("/agenda/?action=clubs&_=2")
    assert not any("pacte_commune" in q["sql"] for q in again.captured_queries)
    ThemeFactory(name="Numérique responsable")
    assert "Numérique responsable" in _filters_html(client, "/agenda/?action=clubs&_=3")
