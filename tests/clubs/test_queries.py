"""The clubs pages make as many queries with many rows as with few (docs/architecture.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clubs.services import practice_adoption_toggle, practice_create, practice_reply_create
from pacte.enums import Action
from pacte.images import process_image
from pacte.models import ExchangeNetwork, Theme
from pacte.services.exchanges import reply_create, topic_create
from tests.clubs.factories import ClubFactory, animator, image_upload, member
from tests.factories import EventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _viewer(client, club, logged_in):
    if logged_in:
        client.force_login(member(club))


def _grow_club(club, n):
    """n more members, practices (with photos, themes, adoptions, replies), meetings and topics."""
    themes = list(Theme.objects.all()[:2])
    club.organisation.themes.set(themes)
    lead = animator(club)
    for _ in range(n):
        author = member(club)
        practice = practice_create(
            club=club,
            author=author,
            title="Pratique",
            text="Texte",
            themes=themes,
            photos=[process_image(image_upload())],
            by=author,
        )
        practice_adoption_toggle(practice=practice, user=lead, by=lead)
        practice_reply_create(practice=practice, author=lead, text="Bravo", by=lead)
        event = EventFactory(organiser=club.organisation, action=Action.CLUBS)
        event.themes.set(themes)
        topic = topic_create(
            network=ExchangeNetwork.CLUBS,
            organisation=club.organisation,
            title="Sujet",
            body="B",
            author=author,
            by=author,
        )
        reply_create(topic=topic, body="Réponse", author=lead, by=lead)


@pytest.mark.parametrize("logged_in", [False, True])
def test_club_list_queries_constant(client, logged_in):
    first = ClubFactory()
    _viewer(client, first, logged_in)
    _grow_club(first, 1)
    ClubFactory()
    few = _count(client, "/clubs/")
    for _ in range(6):
        _grow_club(ClubFactory(), 2)
    many = _count(client, "/clubs/")
    assert many == few


@pytest.mark.parametrize("logged_in", [False, True])
def test_practice_list_queries_constant(client, logged_in):
    club = ClubFactory()
    _viewer(client, club, logged_in)
    _grow_club(club, 2)
    few = _count(client, "/clubs/pratiques/")
    _grow_club(club, 6)
    _grow_club(ClubFactory(), 4)
    many = _count(client, "/clubs/pratiques/")
    assert many == few


@pytest.mark.parametrize("logged_in", [False, True])
def test_club_page_queries_constant(client, logged_in):
    club = ClubFactory()
    _viewer(client, club, logged_in)
    _grow_club(club, 1)
    few = _count(client, club.get_absolute_url())
    _grow_club(club, 8)
    many = _count(client, club.get_absolute_url())
    assert many == few


@pytest.mark.parametrize("logged_in", [False, True])
def test_topic_page_queries_constant(client, logged_in):
    club = ClubFactory()
    _viewer(client, club, logged_in)
    author = member(club)
    topic = topic_create(
        network=ExchangeNetwork.CLUBS,
        organisation=club.organisation,
        title="Sujet",
        body="B",
        author=author,
        by=author,
    )
    reply_create(topic=topic, body="Première", author=member(club), by=None)
    few = _count(client, topic.get_absolute_url())
    for _ in range(10):
        reply_create(topic=topic, body="Encore", author=member(club), by=None)
    many = _count(client, topic.get_absolute_url())
    assert many == few
    few = _count(client, f"/clubs/{club.slug}/discussions/")
    _grow_club(club, 5)
    assert _count(client, f"/clubs/{club.slug}/discussions/") == few


@pytest.mark.parametrize("logged_in", [False, True])
def test_practice_page_queries_constant(client, logged_in):
    club = ClubFactory()
    _viewer(client, club, logged_in)
    author = member(club)
    practice = practice_create(
        club=club, author=author, title="P", text="T", photos=[process_image(image_upload())], by=author
    )
    practice_reply_create(practice=practice, author=member(club), text="R", by=None)
    few = _count(client, practice.get_absolute_url())
    for _ in range(8):
        fan = member(club)
        practice_adoption_toggle(practice=practice, user=fan, by=fan)
        practice_reply_create(practice=practice, author=fan, text="R", by=None)
    assert _count(client, practice.get_absolute_url()) == few


def test_manage_page_queries_constant(client):
    club = ClubFactory()
    client.force_login(animator(club))
    _grow_club(club, 1)
    few = _count(client, f"/clubs/{club.slug}/animer/")
    _grow_club(club, 6)
    assert _count(client, f"/clubs/{club.slug}/animer/") == few


def _count_without_session(client, url):
    """Queries of a page but the session's: the bench (and production) read sessions from Redis
    (cached_db), the tests from the database."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len([query for query in ctx.captured_queries if "django_session" not in query["sql"]])


@pytest.mark.parametrize("viewer", ["anonymous", "member", "animator"])
def test_club_page_at_most_six_queries_and_a_new_practice_shows_at_once(client, viewer):
    """The part everyone sees is cached per content version (clubs.views.clubs.club_public_context):
    a rendered page (page cache off) stays within the bench's 6 queries, grown or not, and a
    write renews it for the very next request."""
    club = ClubFactory()
    if viewer != "anonymous":
        client.force_login(animator(club) if viewer == "animator" else member(club))
    _grow_club(club, 1)
    client.get(club.get_absolute_url())  # fills the cached part
    assert _count_without_session(client, club.get_absolute_url()) <= 6
    _grow_club(club, 8)
    client.get(club.get_absolute_url())
    assert _count_without_session(client, club.get_absolute_url()) <= 6
    author = member(club)
    practice_create(
        club=club, author=author, title="Toute nouvelle", text="T", themes=[], photos=[], by=author
    )
    assert "Toute nouvelle" in client.get(club.get_absolute_url()).content.decode()
