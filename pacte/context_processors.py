from django.urls import get_script_prefix

from .portal import nav_entries, stylesheets
from .urls_cache import reversed_once


def portal(request):
    path = request.path
    prefix = get_script_prefix()
    entries = [
        {
            "label": entry.label,
            "url": reversed_once(entry.url_name, prefix),
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
