"""Kernel tasks: thin, they take ids or plain values and call the kernel's code."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, to, subject, text, html, headers=None):
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return len(to)


@shared_task
def send_event_reminders():
    from .services.registrations import registration_send_reminders

    return registration_send_reminders()


@shared_task
def ping():
    """Used by the health check and the worker test: proves a worker consumes the queue."""
    return "pong"
