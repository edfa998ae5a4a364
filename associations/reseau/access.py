"""Who belongs to the Relais COP21 network: the referents and members of an association whose label
is in force today, and DACTE staff (with the second factor). Every view of the network asks here."""

from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from pacte.enums import MembershipRole
from pacte.models import Membership, Organisation
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff
from pacte.prepared import PreparedQuery

from ..models import RelaisLabel


def labelled_organisations():
    """Organisations holding a label in force today."""
    return Organisation.objects.filter(pk__in=RelaisLabel.objects.current().values("organisation_id"))


def network_organisations(user):
    """The labelled organisations `user` belongs to (as referent or member)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return labelled_organisations().filter(memberships__user=user).distinct()


def referent_organisations(user):
    """The labelled organisations `user` is a referent of: those that can post, lend and borrow."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return labelled_organisations().filter(referent_q(user)).distinct()


def in_network(user) -> bool:
    """A person sees the network space: staff, or a member of a labelled association."""
    if not user.is_authenticated:
        return False
    return acts_as_staff(user) or network_organisations(user).exists()


# --- The person's memberships, per request ----------------------------------------------------
#
# Nearly every page of the network asks who the person is to the associations ("in the network?",
# "référent of this one?", "may edit?", "may borrow?"). Asked through the ORM, each question builds
# and compiles a statement: about 0.5 ms of CPU, a fifth of a signed-in page's budget. The
# person's memberships are few, so they are read once per request, with whether each association
# holds a label in force today, by one statement compiled once per process (pacte.prepared),
# and every question is answered from them.


def _memberships_query(person, day):
    labelled = RelaisLabel.objects.current(day).filter(organisation_id=OuterRef("organisation_id"))
    return (
        Membership.objects.filter(user_id=person)
        .annotate(labelled=Exists(labelled))
        .order_by()
        .values("organisation_id", "role", "labelled")
    )


_MEMBERSHIPS = PreparedQuery(_memberships_query, person=int, day=date)


def _read_memberships(user) -> list[tuple[int, str, bool]]:
    """(organisation id, role, labelled today) of each of `user`'s memberships."""
    return [
        (row["organisation_id"], row["role"], bool(row["labelled"]))
        for row in _MEMBERSHIPS.rows(person=user.pk, day=timezone.localdate())
    ]


def person_memberships(request) -> list[tuple[int, str, bool]]:
    """The signed-in person's memberships as (organisation id, role, labelled today), in one query
    memoised on the request (a request is the narrowest scope where memberships cannot have
    changed in between; the services ask the database afresh). Nobody's for a visitor."""
    found = getattr(request, "_reseau_memberships", None)
    if found is None:
        user = request.user
        found = _read_memberships(user) if user.is_authenticated else []
        request._reseau_memberships = found
    return found


def is_referent_of(request, organisation_id) -> bool:
    """Is the person a référent of this organisation (labelled or not)?"""
    return any(
        pk == organisation_id and role == MembershipRole.REFERENT
        for pk, role, _ in person_memberships(request)
    )


def is_member_of(request, organisation_id) -> bool:
    """Does the person belong to this organisation, whatever the role?"""
    return any(pk == organisation_id for pk, _, _ in person_memberships(request))


class NetworkRoles:
    """The person's labelled associations and their role in each (référent wins over member)."""

    def __init__(self, memberships):
        self.roles: dict[int, str] = {}
        for organisation_id, role in memberships:
            if self.roles.get(organisation_id) != MembershipRole.REFERENT:
                self.roles[organisation_id] = role

    @property
    def network_ids(self) -> set[int]:
        return set(self.roles)

    @property
    def referent_ids(self) -> set[int]:
        return {pk for pk, role in self.roles.items() if role == MembershipRole.REFERENT}

    def referent_organisations(self) -> list:
        """The associations the person is a référent of (a query: only the loans board lists them)."""
        if not self.referent_ids:
            return []
        return list(Organisation.objects.filter(pk__in=self.referent_ids).order_by("name", "pk"))


def network_roles(request) -> NetworkRoles:
    """The person's roles in the network, from the request's memberships (`person_memberships`):
    the pages ask "in the network?", "may borrow?", "may edit?", "which associations?" several
    times each."""
    roles = getattr(request, "_reseau_roles", None)
    if roles is None:
        labelled = [(pk, role) for pk, role, labelled in person_memberships(request) if labelled]
        roles = request._reseau_roles = NetworkRoles(labelled)
    return roles


def in_network_request(request) -> bool:
    """`in_network` for a view, from the request's memo."""
    user = request.user
    return user.is_authenticated and (acts_as_staff(user) or bool(network_roles(request).roles))
