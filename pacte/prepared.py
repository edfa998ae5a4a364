"""Querysets compiled once per process, for the small per-person queries of every signed-in page.

Building and compiling even `Registration.objects.filter(event=…, user=…)` costs Django's ORM
about 1 ms of CPU on the bench machine, while PostgreSQL answers it in a tenth of that: on a page
whose public part comes from the cache, the person's own query was most of the page. A
`PreparedQuery` compiles its queryset once per process and database, with placeholder values
where the request's values go, then runs the SQL with them and turns the rows into model
instances as the queryset would (the same converters, `Model.from_db`). For querysets of one
model's own fields (no select_related, annotation or values()): what `pacte.auth_backends`
does for the user, made reusable.
"""

from django.db import connections, router

# Values nobody's id has, to find where each one lands among the compiled statement's parameters.
_PLACEHOLDER_BASE = -424240


class PreparedQuery:
    """`PreparedQuery(lambda event_id, user_id: Model.objects.filter(...)[:1], "event_id",
    "user_id")`: `.instances(event_id=…, user_id=…)` runs it. The lambda receives integer
    placeholders: every parameter must be an integer id (what the per-person lookups need)."""

    def __init__(self, build, *names: str):
        self.build, self.names = build, names
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        found = self._compiled.get(using)
        if found is None:
            placeholders = {name: _PLACEHOLDER_BASE - index for index, name in enumerate(self.names)}
            queryset = self.build(**placeholders)
            compiler = queryset.query.get_compiler(using)
            sql, params = compiler.as_sql()
            if (
                compiler.klass_info is None
                or compiler.klass_info.get("related_klass_infos")
                or compiler.annotation_col_map
            ):
                raise ValueError(
                    "PreparedQuery: only a model's own fields (no select_related, annotation or values())."
                )
            params = list(params)
            positions = {
                name: [i for i, p in enumerate(params) if p == value] for name, value in placeholders.items()
            }
            if any(len(found) != 1 for found in positions.values()):
                raise ValueError("PreparedQuery: each placeholder must appear exactly once in the statement.")
            columns = [column for column, _sql, _alias in compiler.select]
            names = [column.target.attname for column in columns]
            found = self._compiled[using] = (
                queryset.model,
                sql,
                tuple(params),
                {name: where[0] for name, where in positions.items()},
                names,
                compiler.get_converters(columns),
            )
        return found

    def instances(self, **values) -> list:
        model = self._model()
        using = router.db_for_read(model)
        model, sql, params, positions, names, converters = self._compile(using)
        params = list(params)
        for name, position in positions.items():
            params[position] = int(values[name])
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        result = []
        for row in rows:
            row = list(row)
            for index, (functions, expression) in converters.items():
                for convert in functions:
                    row[index] = convert(row[index], expression, connection)
            result.append(model.from_db(using, names, row))
        return result

    def first(self, **values):
        found = self.instances(**values)
        return found[0] if found else None

    def _model(self):
        model = getattr(self, "_model_class", None)
        if model is None:
            model = self._model_class = self.build(**dict.fromkeys(self.names, _PLACEHOLDER_BASE)).model
        return model
