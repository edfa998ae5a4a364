"""Helpers shared by the services: who to tell, how, and the page-cache area to renew."""

import calendar
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from pacte.cache import invalidate
from pacte.emails import send_templated_email
from pacte.enums import MembershipRole, StaffGroup
from pacte.models import Membership, User
from pacte.ratelimit import rate_limit
from pacte.services.errors import RefusedError

# Posting actions of this app, per account (pacte.ratelimit): generous for people, tight for scripts.
LIMITS = {
    "associations.label_request": "5/h",
    "associations.application_start": "10/h",
    "associations.upload": "60/h",
    "associations.message": "10/5m",
}


def limit(*, by, action: str, cost: int = 1) -> None:
    rate_limit(by=by, action=action, limit=LIMITS[action], cost=cost)


AREA = "associations"


def renew_public_pages() -> None:
    invalidate(AREA)


def referent_emails(organisation) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation=organisation, role=MembershipRole.REFERENT, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def is_referent(user, organisation) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and Membership.objects.filter(
            organisation=organisation, user=user, role=MembershipRole.REFERENT
        ).exists()
    )


def require_referent(user, organisation) -> None:
    if not is_referent(user, organisation):
        raise RefusedError(
            "Seuls les référents de l'association peuvent faire cette démarche.", code="not_referent"
        )


def instructor_emails(application=None) -> list[str]:
    """The instructor following the file, or else the whole instruction group."""
    if application is not None and application.instructor_id and application.instructor.is_active:
        return [application.instructor.email]
    group = Group.objects.filter(name=StaffGroup.SUBSIDY).first()
    if group is None:
        return []
    return list(
        User.objects.filter(groups=group, is_active=True, is_staff=True).values_list("email", flat=True)
    )


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def admin_url(obj) -> str:
    return absolute(reverse(f"admin:associations_{obj._meta.model_name}_change", args=[obj.pk]))


def notify(*, to, subject: str, lines: list[str], url: str = "", link_label: str = "", quote: str = ""):
    """One plain French notice (templates/emails/associations_notice.*), sent after commit."""
    send_templated_email(
        to=to,
        template="associations_notice",
        context={"subject": subject, "lines": lines, "url": url, "link_label": link_label, "quote": quote},
    )


def add_months(day: date, months: int) -> date:
    """`day` moved by `months`, kept inside the target month (31 August + 6 months = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def euros(amount) -> str:
    """1234.5 -> "1 234,50 €" (French formatting, non-breaking spaces)."""
    text = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"
