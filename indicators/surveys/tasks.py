"""The questionnaires' periodic task: thin, it calls the services (each safe to run twice)."""

from celery import shared_task


@shared_task
def send_survey_invitations() -> dict:
    from .services import invitations_send, reminders_send

    return {"invitations": invitations_send(), "reminders": reminders_send()}
