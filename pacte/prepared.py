"""Querysets compiled once per process, for the small per-person queries of signed-in pages.

Django builds and compiles a queryset anew on every request: about 1 ms of CPU on the bench
machine for a one-row lookup (a person's registration to an event, their membership of a club,
their applications to a call), while PostgreSQL answers it in a tenth of that. On a page whose
public part comes from the cache, the person's own query was most of the page.

A `PreparedQuery` builds its queryset once per process and database, with placeholder values where
the request's values go, keeps the SQL and the ORM's converters, and on each call runs that SQL
with the values. The queryset stays the one source of what is read; `pacte/auth_backends.py` does
the same for the session's user.

    _REGISTRATION = PreparedQuery(
        lambda event, user: Registration.objects.filter(event_id=event, user_id=user)[:1],
        event=int, user=int,
    )
    _REGISTRATION.first(event=event.pk, user=request.user.pk)   # a model instance or None

    _STATE = PreparedQuery(lambda slug: Club.objects.filter(slug=slug).values("pk", "name"), slug=str)
    _STATE.rows(slug="club-cop21")                               # dicts, as .values() gives

Arguments are ints, strs or dates. Each must reach the statement's parameters as given (an exact lookup on an id or a slug,
not `__icontains`): otherwise the first call raises ValueError rather than run another query.
Values that never change (a status, a role) are written in `build` as usual.
"""

import hashlib
import re
from datetime import date, timedelta
from functools import partial

from django.db import connections, router

from .cache import public_contexts

# Values no id, slug or day has, to find where each argument lands among the statement's
# parameters.
_INT_PLACEHOLDER = -424_242_000
_STR_PLACEHOLDER = "\x00prepared-{}\x00"
_DATE_PLACEHOLDER = date(1901, 2, 3)
_TYPES = (int, str, date)


# The tables a statement reads, as Django quotes them (subqueries included).
_TABLES = re.compile(r'(?:FROM|JOIN)\s+"([^"]+)"')
# Bounds what changes with the clock alone, as the page cache's timeouts do.
CACHE_TIMEOUT = 300


def areas_of_tables(tables) -> tuple[str, ...]:
    """The page-cache areas whose versions renew when any of `tables` is written (a watched
    model's table or one of its many-to-many tables), or () when one of them is watched by none."""
    from .portal import watched_models

    watching = {}
    for model, area in watched_models():
        for table in [model._meta.db_table] + [
            m2m.remote_field.through._meta.db_table for m2m in model._meta.local_many_to_many
        ]:
            watching.setdefault(table, set()).add(area)
    tables = set(tables)
    if not tables or not tables <= set(watching):
        return ()
    return tuple(sorted(set().union(*(watching[table] for table in tables))))


class PreparedQuery:
    def __init__(self, build, *, cache: bool = True, **types):
        for name, kind in types.items():
            if kind not in _TYPES:
                raise TypeError(f"PreparedQuery : type non pris en charge pour {name} ({kind!r}).")
        self.build, self.types, self.cache = build, types, cache
        self._model = None
        self._compiled: dict[str, tuple] = {}
        self._cached_areas: dict[str, tuple] = {}

    def _placeholders(self) -> dict:
        found = {}
        for index, (name, kind) in enumerate(self.types.items()):
            if kind is int:
                found[name] = _INT_PLACEHOLDER - index
            elif kind is str:
                found[name] = _STR_PLACEHOLDER.format(index)
            else:
                found[name] = _DATE_PLACEHOLDER + timedelta(days=index)
        return found

    def _compile(self, using: str) -> tuple:
        found = self._compiled.get(using)
        if found is None:
            placeholders = self._placeholders()
            queryset = self.build(**placeholders)
            query = queryset.query
            compiler = query.get_compiler(using)
            sql, params = compiler.as_sql()
            params = list(params)
            positions = []
            for name, placeholder in placeholders.items():
                # A day reaches some databases as its ISO text (SQLite): it is then given as text.
                forms = (
                    (placeholder, placeholder.isoformat())
                    if isinstance(placeholder, date)
                    else (placeholder,)
                )
                where = [
                    (index, isinstance(value, str) and value != placeholder)
                    for index, value in enumerate(params)
                    if any(value == form for form in forms)
                ]
                if not where:
                    raise ValueError(f"PreparedQuery : {name} n'arrive pas tel quel dans la requête.")
                positions.extend((index, name, as_text) for index, as_text in where)
            columns = [column for column, _sql, _alias in compiler.select]
            if query.values_select or query.annotation_select:
                # A .values() queryset: rows become dicts keyed as .values() keys them.
                names = [*query.extra_select, *query.values_select, *query.annotation_select]
                as_instances = False
            else:
                if compiler.klass_info is None or compiler.klass_info.get("related_klass_infos"):
                    raise ValueError("PreparedQuery : les champs du modèle seul, ou .values(…).")
                names = [column.target.attname for column in columns]
                as_instances = True
            if len(names) != len(columns):
                raise ValueError("PreparedQuery : colonnes inattendues (extra, ordre).")
            found = self._compiled[using] = (
                sql,
                tuple(params),
                positions,
                names,
                compiler.get_converters(columns),
                as_instances,
            )
        return found

    def _run(self, values: dict, *, instances: bool) -> list:
        if set(values) != set(self.types):
            raise TypeError(f"PreparedQuery : arguments attendus {sorted(self.types)}.")
        if self._model is None:
            self._model = self.build(**self._placeholders()).model
        using = router.db_for_read(self._model)
        compiled = self._compile(using)
        if compiled[5] != instances:
            raise TypeError("PreparedQuery : rows() pour un queryset .values(…), instances() sinon.")
        areas = self._areas(using, compiled[0])
        if not areas:
            return self._execute(using, compiled, values)
        # Cached under the versions of the areas watching every table read (pacte.cache): a
        # write to any of them renews the answer, as it renews the pages.
        key = hashlib.md5(repr((compiled[0], sorted(values.items()))).encode(), usedforsecurity=False)
        name = f"prepared:{using}:{key.hexdigest()}"
        build = partial(self._execute, using, compiled, values)
        return public_contexts({name: (areas, build)}, timeout=CACHE_TIMEOUT)[name]

    def _areas(self, using: str, sql: str) -> tuple[str, ...]:
        if using not in self._cached_areas:
            self._cached_areas[using] = areas_of_tables(_TABLES.findall(sql)) if self.cache else ()
        return self._cached_areas[using]

    def _execute(self, using: str, compiled: tuple, values: dict) -> list:
        sql, params, positions, names, converters, as_instances = compiled
        params = list(params)
        for index, name, as_text in positions:
            value = values[name]
            if not isinstance(value, self.types[name]):
                value = self.types[name](value)
            params[index] = value.isoformat() if as_text else value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        found = []
        for row in fetched:
            row = list(row)
            for index, (functions, expression) in converters.items():
                for convert in functions:
                    row[index] = convert(row[index], expression, connection)
            found.append(
                self._model.from_db(using, names, row) if as_instances else dict(zip(names, row, strict=True))
            )
        return found

    def instances(self, **values) -> list:
        """The model instances the queryset would give (a queryset of the model's own fields)."""
        return self._run(values, instances=True)

    def first(self, **values):
        found = self.instances(**values)
        return found[0] if found else None

    def rows(self, **values) -> list[dict]:
        """The dicts a `.values(…)` queryset would give."""
        return self._run(values, instances=False)
