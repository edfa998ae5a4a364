"""The permission matrix the apps' view tests share (docs/conventions.md, "Permission matrix").

Each app's conftest declares its roles and a `World`: its objects, plus `people`, one account per
role (None for the anonymous visitor). A test takes `world` and is parametrized over every role
with the status each one expects:

    ROLES = ["anonymous", "citizen", "referent", "staff"]
    matrix = matrix_for(ROLES)

    @matrix(anonymous=302, citizen=404, referent=200, staff=404)
    def test_page(client, world, role, status):
        world.login(client, role)
        assert client.get(url).status_code == status
"""

from dataclasses import dataclass

import pytest


@dataclass(kw_only=True)
class World:
    """One account per role; an app's World subclass (a dataclass too) adds its objects."""

    people: dict

    def login(self, client, role):
        """Sign `client` in as `role` (signed out for a role without an account); its user."""
        client.logout()
        if self.people[role] is not None:
            client.force_login(self.people[role])
        return self.people[role]


def matrix_for(roles):
    """A `matrix(**expected)` decorator for these roles: every role must be given a status, so a
    role added to the World cannot be left out of a test unnoticed."""
    roles = list(roles)

    def matrix(**expected):
        assert set(expected) == set(roles), (
            f"roles without a status: {sorted(set(roles) - set(expected))}; "
            f"unknown roles: {sorted(set(expected) - set(roles))}"
        )
        return pytest.mark.parametrize("role,status", list(expected.items()))

    return matrix


def files_in_tmp(settings, tmp_path):
    """Uploaded media and private documents go to throw-away folders, not the project's media/
    (a generator, for an autouse fixture: `yield from files_in_tmp(settings, tmp_path)`)."""
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = tmp_path / "media"
    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private.get("OPTIONS", {}), "location": tmp_path / "private"}},
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)
