"""People mobilised: the distinct people the six actions reached, counted once across actions.

Every app declares where it reaches people (`PortalApp.participations()`, see
`pacte.portal.Participation`). For a period, each declared source becomes one SELECT of the same
five columns:

    person    the User id (NULL: one anonymous person, or a headcount row)
    action    the pacte.enums.Action value
    commune   the commune id the row counts in (NULL: outside the Métropole or unknown)
    category  the person's public category (NULL when unknown)
    n         1 for a person row; the number of people for a headcount row (walk-ins)

and the figure is ONE SQL query over their UNION ALL:

    COUNT(DISTINCT person) + SUM(n for the rows without a person)

grouped by the breakdown asked for. The database does the deduplication, never Python: a person
in three actions counts once in the total, once in each action's row of the breakdown by action
(so that breakdown adds up to more than the total: the overlap is the point), and once in each
commune they were reached in.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BigIntegerField, CharField, F, IntegerField, Q, Value
from django.db.models.functions import Cast

from pacte import portal
from pacte.metrics import Period, bounds

# The breakdowns the dashboard and the snapshots read: column names of the UNION.
DIMENSIONS = ("action", "commune", "category")


@dataclass(frozen=True)
class PeopleRow:
    """One cell of a breakdown: `people` distinct accounts plus `anonymous` people without one."""

    action: str | None
    commune: int | None
    category: str | None
    people: int
    anonymous: int

    @property
    def total(self) -> int:
        return self.people + self.anonymous


def _select(source: portal.Participation, period: Period, action: str | None, columns=DIMENSIONS):
    """The source's rows for the period as the five UNION columns (an unevaluated queryset).

    A dimension the query does not group by is a NULL column: no join to the person's account
    just to read a commune or a public nobody asked for (the total over a month of a million
    participations only reads the registrations and their events)."""
    start, end = bounds(period)
    queryset = source.queryset.filter(**{f"{source.at}__lt": end})
    if source.until:
        # An ongoing participation (NULL end) or one that ended within or after the period.
        queryset = queryset.filter(
            Q(**{f"{source.until}__isnull": True}) | Q(**{f"{source.until}__gte": start})
        )
        queryset = queryset.filter(**{f"{source.at}__isnull": False})
    elif not source.ongoing:
        queryset = queryset.filter(**{f"{source.at}__gte": start})
    if action:
        if source.action_field:
            queryset = queryset.filter(**{source.action_field: action})
        elif source.action != action:
            return None
    nothing = Cast(Value(None), CharField())
    if source.headcount:
        if period.category:
            return None  # anonymous people have no known public
        person = Cast(Value(None), BigIntegerField())
        number = Cast(F(source.headcount), IntegerField())
        category = nothing
        commune_path = source.commune
    else:
        person = Cast(F(source.person), BigIntegerField())
        number = Value(1, output_field=IntegerField())
        category = F(f"{source.person}__category") if "category" in columns else nothing
        commune_path = source.commune or f"{source.person}__home_commune"
        if period.category:
            queryset = queryset.filter(**{f"{source.person}__category": period.category})
    commune = (
        Cast(F(commune_path), BigIntegerField())
        if "commune" in columns
        else Cast(Value(None), BigIntegerField())
    )
    if period.commune is not None:
        queryset = queryset.filter(**{commune_path: period.commune})
    action_column = (
        Cast(F(source.action_field), CharField())
        if source.action_field
        else Value(source.action, CharField())
    )
    return (
        queryset.order_by()
        .annotate(
            p_person=person,
            p_action=action_column,
            p_commune=commune,
            p_category=category,
            p_n=number,
        )
        .values_list("p_person", "p_action", "p_commune", "p_category", "p_n")
    )


def union_sql(period: Period, action: str | None = None, columns=DIMENSIONS) -> tuple[str, list]:
    """The UNION ALL of every declared source for the period, as SQL and its parameters."""
    parts, params = [], []
    for source in portal.participations():
        select = _select(source, period, action, columns)
        if select is None:
            continue
        sql, select_params = select.query.sql_with_params()
        parts.append(sql)
        params.extend(select_params)
    if not parts:
        return "", []
    return " UNION ALL ".join(f"SELECT * FROM ({part}) AS s{i}" for i, part in enumerate(parts)), params


def people_mobilised(period: Period, action: str | None = None, by: tuple[str, ...] = ()) -> list[PeopleRow]:
    """Distinct people reached in `period` (its commune and public category honoured), for one
    action or all, broken down by the `by` dimensions ("action", "commune", "category"): one
    query, whatever the number of sources and rows."""
    if any(dimension not in DIMENSIONS for dimension in by):
        raise ValueError(f"Unknown breakdown {by!r}.")
    sql, params = union_sql(period, action, columns=by)
    if not sql:
        return [] if by else [PeopleRow(action, None, None, 0, 0)]
    columns = ", ".join(f"p_{dimension}" for dimension in by)
    query = (
        f"SELECT {columns + ', ' if by else ''}COUNT(DISTINCT p_person), "
        f"COALESCE(SUM(CASE WHEN p_person IS NULL THEN p_n ELSE 0 END), 0) "
        f"FROM ({sql}) AS participations" + (f" GROUP BY {columns}" if by else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        values = dict(zip(by, row[: len(by)], strict=True))
        result.append(
            PeopleRow(
                action=values.get("action", action),
                commune=values.get("commune", getattr(period.commune, "pk", None)),
                category=values.get("category", period.category or None),
                people=int(row[-2] or 0),
                anonymous=int(row[-1] or 0),
            )
        )
    if not by and not result:
        result = [PeopleRow(action, None, None, 0, 0)]
    return result


def people_total(period: Period, action: str | None = None) -> int:
    """The one figure: distinct people (accounts) plus anonymous people, in one query."""
    return people_mobilised(period, action)[0].total
