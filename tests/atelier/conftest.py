from dataclasses import dataclass

import pytest

from tests import matrix as shared
from tests.atelier.factories import CallFactory, SpaceFactory, referent, resident
from tests.factories import OrganisationFactory, UserFactory

# The roles the issue names, plus a référent of another resident association (another
# organisation's objects are a 404 for them).
ROLES = ["anonymous", "citizen", "non_resident", "other_resident", "resident", "staff"]


@dataclass(kw_only=True)
class World(shared.World):
    space: object
    call: object
    residency: object
    other_residency: object
    non_resident_organisation: object


@pytest.fixture
def world(db):
    space = SpaceFactory(name="Salle Seine", slug="salle-seine")
    residency, resident_person = resident(space)
    other_residency, other_person = resident(space)
    association = OrganisationFactory(name="Les Amis du Compost")
    people = {
        "anonymous": None,
        "citizen": UserFactory(),
        "non_resident": referent(association),
        "other_resident": other_person,
        "resident": resident_person,
        "staff": UserFactory(staff=True),
    }
    return World(
        space=space,
        call=CallFactory(title="Appel à résidence 2027", slug="appel-2027"),
        residency=residency,
        other_residency=other_residency,
        non_resident_organisation=association,
        people=people,
    )


matrix = shared.matrix_for(ROLES)


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    yield from shared.files_in_tmp(settings, tmp_path)
