"""What an htmx request gets: one decision shared by the views and the page cache's key."""


def wants_fragment(request) -> bool:
    """True when the view should render its partial: an htmx request (django-htmx accepts only
    `HX-Request: true`), except a history restore, which needs the full page (htmx swaps it in
    whole after a cache miss of its own history)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request
