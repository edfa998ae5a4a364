"""Clubs tasks: thin, they take ids, reload and call a service."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_club_mailing(mailing_id: int) -> int:
    from .models import ClubMailing
    from .services import club_mailing_send

    mailing = ClubMailing.objects.select_related("club__organisation").filter(pk=mailing_id).first()
    if mailing is None:
        return 0
    return club_mailing_send(mailing=mailing)
