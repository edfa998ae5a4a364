"""The shared permission-matrix helpers (tests/matrix.py) that the apps' conftests build on."""

from dataclasses import dataclass

import pytest

from tests import matrix as shared
from tests.factories import UserFactory


def test_a_matrix_names_every_role_and_no_other():
    matrix = shared.matrix_for(["anonymous", "staff"])
    mark = matrix(anonymous=302, staff=200)
    assert mark.args == ("role,status", [("anonymous", 302), ("staff", 200)])
    with pytest.raises(AssertionError, match="roles without a status: \\['staff'\\]"):
        matrix(anonymous=302)
    with pytest.raises(AssertionError, match="unknown roles: \\['member'\\]"):
        matrix(anonymous=302, staff=200, member=403)


@pytest.mark.django_db
def test_an_apps_world_signs_each_role_in_and_the_anonymous_out(client):
    @dataclass(kw_only=True)
    class World(shared.World):
        place: str

    person = UserFactory()
    world = World(place="Darnétal", people={"anonymous": None, "member": person})
    assert world.login(client, "member") == person
    assert int(client.session["_auth_user_id"]) == person.pk
    assert world.login(client, "anonymous") is None
    assert "_auth_user_id" not in client.session
