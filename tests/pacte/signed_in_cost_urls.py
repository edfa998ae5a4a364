"""The site's URLs plus two public views, one that never reads `request.user` and one that asks
whether it acts as staff, for tests/pacte/test_signed_in_cost.py."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from pacte.permissions import acts_as_staff
from pacte.urls import urlpatterns as site_urlpatterns


@login_not_required
def untouched(request):
    return HttpResponse("ok")


@login_not_required
def staff_check(request):
    return HttpResponse("staff" if acts_as_staff(request.user) else "citizen")


urlpatterns = [
    path("_test/sans-utilisateur/", untouched),
    path("_test/equipe/", staff_check),
    *site_urlpatterns,
]
