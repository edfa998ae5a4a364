"""An issue as an e-mail (HTML and text parts) and as a page: one context for both."""

from datetime import date, datetime, time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from pacte.models import Event

from .enums import SectionKind
from .models import Issue

CO_FUNDING = "Lettre éditée par l'ANBDD avec la Métropole Rouen Normandie, cofinancée par le Département de la Seine-Maritime."


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def agenda_for(issue: Issue) -> list[Event]:
    """The programme's events of the issue's month, from the kernel's agenda."""
    start = timezone.make_aware(datetime.combine(issue.month.replace(day=1), time.min))
    end = timezone.make_aware(datetime.combine(next_month(issue.month), time.min))
    return list(
        Event.objects.published()
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("commune")
        .order_by("starts_at")[:12]
    )


def issue_context(issue: Issue) -> dict:
    """Everything an issue shows, read once (a sending renders it for every subscriber)."""
    sections = list(issue.sections.all())
    groups = []
    for kind in SectionKind:
        items = [section for section in sections if section.kind == kind]
        if items:
            groups.append({"kind": kind, "label": kind.label, "sections": items})
    sheets = list(issue.sheets.published().select_related("commune").order_by("title"))
    return {
        "issue": issue,
        "groups": groups,
        "agenda": agenda_for(issue),
        "sheets": sheets,
        "co_funding": CO_FUNDING,
        "site_url": settings.SITE_URL,
        "archive_url": settings.SITE_URL + issue.get_absolute_url(),
    }


def issue_message(
    *, context: dict, to: str, unsubscribe_url: str, preferences_url: str, test: bool = False
) -> EmailMultiAlternatives:
    """The e-mail of an issue for one address, with its personal links and RFC 8058 headers."""
    context = {
        **context,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": preferences_url,
        "test": test,
    }
    issue = context["issue"]
    subject = f"Lettre n° {issue.number} — {issue.title}"
    if test:
        subject = "[ESSAI] " + subject
    text = render_to_string("emails/newsletter_issue.txt", context)
    html = render_to_string("emails/newsletter_issue.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            # One-click unsubscribe (RFC 8058): mail clients POST to this URL.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Lettre du PACTE aux travailleurs sociaux <lettre.pacte.metropole-rouen-normandie.fr>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def preview_links() -> dict:
    """Links of a preview or a test send: they lead nowhere personal."""
    from django.urls import reverse

    home = settings.SITE_URL + reverse("newsletter:home")
    return {"unsubscribe_url": home, "preferences_url": home}


__all__ = ["agenda_for", "issue_context", "issue_message", "next_month", "preview_links"]
