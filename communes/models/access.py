"""Who speaks for a commune: the members of its organisation of kind "commune".

The kernel links an organisation to its commune (`Organisation.commune`); the network of
communes knows its contacts through the organisations of kind commune. Any member of such an
organisation (référent or membre, as the issue names them "référents de la commune") acts for
the commune in this app.
"""

from django.db.models import Q

from pacte.enums import OrganisationKind
from pacte.prepared import PreparedQuery


def commune_contact_q(user, prefix: str = "") -> Q:
    """Q on Commune (through `prefix`) matching the communes `user` acts for."""
    return Q(
        **{
            f"{prefix}organisations__kind": OrganisationKind.COMMUNE,
            f"{prefix}organisations__is_active": True,
            f"{prefix}organisations__memberships__user": user,
        }
    )


def communes_of(user):
    """The communes `user` acts for (a Commune queryset; empty for anonymous visitors)."""
    from pacte.models import Commune

    if not getattr(user, "is_authenticated", False):
        return Commune.objects.none()
    return Commune.objects.filter(commune_contact_q(user)).distinct()


def _commune_ids_query(user):
    from pacte.models import Commune

    return Commune.objects.filter(commune_contact_q(user)).order_by().values("pk").distinct()


# Compiled once per process (pacte.prepared): building the queryset on every request cost 0.8 ms
# of CPU, several times the query itself.
_COMMUNE_IDS = PreparedQuery(_commune_ids_query, user=int)


def commune_ids_of(user) -> frozenset[int]:
    """The ids of `communes_of(user)`, for the public pages' per-person buttons ("Publier une
    action", "Espace de la commune", "Nous aussi")."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(row["pk"] for row in _COMMUNE_IDS.rows(user=user.pk))


def commune_organisations(commune=None):
    """Active organisations of kind commune (of one commune when given)."""
    from pacte.models import Organisation

    organisations = Organisation.objects.active().of_kind(OrganisationKind.COMMUNE)
    return organisations.filter(commune=commune) if commune is not None else organisations


def is_network_member(user) -> bool:
    """Members of any commune organisation take part in the network's exchanges."""
    return communes_of(user).exists()
