"""Helpers shared by the Atelier's services."""

from pacte.cache import invalidate
from pacte.models import Membership
from pacte.permissions import acts_as_staff
from pacte.services.errors import RefusedError

# Page-cache area of the Atelier's public pages (the app label, see AtelierConfig).
AREA = "atelier"


def check_staff(by, message="Seule l'équipe de l'Atelier peut faire cela.") -> None:
    if not acts_as_staff(by):
        raise RefusedError(message, code="not_staff")


def is_referent(user, organisation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.referents().filter(organisation=organisation, user=user).exists()


def check_referent_or_staff(by, organisation) -> None:
    if not (acts_as_staff(by) or is_referent(by, organisation)):
        raise RefusedError(
            "Seuls les référents de l'association et l'équipe de l'Atelier peuvent faire cela.",
            code="not_referent",
        )


def referent_emails(organisation) -> list[str]:
    return list(
        Membership.objects.referents()
        .filter(organisation=organisation, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def renew_public_pages() -> None:
    invalidate(AREA)
