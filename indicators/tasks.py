"""Indicators tasks: thin, they call a service that is safe to run twice."""

from celery import shared_task


@shared_task
def snapshot_last_month() -> int:
    """On the 1st: the month just ended (already stored metrics are kept as computed)."""
    from .services import previous_month, snapshots_compute_month

    return snapshots_compute_month(month=previous_month())
