"""The authentication backends: Django's and allauth's, loading the session's user faster.

Every signed-in page loads its user (the header shows "Mon espace" and "Se déconnecter"). Django
builds and compiles `User.objects.get(pk=…)` anew on each request: 0.8 ms of the 1.0 ms that
loading the user cost in `bench/profile.py`, more than the whole minimal view. Here the statement
is compiled once per process and database, then run with the session's user id; the row goes
through the converters the ORM would apply and becomes a model instance by `Model.from_db`, as
a queryset's would. The rest (who may sign in, the session hash check) is Django's own.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, router

# A value nobody's id has, to find where the id goes in the compiled statement's parameters.
_PLACEHOLDER = -424242
_statements: dict[str, tuple] = {}


def _statement(using: str) -> tuple:
    """(sql, params, index of the id in params, attribute names, converters), once per database."""
    found = _statements.get(using)
    if found is None:
        user_model = get_user_model()
        queryset = user_model._default_manager.db_manager(using).filter(pk=_PLACEHOLDER)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        columns = [column for column, _sql, _alias in compiler.select]
        names = [column.target.attname for column in columns]
        converters = compiler.get_converters(columns)
        found = _statements[using] = (sql, tuple(params), list(params).index(_PLACEHOLDER), names, converters)
    return found


def load_user(user_id):
    """The user with primary key `user_id` (as the session stores it), or None."""
    user_model = get_user_model()
    try:
        pk = user_model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    using = router.db_for_read(user_model)
    sql, params, position, names, converters = _statement(using)
    params = list(params)
    params[position] = pk
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, (functions, expression) in converters.items():
        for convert in functions:
            values[index] = convert(values[index], expression, connection)
    return user_model.from_db(using, names, values)


class FastUserLoadMixin:
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(FastUserLoadMixin, backends.ModelBackend):
    pass


class AuthenticationBackend(FastUserLoadMixin, auth_backends.AuthenticationBackend):
    pass
