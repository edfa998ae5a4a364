"""Reading a page in tests: its text, and the queries it ran (the page-cost tests of issue 9)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_text(client, url, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def page_query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def page_queries_but_session(client, url) -> list[str]:
    """The SQL of the page's queries but the session's (the bench and production read sessions
    from Redis)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return [query["sql"] for query in ctx.captured_queries if "django_session" not in query["sql"]]
