"""The authentication backends: Django's and allauth's, loading the session's user faster.

Every signed-in page loads its user (the header shows "Mon espace" and "Se déconnecter"). Two
layers make that cheap:

- the user is kept in the cache under its id with a version of its own (pacte.cache), so a
  signed-in request reads it from the cache instead of querying (with the session, in the same
  round trip: pacte/cached_sessions.py): on the bench machine
  the query and its decoding were 0.16 ms of the 0.28 ms that loading the session's user cost,
  plus PostgreSQL's own CPU on the same cores. Any save or deletion of the user renews its
  version, now and after commit (signals connected by `PacteConfig.ready`, in every process), so
  a password change, a deactivation or an erasure applies at the next request exactly as before:
  Django still checks the session's hash against the (fresh) user and `user_can_authenticate`. The entry also expires on its own after
  `USER_CACHE_TIMEOUT`, the bound for a write made with `QuerySet.update()` (none in the portal).
  The entry is what the query gives, password hash included (a password change form checks it);
  the cache is the private Redis that already holds the sessions.
- on a miss, the statement is compiled once per process (pacte.prepared): Django builds and
  compiles `User.objects.get(pk=…)` anew on each request, 0.8 ms on the first bench machine.
"""

import hashlib

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from .cache import public_contexts, renew
from .prepared import PreparedQuery

_USER = PreparedQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk), pk=int)

USER_CACHE_TIMEOUT = 600
_schema_token = None


def _names(pk) -> tuple[str, str]:
    """(entry, version) names of the user `pk` in pacte.cache."""
    global _schema_token
    if _schema_token is None:
        # An entry pickled before a deployment that changed the model's fields is never read.
        fields = ",".join(field.attname for field in get_user_model()._meta.concrete_fields)
        _schema_token = hashlib.md5(fields.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"user:{_schema_token}:{pk}", f"user:{pk}"


def load_user(user_id):
    """The user with primary key `user_id` (as the session stores it), or None.

    Read with the user's version in one cache round trip, and stored with the version read before
    the query (pacte.cache.public_contexts): a request that read the row just before a change
    committed stores it under a version the change has already renewed, so it is never served.
    An unknown id is kept as None under its version too; creating that user renews it."""
    try:
        pk = get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    entry, version = _names(pk)
    return public_contexts({entry: ([version], lambda: _USER.first(pk=pk))}, timeout=USER_CACHE_TIMEOUT)[
        entry
    ]


def forget_user(sender, instance, using="default", update_fields=None, **kwargs) -> None:
    """Renew the user's version after any save or deletion (post_save, post_delete): now, and
    again after commit, so that a row read by another request until then is never served.

    A sign-in's save (Django's `update_last_login`, `last_login` only) changes nothing that the
    session checks: the fresh row is cached at once, so the person's next page runs no query."""
    _entry, version = _names(instance.pk)
    renew(version)
    if update_fields is not None and set(update_fields) == {"last_login"}:
        load_user(instance.pk)
        return
    transaction.on_commit(lambda: renew(version), using=using, robust=True)


class FastUserLoadMixin:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(FastUserLoadMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(FastUserLoadMixin, auth_backends.AuthenticationBackend):
    pass
