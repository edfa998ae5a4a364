from ..models import AuditEntry


def audit_log(*, target, verb: str, by=None, from_state="", to_state="", reason="", data=None):
    """Record who did what to `target`; called inside the caller's transaction."""
    from django.contrib.contenttypes.models import ContentType

    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor,
        verb=verb,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target)[:250],
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        data=data or {},
    )
