"""The published actions as open data (CSV listed on /donnees/)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.services import replication_create
from tests.communes.factories import ActionFactory, referent
from tests.factories import commune

pytestmark = pytest.mark.django_db


def _rows(client):
    response = client.get("/communes/actions.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_published_actions_only_without_personal_data(client):
    action = ActionFactory(title="Cour oasis", budget=145000, is_experiment=True)
    ActionFactory(pending=True, title="Brouillon")
    replication_create(
        source=action, commune=commune("oissel-sur-seine"), message="x", by=referent("oissel-sur-seine")
    )
    rows = _rows(client)
    assert [row["titre"] for row in rows] == ["Cour oasis"]
    row = rows[0]
    assert row["code_insee"] == "76212" and row["commune"] == "Darnétal"
    assert row["budget_euros"] == "145000" and row["experimentation_pacte"] == "oui"
    assert row["reprises_nous_aussi"] == "1" and row["url"].endswith(action.get_absolute_url())
    assert action.author.last_name not in client.get("/communes/actions.csv").content.decode()
    assert "/communes/actions.csv" in client.get("/donnees/").content.decode()


@pytest.mark.usefixtures("no_page_cache")
def test_one_query_whatever_the_rows(client):
    ActionFactory()
    with CaptureQueriesContext(connection) as few:
        _rows(client)
    for _ in range(10):
        ActionFactory(commune=commune("rouen"))
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client)) == 11
    assert len(few.captured_queries) == len(many.captured_queries)
