"""Helpers of the Atelier views: every object comes from a user-scoped queryset (404 otherwise)."""

from django.core import signing
from django.http import Http404

from ..models import Residency, Venue

# The public pages show the Atelier's own content and the kernel's (events, organisations).
AREAS = ("agenda", "atelier")
ICAL_SALT = "atelier.organisation-ical"


def venue():
    return Venue.objects.select_related("commune").order_by("pk").first()


def residency_for(request, slug) -> Residency:
    """The current residency of an association the person is référent of (staff: any)."""
    residencies = (
        Residency.objects.active()
        .editable_by(request.user)
        .select_related("organisation")
        .order_by("-starts_on")
    )
    found = residencies.filter(organisation__slug=slug).first()
    if found is None:
        raise Http404("Aucune résidence.")
    return found


def ical_token(organisation) -> str:
    """A secret, unguessable address for an association's calendar (calendar apps cannot sign in)."""
    return signing.dumps(organisation.pk, salt=ICAL_SALT, compress=True)


def organisation_pk_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=ICAL_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        return None
