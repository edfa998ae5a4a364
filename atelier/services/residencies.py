from django.db import transaction
from django.utils import timezone

from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..models import Residency
from .common import check_referent_or_staff, check_staff, is_referent, renew_public_pages


@transaction.atomic
def residency_create(
    *, organisation, starts_on, ends_on, spaces, weekly_quota_hours: int, application=None, by
) -> Residency:
    """Make the association a resident for the period (staff only; a retained application does it)."""
    check_staff(by)
    if not spaces:
        raise RefusedError("Une résidence donne accès à au moins un espace.", code="no_space")
    residency = Residency(
        organisation=organisation,
        application=application,
        starts_on=starts_on,
        ends_on=ends_on,
        weekly_quota_hours=weekly_quota_hours,
    )
    residency.full_clean()
    residency.save()
    residency.spaces.set(spaces)
    audit_log(target=residency, verb="atelier.residency.create", by=by, to_state="active")
    renew_public_pages()
    return residency


@transaction.atomic
def residency_accept_rules(*, residency: Residency, by) -> Residency:
    """A référent accepts the house rules for the association (asked on first sign-in)."""
    residency = Residency.objects.select_for_update().select_related("organisation").get(pk=residency.pk)
    if not is_referent(by, residency.organisation):
        check_referent_or_staff(by, residency.organisation)
        raise RefusedError("Un référent de l'association accepte le règlement.", code="not_referent")
    if residency.rules_accepted_at:
        return residency
    residency.rules_accepted_at = timezone.now()
    residency.rules_accepted_by = by
    residency.save(update_fields=["rules_accepted_at", "rules_accepted_by", "updated_at"])
    audit_log(target=residency, verb="atelier.residency.accept_rules", by=by)
    return residency


@transaction.atomic
def residency_update(*, residency: Residency, by, spaces=None, **fields) -> Residency:
    """Staff adjust a residency (period, quota, spaces, active); bookings already made stay."""
    check_staff(by)
    residency = Residency.objects.select_for_update().get(pk=residency.pk)
    allowed = {"starts_on", "ends_on", "weekly_quota_hours", "is_active"}
    changed = {}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"Unknown residency field: {name}")
        if getattr(residency, name) != value:
            changed[name] = str(value)
            setattr(residency, name, value)
    residency.full_clean()
    residency.save()
    if spaces is not None:
        if not spaces:
            raise RefusedError("Une résidence donne accès à au moins un espace.", code="no_space")
        residency.spaces.set(spaces)
        changed["spaces"] = [space.pk for space in spaces]
    audit_log(target=residency, verb="atelier.residency.update", by=by, data=changed)
    renew_public_pages()
    return residency
