from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from pacte.enums import StaffGroup
from tests.associations.factories import (
    CampaignFactory,
    instructor,
    labelled_association,
    referent,
    submitted,
)
from tests.factories import MembershipFactory, UserFactory

# The roles of the permission matrix.
ROLES = ["anonymous", "other_referent", "member", "referent", "instructor", "other_staff"]


@dataclass
class World:
    association: object
    other: object
    campaign: object
    application: object
    people: dict

    def login(self, client, role):
        client.logout()
        if self.people[role] is not None:
            client.force_login(self.people[role])
        return self.people[role]


@pytest.fixture
def world(db):
    association = labelled_association(name="Les Jardins du Mont", slug="jardins-du-mont")
    other = labelled_association(name="Vélo Partage", slug="velo-partage")
    campaign = CampaignFactory()
    lead = referent(association)
    other_staff = UserFactory(staff=True)
    other_staff.groups.add(Group.objects.get(name=StaffGroup.ATELIER))
    people = {
        "anonymous": None,
        "other_referent": referent(other),
        "member": MembershipFactory(organisation=association).user,
        "referent": lead,
        "instructor": instructor(),
        "other_staff": other_staff,
    }
    application = submitted(campaign=campaign, organisation=association, by=lead)
    return World(association, other, campaign, application, people)


def matrix(**expected):
    assert set(expected) == set(ROLES)
    return pytest.mark.parametrize("role,status", list(expected.items()))


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.files.storage import storages

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
