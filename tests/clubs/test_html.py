"""The clubs pages validate as HTML (same checker as the kernel pages), for every kind of visitor."""

import pytest

from clubs.services import practice_adoption_toggle, practice_reply_create
from pacte.enums import Action
from pacte.models import ExchangeNetwork
from pacte.services.exchanges import reply_create, topic_create
from tests.clubs.factories import ClubFactory, PracticeFactory, animator, member
from tests.factories import EventFactory, UserFactory
from tests.pacte.test_html_validity import html_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    club = ClubFactory()
    lead = animator(club)
    fan = member(club)
    practice = PracticeFactory(club=club, title="Compost « malin » & facile")
    practice_adoption_toggle(practice=practice, user=fan, by=fan)
    practice_reply_create(practice=practice, author=fan, text="Merci !", by=fan)
    PracticeFactory(club=club, reported=True)
    EventFactory(organiser=club.organisation, action=Action.CLUBS)
    EventFactory(organiser=club.organisation, action=Action.CLUBS, past=True)
    topic = topic_create(
        network=ExchangeNetwork.CLUBS,
        organisation=club.organisation,
        title="Sujet",
        body="Corps",
        author=fan,
        by=fan,
    )
    reply_create(topic=topic, body="Réponse", author=lead, by=lead)
    base = f"/clubs/{club.slug}/"
    public = [
        "/clubs/",
        "/clubs/pratiques/",
        "/clubs/?club_type=cop21",
        base,
        practice.get_absolute_url(),
        f"{base}discussions/",
        topic.get_absolute_url(),
    ]
    member_pages = [
        *public,
        f"{base}pratiques/nouvelle/",
        f"{base}discussions/nouvelle/",
        f"{practice.get_absolute_url()}signaler/",
    ]
    animator_pages = [
        *member_pages,
        f"{base}animer/",
        f"{base}animer/presentation/",
        f"{base}animer/rencontres/nouvelle/",
        f"{base}animer/ecrire-aux-membres/",
    ]
    return {
        "club": club,
        "lead": lead,
        "fan": fan,
        "public": public,
        "member": member_pages,
        "animator": animator_pages,
    }


def _assert_valid(client, paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        problems = html_problems(response.content.decode())
        assert not problems, (path, problems)


def test_public_pages_valid(client, pages):
    _assert_valid(client, pages["public"])


def test_member_pages_valid(client, pages):
    client.force_login(pages["fan"])
    _assert_valid(client, pages["member"])


def test_animator_pages_valid(client, pages):
    client.force_login(pages["lead"])
    _assert_valid(client, pages["animator"])


def test_non_member_403_page_valid(client, pages):
    client.force_login(UserFactory())
    response = client.get(f"/clubs/{pages['club'].slug}/pratiques/nouvelle/")
    assert response.status_code == 403 and not html_problems(response.content.decode())


def test_forms_with_errors_valid(client, pages):
    client.force_login(pages["lead"])
    base = f"/clubs/{pages['club'].slug}/"
    for path, data in [
        (f"{base}animer/rencontres/nouvelle/", {"title": ""}),
        (f"{base}pratiques/nouvelle/", {"title": ""}),
        (f"{base}animer/ecrire-aux-membres/", {"subject": ""}),
    ]:
        response = client.post(path, data)
        assert response.status_code == 200
        assert not html_problems(response.content.decode()), path
