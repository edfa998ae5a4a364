"""Staff's corrections of the 71 member communes (the admin). The list itself is reference data
loaded by migration from the DGCL (pacte/data/README.md): communes are neither added nor deleted
here, and their INSEE code and centre stay as loaded. Commune names and figures show on the pages
of every app, so a correction renews every area."""

from django.db import transaction

from ..cache import all_areas, invalidate
from ..models import Commune
from .audit import audit_log
from .edits import apply_changes

COMMUNE_FIELDS = frozenset({"name", "slug", "postal_codes", "population"})


@transaction.atomic
def commune_update(*, commune: Commune, by, reason: str = "", **values) -> Commune:
    """Apply staff's corrections, validated; the changed fields are listed in one journal entry."""
    unknown = set(values) - COMMUNE_FIELDS
    if unknown:
        raise ValueError(f"Not commune fields staff may correct: {sorted(unknown)}")
    commune = Commune.objects.select_for_update().get(pk=commune.pk)
    changed = apply_changes(commune, values)
    if not changed:
        return commune
    audit_log(target=commune, verb="commune.update", by=by, reason=reason, data={"fields": changed})
    invalidate(*all_areas())
    return commune
