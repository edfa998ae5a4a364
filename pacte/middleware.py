from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

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
