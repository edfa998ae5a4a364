"""The authentication backends: Django's and allauth's, loading the session's user faster.

Every signed-in page loads its user (the header shows "Mon espace" and "Se déconnecter"). Two
layers make that cheap:

- the user is kept in the cache under its id (`pacte:user:…`), so a signed-in request reads it
  with one cache round trip instead of a query: on the bench machine the query and its decoding
  were 0.16 ms of the 0.28 ms that loading the session's user cost, plus PostgreSQL's own CPU on
  the same cores. Any save or deletion of the user drops the entry (signals connected by
  `PacteConfig.ready`, in every process), so a password change, a deactivation or an erasure
  applies at the next request exactly as before: Django still checks the session's hash against
  the (fresh) user and `user_can_authenticate`. The entry also expires on its own after
  `USER_CACHE_TIMEOUT`, the bound for a write made with `QuerySet.update()` (none in the portal).
  The entry is what the query gives, password hash included (a password change form checks it);
  the cache is the private Redis that already holds the sessions.
- on a miss, the statement is compiled once per process (pacte.prepared): Django builds and
  compiles `User.objects.get(pk=…)` anew on each request, 0.8 ms on the first bench machine.
"""

import hashlib
import logging

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from .prepared import PreparedQuery

logger = logging.getLogger(__name__)

_USER = PreparedQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk), pk=int)

USER_CACHE_TIMEOUT = 600
_schema_token = None


def _user_key(pk) -> str:
    global _schema_token
    if _schema_token is None:
        # An entry pickled before a deployment that changed the model's fields is never read.
        fields = ",".join(field.attname for field in get_user_model()._meta.concrete_fields)
        _schema_token = hashlib.md5(fields.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"pacte:user:{_schema_token}:{pk}"


def load_user(user_id):
    """The user with primary key `user_id` (as the session stores it), or None."""
    try:
        pk = get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    key = _user_key(pk)
    try:
        user = cache.get(key)
    except Exception:  # noqa: BLE001 — without the cache, the query
        logger.exception("User cache unavailable.")
        return _USER.first(pk=pk)
    if user is None:
        user = _USER.first(pk=pk)
        if user is not None:
            try:
                cache.set(key, user, USER_CACHE_TIMEOUT)
            except Exception:  # noqa: BLE001
                logger.exception("User cache: the user could not be stored.")
    return user


def forget_user(sender, instance, using="default", update_fields=None, **kwargs) -> None:
    """Drop the cached user after any save or deletion (post_save, post_delete): now, and again
    after commit, since a request may cache the row as it still is until then.

    A sign-in's save (Django's `update_last_login`, `last_login` only) changes nothing that the
    session checks: the row is cached afresh instead, so the person's next page runs no query."""
    key = _user_key(instance.pk)
    if update_fields is not None and set(update_fields) == {"last_login"}:
        try:
            fresh = _USER.first(pk=instance.pk)
            if fresh is not None:
                cache.set(key, fresh, USER_CACHE_TIMEOUT)
                return
        except Exception:  # noqa: BLE001 — forgotten below: the next page queries it
            logger.exception("User cache: the user could not be stored at sign-in.")

    def forget():
        try:
            cache.delete(key)
        except Exception:  # noqa: BLE001 — the entry then expires after USER_CACHE_TIMEOUT
            logger.exception("User cache: the user could not be forgotten.")

    forget()
    transaction.on_commit(forget, using=using, robust=True)


class FastUserLoadMixin:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(FastUserLoadMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(FastUserLoadMixin, auth_backends.AuthenticationBackend):
    pass
