"""One helper for every e-mail: a French template rendered to text + HTML, sent after commit."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Render templates/emails/<template>.{subject.txt,txt,html}."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{template}.subject.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


def send_templated_email(*, to: list[str] | str, template: str, context: dict, headers=None):
    """Queue the e-mail once the current transaction commits (nothing is sent for a rollback)."""
    from .tasks import send_email

    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    subject, text, html = render_email(template, context)
    transaction.on_commit(
        lambda: send_email.delay(to=recipients, subject=subject, text=text, html=html, headers=headers or {})
    )
