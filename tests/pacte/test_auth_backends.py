"""The session's user as pacte.auth_backends loads it: the same instance the ORM would give, and
nobody for an unknown, malformed or deactivated account; kept in the cache, and dropped from it by
any save or deletion, so that a password change or a deactivation applies at the next request."""

import time

import pytest
from django.contrib.auth import get_user
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pacte.auth_backends import AuthenticationBackend, ModelBackend, _names, load_user
from pacte.cache import PUBLIC_KEY_PREFIX, area_versions
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


def test_one_query_then_the_cache_and_nobody_for_unknown_or_malformed_ids(django_assert_num_queries):
    user = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        assert load_user(user.pk) == user
    assert len(queries) == 1
    with django_assert_num_queries(0):
        cached = load_user(str(user.pk))
    assert cached == user and cached.password == user.password and cached is not user
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


def test_a_saved_change_is_loaded_at_the_next_request():
    user = UserFactory(first_name="Avant")
    load_user(user.pk)
    user.first_name = "Après"
    user.save()
    assert load_user(user.pk).first_name == "Après"


def test_a_deleted_account_is_nobody_at_once():
    user = UserFactory()
    load_user(user.pk)
    pk = user.pk
    user.delete()
    assert load_user(pk) is None


def test_a_row_cached_by_another_request_before_commit_is_not_served_after_it(
    django_capture_on_commit_callbacks,
):
    """Another process may read and cache the row as it was until the save commits (a password
    change): it stores it under the version it read, which the commit renews."""
    user = UserFactory()
    stale = load_user(user.pk)
    entry, version = _names(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        user.set_password("un-tout-autre-mot-de-passe")
        user.save()
        # What a concurrent request would have stored: the old row, under the version of now.
        # (versions, data, expiry), as pacte.cache.public_contexts stores it.
        cache.set(PUBLIC_KEY_PREFIX + entry, (area_versions([version]), stale, time.time() + 60))
        assert load_user(user.pk).password == stale.password  # served until the commit…
    assert load_user(user.pk).password == user.password != stale.password  # …never after it


def test_a_deactivation_signs_the_person_out_at_the_next_request(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/mon-espace/").status_code == 200
    user.is_active = False
    user.save()
    response = client.get("/mon-espace/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
