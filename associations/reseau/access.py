"""Who belongs to the Relais COP21 network: the referents and members of an association whose label
is in force today, and DACTE staff (with the second factor). Every view of the network asks here."""

from pacte.enums import MembershipRole
from pacte.models import Membership, Organisation
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff

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


class NetworkRoles:
    """The person's labelled associations and their role in each (référent wins over member)."""

    def __init__(self, memberships):
        self.organisations: dict = {}
        self.roles: dict[int, str] = {}
        for membership in memberships:
            organisation = membership.organisation
            self.organisations[organisation.pk] = organisation
            if self.roles.get(organisation.pk) != MembershipRole.REFERENT:
                self.roles[organisation.pk] = membership.role

    @property
    def network_ids(self) -> set[int]:
        return set(self.roles)

    @property
    def referent_ids(self) -> set[int]:
        return {pk for pk, role in self.roles.items() if role == MembershipRole.REFERENT}

    def referent_organisations(self) -> list:
        return sorted((self.organisations[pk] for pk in self.referent_ids), key=lambda o: (o.name, o.pk))


def network_roles(request) -> NetworkRoles:
    """The person's roles in the network, in one query memoised on the request: the pages ask "in
    the network?", "may borrow?", "may edit?", "which associations?" several times each, and a
    request is the narrowest scope where memberships cannot have changed in between (the services
    ask the database afresh)."""
    roles = getattr(request, "_reseau_roles", None)
    if roles is None:
        user = request.user
        memberships = (
            Membership.objects.filter(user=user, organisation__in=labelled_organisations()).select_related(
                "organisation"
            )
            if user.is_authenticated
            else Membership.objects.none()
        )
        roles = request._reseau_roles = NetworkRoles(memberships)
    return roles


def in_network_request(request) -> bool:
    """`in_network` for a view, from the request's memo."""
    user = request.user
    return user.is_authenticated and (acts_as_staff(user) or bool(network_roles(request).roles))
