"""The session's user as pacte.auth_backends loads it: the same instance the ORM would give, and
nobody for an unknown, malformed or deactivated account."""

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pacte.auth_backends import AuthenticationBackend, ModelBackend, load_user
from pacte.models import User
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


def test_the_loaded_user_has_every_field_the_orm_gives():
    user = UserFactory(home_commune=commune("rouen"), last_login=timezone.now())
    loaded = load_user(str(user.pk))  # the session stores the id as a string
    expected = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert loaded.last_login.tzinfo is not None
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert loaded.home_commune.slug == "rouen"


def test_one_query_and_nobody_for_unknown_or_malformed_ids():
    user = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        assert load_user(user.pk) == user
    assert len(queries) == 1
    assert load_user(user.pk + 1000) is None
    assert load_user("pas-un-nombre") is None


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_a_deactivated_account_is_nobody(backend):
    user = UserFactory(is_active=False)
    assert backend().get_user(user.pk) is None
    user.is_active = True
    user.save()
    assert backend().get_user(user.pk) == user


def test_a_signed_in_session_gives_its_user_and_a_changed_password_ends_it(client, rf):
    user = UserFactory()
    client.force_login(user)
    request = rf.get("/")
    request.session = client.session
    assert get_user(request) == user
    user.set_password("un-tout-autre-mot-de-passe")
    user.save()
    request = rf.get("/")
    request.session = client.session
    assert not get_user(request).is_authenticated
