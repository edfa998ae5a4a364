"""The authentication backends: Django's and allauth's, loading the session's user faster.

Every signed-in page loads its user (the header shows "Mon espace" and "Se déconnecter"). Django
builds and compiles `User.objects.get(pk=…)` anew on each request: 0.8 ms of the 1.0 ms that
loading the user cost in `bench/profile.py`, more than the whole minimal view. Here the statement
is compiled once per process (pacte.prepared) and run with the session's user id. The rest (who
may sign in, the session hash check) is Django's own.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError

from .prepared import PreparedQuery

_USER = PreparedQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk), pk=int)


def load_user(user_id):
    """The user with primary key `user_id` (as the session stores it), or None."""
    try:
        pk = get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    return _USER.first(pk=pk)


class FastUserLoadMixin:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(FastUserLoadMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(FastUserLoadMixin, auth_backends.AuthenticationBackend):
    pass
