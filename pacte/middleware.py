from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from .permissions import acts_as_staff, mark_second_factor


class ContentSecurityPolicyMiddleware:
    """Send the portal's CSP: everything from our own origin, no inline script or style."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        return response


class StaffSecondFactorMiddleware:
    """Staff powers need a session that passed the second factor (pacte.permissions).

    Marks request.user with the session's answer, then keeps /admin/ for sessions that act as
    staff: a staff account without TOTP is sent to set it up; one with TOTP whose session has not
    used it (opened before it was set up, for instance) is asked for a code. The admin's own login
    page is never reached: it would open a session with the password alone (pacte.urls sends it
    to the portal's login, with its rate limits and second factor).

    Controlled by PACTE_STAFF_REQUIRE_2FA (on whenever DEBUG is off).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        mark_second_factor(request)
        if (
            settings.PACTE_STAFF_REQUIRE_2FA
            and request.path.startswith("/admin/")
            and request.user.is_authenticated
            and request.user.is_staff
            and not acts_as_staff(request.user)
        ):
            from allauth.mfa.models import Authenticator
            from allauth.mfa.utils import is_mfa_enabled

            query = urlencode({"next": request.get_full_path()}, safe="/")
            if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
                return redirect(f"{reverse('mfa_activate_totp')}?{query}")
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body exceeds PACTE_MAX_BODY_BYTES with 413, before
    anything reads it (a 60 MB "photo" never reaches the upload handlers). The reverse proxy's
    own limit (README) should stop such bodies first; this is the portal's own guarantee."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.PACTE_MAX_BODY_BYTES:
            megabytes = settings.PACTE_MAX_BODY_BYTES // (1024 * 1024)
            return HttpResponse(
                f"Envoi trop volumineux : {megabytes} Mo au plus par envoi (photos comprises).",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """Whatever a signed-in person receives is theirs: `Cache-Control: private, no-store`, so no
    shared cache or later user of the same browser gets Mon espace, the data export or an account
    page back. Public responses of the page cache are only ever given to anonymous visitors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
