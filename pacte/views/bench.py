"""The baseline of `make bench`, mounted only when settings.PACTE_BENCH is true."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def minimal(request):
    """No query, no template: what the middleware stack alone costs per request."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
