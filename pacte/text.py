"""French wording rules shared by templates (pacte_tags), the map and the apps' declarations."""


def french_plural(count, singular: str, plural: str) -> str:
    """`singular` for 0 and 1 (and anything below 2: "1,5 kilo"), `plural` from 2 on.

    French is not English: "0 jardin inscrit", never "0 jardins inscrits" (Django's `pluralize`
    gives the latter). Every count the portal writes goes through here.
    """
    return plural if abs(count) >= 2 else singular
