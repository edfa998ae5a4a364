"""Conventions and commitments: written by staff (the admin), progress updated by the commune."""

from django.db import transaction

from pacte.cache import invalidate
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..models import Commitment, Convention
from .common import AREA, acts_for, check_staff

CONVENTION_FIELDS = ("title", "signed_on", "starts_on", "ends_on", "summary")
COMMITMENT_FIELDS = ("title", "theme", "description", "target", "progress", "progress_note", "position")


@transaction.atomic
def convention_create(*, commune, signed_on, starts_on, ends_on, title="Convention PACTE", summary="", by):
    check_staff(by)
    convention = Convention(
        commune=commune,
        title=title,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        summary=summary,
    )
    convention.full_clean()
    convention.save()
    audit_log(target=convention, verb="convention.create", by=by, data={"commune": commune.pk})
    invalidate(AREA)
    return convention


@transaction.atomic
def convention_update(*, convention: Convention, by, **values) -> Convention:
    check_staff(by)
    unknown = set(values) - set(CONVENTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown convention fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(convention, name, value)
    convention.full_clean()
    convention.save()
    audit_log(target=convention, verb="convention.update", by=by, data={"fields": sorted(values)})
    invalidate(AREA)
    return convention


@transaction.atomic
def commitment_create(*, convention: Convention, title: str, by, **values) -> Commitment:
    check_staff(by)
    commitment = Commitment(convention=convention, title=title, **values)
    commitment.full_clean()
    commitment.save()
    audit_log(target=commitment, verb="commitment.create", by=by, data={"convention": convention.pk})
    invalidate(AREA)
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, by, **values) -> Commitment:
    """Staff change anything; the commune's référents only say how far they have gone."""
    unknown = set(values) - set(COMMITMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown commitment fields: {sorted(unknown)}")
    commitment = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("convention__commune")
        .get(pk=commitment.pk)
    )
    from pacte.permissions import acts_as_staff

    if not acts_as_staff(by):
        if not acts_for(user=by, commune=commitment.convention.commune):
            raise RefusedError(
                "Seuls les référents de la commune et l'équipe du PACTE peuvent mettre à jour cet engagement.",
                code="not_commune_referent",
            )
        if set(values) - {"progress", "progress_note"}:
            raise RefusedError(
                "La commune met à jour l'avancement ; l'équipe du PACTE modifie l'engagement lui-même.",
                code="staff_only_fields",
            )
    before = commitment.progress
    for name, value in values.items():
        setattr(commitment, name, value)
    commitment.full_clean()
    commitment.save()
    audit_log(
        target=commitment,
        verb="commitment.update",
        by=by,
        from_state=str(before),
        to_state=str(commitment.progress),
        data={"fields": sorted(values)},
    )
    invalidate(AREA)
    return commitment


@transaction.atomic
def commitment_delete(*, commitment: Commitment, by) -> None:
    check_staff(by)
    audit_log(
        target=commitment, verb="commitment.delete", by=by, data={"convention": commitment.convention_id}
    )
    commitment.delete()
    invalidate(AREA)
