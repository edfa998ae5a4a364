"""Who speaks for a commune: the members of its organisation of kind "commune".

The kernel links an organisation to its commune (`Organisation.commune`); the network of
communes knows its contacts through the organisations of kind commune. Any member of such an
organisation (référent or membre, as the issue names them "référents de la commune") acts for
the commune in this app.
"""

from django.db import connections, router
from django.db.models import Q

from pacte.enums import OrganisationKind


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


# A user id nobody has, to find where the id goes in the compiled statement's parameters.
_PLACEHOLDER = -424242
_commune_ids_statements: dict[str, tuple] = {}


def commune_ids_of(user) -> frozenset[int]:
    """The ids of `communes_of(user)`, for the public pages' per-person buttons ("Publier une
    action", "Espace de la commune", "Nous aussi"). The statement is compiled once per process
    and database, then run with the user's id: building and compiling the queryset on every
    request cost 0.8 ms of CPU, several times the query itself (as the kernel's user load,
    pacte/auth_backends.py)."""
    from pacte.models import Commune

    if not getattr(user, "is_authenticated", False):
        return frozenset()
    using = router.db_for_read(Commune)
    statement = _commune_ids_statements.get(using)
    if statement is None:
        queryset = (
            Commune.objects.db_manager(using)
            .filter(commune_contact_q(_PLACEHOLDER))
            .order_by()
            .values_list("pk", flat=True)
            .distinct()
        )
        sql, params = queryset.query.get_compiler(using).as_sql()
        statement = _commune_ids_statements[using] = (sql, tuple(params), params.index(_PLACEHOLDER))
    sql, params, position = statement
    params = list(params)
    params[position] = user.pk
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return frozenset(row[0] for row in cursor.fetchall())


def commune_organisations(commune=None):
    """Active organisations of kind commune (of one commune when given)."""
    from pacte.models import Organisation

    organisations = Organisation.objects.active().of_kind(OrganisationKind.COMMUNE)
    return organisations.filter(commune=commune) if commune is not None else organisations


def is_network_member(user) -> bool:
    """Members of any commune organisation take part in the network's exchanges."""
    return communes_of(user).exists()
