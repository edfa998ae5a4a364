"""Staff's writes of the behaviour themes (the admin). A theme tags clubs, events, practices,
sheets and applications of every app, so a change renews the pages of every area. Themes are
retired (unticked « actif »), never deleted: deleting one would silently untag everything."""

from django.db import transaction

from ..cache import all_areas, invalidate
from ..models import Theme
from .audit import audit_log
from .edits import apply_changes

THEME_FIELDS = frozenset({"name", "slug", "description", "position", "is_active"})


def _check_fields(values) -> None:
    unknown = set(values) - THEME_FIELDS
    if unknown:
        raise ValueError(f"Not theme fields: {sorted(unknown)}")


@transaction.atomic
def theme_create(*, by, **values) -> Theme:
    """A new theme, validated and journaled."""
    _check_fields(values)
    theme = Theme(**values)
    theme.full_clean()
    theme.save()
    audit_log(target=theme, verb="theme.create", by=by, to_state="active" if theme.is_active else "inactive")
    invalidate(*all_areas())
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, by, **values) -> Theme:
    """Apply staff's edits; the changed fields are listed in one journal entry, and retiring or
    bringing back a theme is recorded as its own state change."""
    _check_fields(values)
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    was_active = theme.is_active
    changed = apply_changes(theme, values)
    if not changed:
        return theme
    fields = [name for name in changed if name != "is_active"]
    if fields:
        audit_log(target=theme, verb="theme.update", by=by, data={"fields": fields})
    if theme.is_active != was_active:
        audit_log(
            target=theme,
            verb="theme.activate" if theme.is_active else "theme.deactivate",
            by=by,
            from_state="active" if was_active else "inactive",
            to_state="active" if theme.is_active else "inactive",
        )
    invalidate(*all_areas())
    return theme
