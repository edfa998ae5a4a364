from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.middleware import get_user
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, empty

from .cache import read_first
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


class SessionFirstMiddleware:
    """A request with a session cookie reads its session before anything else from the cache:
    the session's read brings the versions and the user with it (pacte/cached_sessions.py), so
    a page that reads its public part before `request.user` still makes one round trip. Nothing
    is read for a request that reads nothing (the session stays lazy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            read_first(lambda: SESSION_KEY in request.session)
        return self.get_response(request)


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
        # Lazily, as AuthenticationMiddleware does: the mark is set when something first reads
        # request.user, so a request that never does pays no user query (get_user caches the
        # user on the request, for both lazy objects).
        request.user = SimpleLazyObject(lambda: mark_second_factor(request, get_user(request)))
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


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's, asking the view first: a public view (`@login_not_required`) does not need to know
    who is signed in, so it does not load the user (one query per signed-in request saved on views
    that never read `request.user`)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


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
        if self.signed_in(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def signed_in(request, response) -> bool:
        """Without loading the user when the view did not: a person is signed in through their
        session cookie, so a request without one (and whose response sets none, as a login's
        does) is anonymous; with one, the response is kept private even if the session turns out
        to be anonymous (a message waiting, an expired login), which costs nothing."""
        cookie = settings.SESSION_COOKIE_NAME
        if cookie in request.COOKIES or cookie in response.cookies:
            return True
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
            return False
        return user is not None and user.is_authenticated
