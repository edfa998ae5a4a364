"""Helpers shared by the communes views: objects come through user-scoped querysets."""

from django.shortcuts import render

from pacte.views.helpers import paginate  # noqa: F401 — the kernel's, re-exported for the views

# Page-cache areas of the communes' public pages: their own content and the kernel's (events are
# agenda content). A commune's page also shows other apps' blocks: it names no area (all areas).
AREAS = ("agenda", "communes")


def referents_only(request, message: str):
    """The 403 page of a page reserved to the communes' référents."""
    return render(request, "communes/referents_only.html", {"message": message}, status=403)
