from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from pacte.enums import StaffGroup
from tests import matrix as shared
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


@dataclass(kw_only=True)
class World(shared.World):
    association: object
    other: object
    campaign: object
    application: object


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
    return World(
        association=association, other=other, campaign=campaign, application=application, people=people
    )


matrix = shared.matrix_for(ROLES)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    yield from shared.files_in_tmp(settings, tmp_path)
