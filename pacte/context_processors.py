from django.urls import reverse

from .portal import nav_entries, stylesheets


def portal(request):
    path = request.path
    entries = [
        {
            "label": entry.label,
            "url": reverse(entry.url_name),
            # "/" is current on the home page only; other entries on every page below them.
            "current": path == "/" if entry.path_prefix == "/" else path.startswith(entry.path_prefix),
        }
        for entry in nav_entries(getattr(request, "user", None))
    ]
    return {
        "portal_name": "PACTE · Métropole Rouen Normandie",
        "nav_entries": entries,
        "app_stylesheets": stylesheets(),
    }
