from dataclasses import dataclass

import pytest

from clubs.models import Club
from tests import matrix as shared
from tests.clubs.factories import ClubFactory, animator, member
from tests.factories import UserFactory

ROLES = ["anonymous", "non_member", "member", "other_animator", "animator", "staff"]


@dataclass(kw_only=True)
class World(shared.World):
    club: Club
    other_club: Club


@pytest.fixture
def world(db):
    club = ClubFactory()
    other_club = ClubFactory()
    people = {
        "anonymous": None,
        "non_member": UserFactory(),
        "member": member(club),
        "other_animator": animator(other_club),
        "animator": animator(club),
        "staff": UserFactory(staff=True),
    }
    return World(club=club, other_club=other_club, people=people)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded photos go to a throw-away folder, not the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"
