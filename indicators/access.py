"""Who reads the indicators: staff with the second factor who are superusers, in the DACTE
administration or in the "Lecture des indicateurs" group. The dashboard and the survey results ask
here, so the rule is one decision."""

from pacte.enums import StaffGroup
from pacte.permissions import acts_as_staff

READER_GROUPS = (StaffGroup.DACTE_ADMIN, StaffGroup.INDICATORS)


def reads_indicators(user) -> bool:
    if not acts_as_staff(user):
        return False
    if user.is_superuser:
        return True
    # Group names are cached on the user for the request: a dashboard asks several times.
    names = getattr(user, "_indicator_groups", None)
    if names is None:
        names = set(user.groups.filter(name__in=READER_GROUPS).values_list("name", flat=True))
        user._indicator_groups = names
    return bool(names)
