"""Staff's edits of a row, shared by the kernel's small "update" services."""


def apply_changes(instance, values: dict) -> list[str]:
    """Set on `instance` the `values` that differ from what it holds, then validate and save it
    (only when something changed, so an untouched form writes nothing and journals nothing).
    Returns the changed field names, sorted, for the journal entry."""
    changed = sorted(name for name, value in values.items() if getattr(instance, name) != value)
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.full_clean()
        instance.save()
    return changed
