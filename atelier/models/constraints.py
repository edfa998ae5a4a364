"""The exclusion constraint that keeps two live bookings of one space from overlapping.

It lives in the model's Meta (so the migration state knows it and `makemigrations --check` is clean
everywhere) but exists only on PostgreSQL: SQLite has neither ranges nor GiST. There the booking
service's check under an IMMEDIATE transaction is the guarantee; on PostgreSQL the constraint is
the backstop behind the same check, also against writes that bypass the service.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import connections
from django.db.models import Func


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): a booking ending at 10:00 does not overlap one starting then."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An ExclusionConstraint that no-ops on other databases (no SQL, no validation)."""

    @staticmethod
    def _supported(connection) -> bool:
        return connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return (
            super().constraint_sql(model, schema_editor)
            if self._supported(schema_editor.connection)
            else None
        )

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._supported(schema_editor.connection) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._supported(schema_editor.connection) else None

    def validate(self, model, instance, exclude=None, using="default"):
        if self._supported(connections[using]):
            super().validate(model, instance, exclude=exclude, using=using)
