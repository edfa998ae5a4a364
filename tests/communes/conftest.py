from dataclasses import dataclass

import pytest

from pacte.models import Commune
from tests import matrix as shared
from tests.communes.factories import referent
from tests.factories import UserFactory, commune

# The roles the issue names: anonymous, citizen, another commune's referent, the commune's referent, staff.
ROLES = ["anonymous", "citizen", "other_referent", "referent", "staff"]


@dataclass(kw_only=True)
class World(shared.World):
    commune: Commune
    other_commune: Commune


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


# Parametrize over the five roles with the expected status of each.
matrix = shared.matrix_for(ROLES)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    yield from shared.files_in_tmp(settings, tmp_path)
