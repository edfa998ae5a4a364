from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


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
    """Staff reach /admin/ only once a TOTP second factor is set up.

    Once it is set up, allauth asks for the code at every login, so the session was opened with it.

    Controlled by PACTE_STAFF_REQUIRE_2FA (on whenever DEBUG is off).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.PACTE_STAFF_REQUIRE_2FA
            and request.path.startswith("/admin/")
            and request.user.is_authenticated
            and request.user.is_staff
        ):
            from allauth.mfa.models import Authenticator
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
