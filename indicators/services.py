"""Every write of the indicators: the monthly snapshots.

`snapshots_compute_month` computes one closed month and stores it; the beat task runs it on the
1st for the month just ended, `manage.py backfill_indicators` for the past. Safe to run twice: a
metric already stored for the month is left as it was computed (history is not rewritten), unless
`force`, which recomputes the month and says so in the change journal.
"""

import calendar
from datetime import date

from django.db import transaction
from django.utils import timezone

from pacte.cache import invalidate
from pacte.enums import Action, PublicCategory
from pacte.metrics import Period, bounds
from pacte.models import Commune, Event, Organisation
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from .models import MonthlySnapshot
from .people import people_mobilised
from .registry import PEOPLE_TOTAL, count_metrics, people_key, people_year_key


def month_period(month: date, **kwargs) -> Period:
    last = calendar.monthrange(month.year, month.month)[1]
    return Period(month.replace(day=1), month.replace(day=last), **kwargs)


def previous_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    return (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )


def _people_rows(period: Period, key_of) -> dict[tuple, int]:
    """{(key, commune id or None, category or ""): value} for the people mobilised over `period`,
    all actions and each, overall and by commune, public and both: eight queries."""
    values: dict[tuple, int] = {}
    for by in ((), ("commune",), ("category",), ("commune", "category")):
        for with_action in (False, True):
            dims = (("action",) if with_action else ()) + by
            for row in people_mobilised(period, by=dims):
                if ("commune" in by and row.commune is None) or ("category" in by and not row.category):
                    continue  # outside the Métropole or unknown public: only in the totals
                key = key_of(row.action if with_action else None)
                commune = row.commune if "commune" in by else None
                category = row.category if "category" in by else ""
                values[(key, commune, category)] = row.total
    # The overall rows exist even at zero, so every month has its point on the time series.
    values.setdefault((key_of(None), None, ""), 0)
    for action in Action:
        values.setdefault((key_of(action.value), None, ""), 0)
    return values


def _metric_rows(metric, month: date, communes) -> dict[tuple, int]:
    """The metric overall, by commune and (when it counts people) by public. A metric that is 0
    overall is 0 in every commune and public (counts, sums and means of non-negative numbers),
    so those are not computed: most metrics are 0 most months and the backfill stays quick."""
    overall = int(metric.compute(month_period(month)) or 0)
    values = {(metric.key, None, ""): overall}
    if overall:
        for commune in communes:
            value = int(metric.compute(month_period(month, commune=commune)) or 0)
            if value:
                values[(metric.key, commune.pk, "")] = value
        if metric.counts_people:
            for category in PublicCategory.values:
                value = int(metric.compute(month_period(month, category=category)) or 0)
                if value:
                    values[(metric.key, None, category)] = value
    return values


def _active_communes(month: date, people: dict[tuple, int]):
    """The communes where the programme lives this month: someone was reached there (the people
    rows, ongoing memberships and subscriptions included), an organisation of the portal is based
    there, or an event took place there. The other communes have nothing the apps count, so their
    metrics are 0 and are not computed one by one (71 queries per metric otherwise)."""
    start, end = bounds(month_period(month))
    ids = {commune for (_, commune, _), value in people.items() if commune is not None and value}
    ids |= set(Organisation.objects.filter(commune__isnull=False).values_list("commune_id", flat=True))
    ids |= set(
        Event.objects.filter(starts_at__gte=start, starts_at__lt=end, commune__isnull=False).values_list(
            "commune_id", flat=True
        )
    )
    return list(Commune.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def snapshots_compute_month(*, month: date, force: bool = False, by=None) -> int:
    """Compute and store every metric for `month` (a closed month); returns the rows written.

    Metrics already stored for the month are kept unless `force` (then the month's rows are
    replaced, and the journal says who recomputed it). A month not yet over is refused."""
    month = month.replace(day=1)
    if month > previous_month():
        raise RefusedError("Seuls les mois terminés ont des indicateurs : ce mois n'est pas encore clos.")
    existing = MonthlySnapshot.objects.filter(month=month)
    if force:
        existing.delete()
        done = set()
    else:
        done = set(existing.overall().values_list("metric", flat=True))
    values: dict[tuple, int] = {}
    period = month_period(month)
    people = _people_rows(period, people_key)
    if PEOPLE_TOTAL not in done:
        values.update(people)
        values.update(_people_rows(Period(month.replace(month=1), period.end), people_year_key))
    communes = _active_communes(month, people)
    for metric in count_metrics():
        if metric.key not in done and not metric.key.startswith("personnes."):
            values.update(_metric_rows(metric, month, communes))
    if not values:
        return 0
    now = timezone.now()
    rows = [
        MonthlySnapshot(
            metric=key, month=month, commune_id=commune, category=category, value=value, computed_at=now
        )
        for (key, commune, category), value in values.items()
    ]
    MonthlySnapshot.objects.bulk_create(rows, batch_size=500)
    total = next(
        (row for row in rows if row.metric == PEOPLE_TOTAL and row.commune_id is None and not row.category),
        None,
    )
    target = total or rows[0]
    if target.pk is None:  # bulk_create sets primary keys on PostgreSQL and SQLite, but be sure
        target = MonthlySnapshot.objects.get(metric=target.metric, month=month, commune=None, category="")
    audit_log(
        target=target,
        verb="snapshot.recompute" if force else "snapshot.compute",
        by=by,
        to_state=f"{month:%Y-%m}",
        reason=f"{len(rows)} valeurs",
    )
    transaction.on_commit(lambda: invalidate("indicators"))
    return len(rows)


def snapshots_backfill(
    *, since: date, until: date | None = None, force: bool = False, by=None
) -> dict[date, int]:
    """Every closed month from `since` to `until` (the last closed month by default)."""
    until = min(until or previous_month(), previous_month())
    month, written = since.replace(day=1), {}
    while month <= until:
        written[month] = snapshots_compute_month(month=month, force=force, by=by)
        month = (
            month.replace(year=month.year + 1, month=1)
            if month.month == 12
            else month.replace(month=month.month + 1)
        )
    return written
