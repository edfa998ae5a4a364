"""Helpers shared by the clubs views: every object is fetched through a user-scoped queryset."""

from django.shortcuts import get_object_or_404, render

from pacte.views.helpers import form_service, int_or_404, paginate, refusal_status  # noqa: F401 — the kernel's, re-exported

from ..models import Club

# Page-cache areas the clubs' public pages show: their own content, and the kernel's (meetings are
# agenda events; organisations, themes and communes are kernel data).
AREAS = ("agenda", "clubs")


def club_for(request, slug) -> Club:
    """A club the visitor may see (404 otherwise)."""
    clubs = Club.objects.visible_to(request.user).select_related("organisation", "organisation__commune")
    return get_object_or_404(clubs, organisation__slug=slug)


def managed_club_for(request, slug) -> Club:
    """A club the signed-in person animates (404 for anyone else, staff excepted)."""
    clubs = Club.objects.editable_by(request.user).select_related("organisation", "organisation__commune")
    return get_object_or_404(clubs, organisation__slug=slug)


def members_only(request, club, message: str):
    """The 403 page a non-member gets on a members-only page, with the way to join."""
    return render(request, "clubs/members_only.html", {"club": club, "message": message}, status=403)
