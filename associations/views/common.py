"""Helpers of the association views: every object comes through a user-scoped queryset."""

from django.shortcuts import get_object_or_404

from pacte.enums import OrganisationKind
from pacte.models import Organisation
from pacte.models.organisations import referent_q
from pacte.views.helpers import paginate  # noqa: F401 — the kernel's, re-exported for this app's views

from ..models import SubsidyApplication

# The directory shows kernel data (organisations, events) and this app's.
AREAS = ("agenda", "associations")


def my_association(request, slug) -> Organisation:
    """An association the signed-in person is référent of; anyone else gets a 404."""
    queryset = Organisation.objects.active().filter(kind=OrganisationKind.ASSOCIATION)
    if not request.user.is_authenticated:
        queryset = queryset.none()
    else:
        queryset = queryset.filter(referent_q(request.user)).distinct()
    return get_object_or_404(queryset.select_related("commune"), slug=slug)


def visible_application(request, pk) -> SubsidyApplication:
    """Référents of the association and instructors; a 404 for everyone else."""
    queryset = SubsidyApplication.objects.visible_to(request.user).select_related("campaign", "organisation")
    return get_object_or_404(queryset, pk=pk)


def editable_application(request, pk) -> SubsidyApplication:
    """An application of the person's association (its state decides what may change); 404 otherwise."""
    queryset = SubsidyApplication.objects.of_referent(request.user).select_related("campaign", "organisation")
    return get_object_or_404(queryset, pk=pk)
