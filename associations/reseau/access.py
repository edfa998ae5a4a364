"""Who belongs to the Relais COP21 network: the referents and members of an association whose label
is in force today, and DACTE staff (with the second factor). Every view of the network asks here."""

from pacte.models import Organisation
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
