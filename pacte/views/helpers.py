"""Small helpers every app's views share: pagination, posted ids, and calling a service.

The service helpers make the one pattern of the portal's views explicit: a view validates a form,
calls one service, and shows a refusal (`RefusedError`, a reason in French) where the person will
read it, next to the form they filled (`form_service`) or as a message on the page they come back
to (`action_service`), without losing anything they typed.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, QueryDict

from ..cache import lazy_context
from ..services.errors import RefusedError


def paginate(request, queryset, per_page: int | None = None):
    """The requested page of `queryset` (out-of-range numbers give the last page) and the query
    string of the other parameters, for the pagination links."""
    page = Paginator(queryset, per_page or settings.PACTE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def filtered_list(request, filterset, queryset, name: str, *, areas, extra=None) -> dict:
    """The context of a filtered list page that everyone sees alike, shown as one public fragment
    per filters and page (docs/conventions.md, Performance): the filterset, the page and its
    objects (under `name`) are built only on a fragment miss (`lazy_context`), from `queryset()`
    and `extra` ({name: function} of more data the fragment shows), and the fragment is keyed by
    the known filters only and the page number."""

    def build():
        found = filterset(request.GET or None, queryset=queryset())
        page, _ = paginate(request, found.qs)
        data = {"filter": found, "page": page, name: page.object_list}
        data.update({key: function() for key, function in (extra or {}).items()})
        return data

    return {
        **lazy_context(build, ["filter", "page", name, *(extra or {})]),
        "query": known_query(request.GET, filterset.base_filters),
        "page_number": request.GET.get("page", ""),
        "fragment_areas": ",".join(areas),
    }


def known_query(data, names) -> str:
    """The query string of `data`'s (request.GET) parameters `names` only, in that order, the page number left out:
    for pagination links and as the key of a cached fragment, so an unknown parameter neither
    travels from page to page nor makes a fragment of its own."""
    query = QueryDict(mutable=True)
    for name in names:
        if name != "page" and name in data:
            query.setlist(name, data.getlist(name))
    return query.urlencode()


def int_or_404(value) -> int:
    """An id posted by a form; anything else is a 404 rather than a server error."""
    if value is None or not str(value).isdigit() or len(str(value)) > 18:
        raise Http404("Identifiant invalide.")
    return int(value)


def form_service(form, service, /, **kwargs) -> tuple[bool, object]:
    """Call `service(**kwargs)` for a valid `form`: (True, result), or (False, None) with the refusal
    added to the form as a non-field error, so the page is shown again with the form as typed."""
    try:
        return True, service(**kwargs)
    except RefusedError as error:
        form.add_error(None, error.messages[0])
        form.refusal = error  # for refusal_status
        return False, None


def refusal_status(form) -> int:
    """The status of a page shown again after `form_service`: 429 when the refusal is a rate limit
    (pacte.ratelimit), so clients and proxies know to slow down, 200 otherwise."""
    refusal = getattr(form, "refusal", None)
    return 429 if refusal is not None and getattr(refusal, "code", None) == "rate_limited" else 200


def action_service(request, service, /, *, success: str = "", **kwargs) -> tuple[bool, object]:
    """Call `service(**kwargs)` for a one-button action: the success or the refusal becomes a
    message shown on the next page. Returns (done, result)."""
    try:
        result = service(**kwargs)
    except RefusedError as error:
        messages.error(request, error.messages[0])
        return False, None
    if success:
        messages.success(request, success)
    return True, result
