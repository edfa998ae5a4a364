from dataclasses import dataclass

import pytest

from pacte.models import Commune
from tests.communes.factories import referent
from tests.factories import UserFactory, commune

# The roles the issue names: anonymous, citizen, another commune's referent, the commune's referent, staff.
ROLES = ["anonymous", "citizen", "other_referent", "referent", "staff"]


@dataclass
class World:
    commune: Commune
    other_commune: Commune
    people: dict

    def login(self, client, role):
        client.logout()
        if self.people[role] is not None:
            client.force_login(self.people[role])
        return self.people[role]


@pytest.fixture
def world(db):
    people = {
        "anonymous": None,
        "citizen": UserFactory(),
        "other_referent": referent("oissel-sur-seine"),
        "referent": referent("darnetal"),
        "staff": UserFactory(staff=True),
    }
    return World(commune=commune("darnetal"), other_commune=commune("oissel-sur-seine"), people=people)


def matrix(**expected):
    """Parametrize over the five roles with the expected status of each."""
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize("role,status", list(expected.items()))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded photos and documents go to throw-away folders, not the project's media/.
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)
