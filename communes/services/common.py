"""Permission checks shared by the communes services."""

from pacte.permissions import acts_as_staff
from pacte.services.errors import RefusedError

from ..models.access import commune_organisations, communes_of

AREA = "communes"


def acts_for(*, user, commune) -> bool:
    """Whether `user` speaks for `commune` (a member of its commune organisation)."""
    return communes_of(user).filter(pk=commune.pk).exists()


def check_acts_for(*, user, commune, message: str = "") -> None:
    if not acts_for(user=user, commune=commune):
        raise RefusedError(
            message or "Seuls les référents de la commune peuvent faire cela.", code="not_commune_referent"
        )


def check_staff(by) -> None:
    if not acts_as_staff(by):
        raise RefusedError("Seule l'équipe du PACTE peut faire cela.", code="not_staff")


def organisation_for(*, user, commune):
    """The commune organisation through which `user` acts for `commune` (the first one)."""
    organisation = commune_organisations(commune).filter(memberships__user=user).order_by("pk").first()
    if organisation is None:
        raise RefusedError(
            "Seuls les référents de la commune peuvent faire cela.", code="not_commune_referent"
        )
    return organisation
