"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.urls import path

from pacte.urls import urlpatterns as site_urlpatterns


@login_not_required
def broken(request):
    raise RuntimeError("boom")


@login_not_required
def suspicious(request):
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("_test/erreur/", broken),
    path("_test/suspect/", suspicious),
    *site_urlpatterns,
]
