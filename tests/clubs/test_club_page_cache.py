"""The club page signed in: its public part read from the cache in one round trip (clubs.views.clubs
.club_page), the person's state read on every request and never shared, and both fresh after a
write (docs/conventions.md, Performance)."""

import pytest

from clubs.enums import PracticeStatus
from clubs.services import club_leave, club_mailings_set, club_update_presentation, practice_create
from tests.clubs.factories import ClubFactory, PracticeFactory, animator, member
from tests.clubs.test_queries import _grow_club
from tests.factories import UserFactory
from tests.pages import page_queries_but_session as _queries
from tests.pages import page_text as _text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.mark.parametrize("viewer", ["non_member", "member", "animator"])
def test_signed_in_club_page_runs_no_query_once_warm(client, viewer):
    club = ClubFactory()
    people = {"non_member": UserFactory, "member": lambda: member(club), "animator": lambda: animator(club)}
    client.force_login(people[viewer]())
    _grow_club(club, 1)
    url = club.get_absolute_url()
    client.get(url)  # fills the public part (and the animators' to-dos)
    few = _queries(client, url)
    # The user and the person's membership and e-mails choice come from the cache.
    assert few == []
    _grow_club(club, 6)
    client.get(url)
    assert _queries(client, url) == []


def test_anonymous_club_page_runs_no_query_once_warm(client):
    club = ClubFactory()
    _grow_club(club, 2)
    url = club.get_absolute_url()
    client.get(url)
    assert _queries(client, url) == []


def test_member_state_follows_join_leave_and_e_mails_choice_at_once(client):
    club = ClubFactory()
    person = UserFactory()
    client.force_login(person)
    url = club.get_absolute_url()
    assert "Rejoindre le club" in _text(client, url) and "0 membre" in _text(client, url)
    member(club, person)
    text = _text(client, url)
    assert "Vous êtes membre de ce club" in text and "1 membre" in text and "Partager une pratique" in text
    assert "Ne plus recevoir les e-mails du club" in text
    club_mailings_set(club=club, user=person, receives=False, by=person)
    assert "Recevoir à nouveau les e-mails du club" in _text(client, url)
    club_leave(club=club, user=person, by=person)
    text = _text(client, url)
    assert "Vous êtes membre" not in text and "Rejoindre le club" in text and "0 membre" in text


def test_animator_to_dos_follow_a_report_and_never_reach_members(client):
    club = ClubFactory()
    lead, insider = animator(club), member(club)
    url = club.get_absolute_url()
    client.force_login(lead)
    text = _text(client, url)
    assert "Vous animez ce club" in text and "signalée" not in text
    practice = PracticeFactory(club=club, author=insider)
    practice.status = PracticeStatus.REPORTED
    practice.save()
    assert "<strong>1</strong> pratique signalée" in _text(client, url)
    client.force_login(insider)
    text = _text(client, url)
    assert "Vous animez ce club" not in text and "signalée" not in text and "Animer le club" not in text
    assert "Vous êtes membre de ce club" in text


def test_public_sections_follow_writes_and_carry_no_person(client):
    club = ClubFactory()
    lead = animator(club)
    url = club.get_absolute_url()
    client.force_login(lead)
    assert "Toute nouvelle pratique" not in _text(client, url)
    practice_create(
        club=club, author=lead, title="Toute nouvelle pratique", text="T", themes=[], photos=[], by=lead
    )
    club_update_presentation(club=club, by=lead, description="Nous compostons ensemble.")
    text = _text(client, url)
    assert "Toute nouvelle pratique" in text and "Nous compostons ensemble." in text
    client.logout()
    text = _text(client, url)
    assert (
        "Toute nouvelle pratique" in text and "Vous animez" not in text and "csrfmiddlewaretoken" not in text
    )


def test_a_404_is_never_cached_and_a_deactivated_club_leaves_at_once(client):
    client.force_login(UserFactory())
    assert client.get("/clubs/club-a-venir/").status_code == 404
    club = ClubFactory(organisation__slug="club-a-venir")
    assert client.get("/clubs/club-a-venir/").status_code == 200
    organisation = club.organisation
    organisation.is_active = False
    organisation.save()
    assert client.get("/clubs/club-a-venir/").status_code == 404
    client.force_login(UserFactory(staff=True))
    text = _text(client, "/clubs/club-a-venir/")
    assert "Ce club n'est plus actif." in text and "Vous animez ce club" in text
