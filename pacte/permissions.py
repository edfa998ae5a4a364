"""Who acts as staff: the one place that decides it (every staff check of views, querysets and
services goes through `acts_as_staff`).

A staff account holds the portal's widest powers, so when PACTE_STAFF_REQUIRE_2FA is on (whenever
DEBUG is off) those powers come with the session, not with the account: only a session that passed
a second factor (TOTP or a recovery code; allauth records the authentication methods of each
session) acts as staff. Until then the account has no more power than a citizen's, on the site,
in the services and in the admin alike.

`StaffSecondFactorMiddleware` marks the request's user with the session's answer, when the user is
loaded (lazily: a request that never reads `request.user` never loads it). A user object
that does not come from a request (a shell, a Celery task) carries no mark, so it never acts as
staff under the requirement: tasks act for the system (`by=None`), not for a person.
"""

from django.conf import settings

# Set on request.user by pacte.middleware.StaffSecondFactorMiddleware.
SECOND_FACTOR_MARK = "_pacte_second_factor_passed"


def second_factor_passed(request, user=None) -> bool:
    """Whether this session's sign-in (or a later re-authentication) used a second factor."""
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user if user is None else user)
    return any(record.get("method") == "mfa" for record in records)


def mark_second_factor(request, user=None):
    """Record on the request's user (or `user`, the one being loaded for the request) whether its
    session passed the second factor (see module docstring), and return that user."""
    user = request.user if user is None else user
    if user.is_authenticated and user.is_staff:
        setattr(user, SECOND_FACTOR_MARK, second_factor_passed(request, user))
    return user


def acts_as_staff(user) -> bool:
    """True when `user` may use staff powers now: an active staff account and, when the second
    factor is required, a session that passed it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    if not settings.PACTE_STAFF_REQUIRE_2FA:
        return True
    return getattr(user, SECOND_FACTOR_MARK, False) is True


def staff_for_operator_command(user):
    """Let trusted code run outside any request (management commands such as seed_demo, run by
    an operator on the server) act with a staff account's powers. Never call it from a view or a
    task: there, powers come from the session."""
    if user is not None and user.is_staff:
        setattr(user, SECOND_FACTOR_MARK, True)
    return user


def record_second_factor_on_activation(sender, instance, created, **kwargs) -> None:
    """Setting up TOTP proves the device with a valid code: the session of the person who just
    did it counts as having passed the second factor, so staff reach the admin right away.

    Connected to Authenticator's post_save: allauth's own `authenticator_added` is only sent after
    commit, when the session may already be saved. allauth's middleware keeps the request at hand.
    """
    from allauth.account.internal.flows.login import record_authentication
    from allauth.core import context
    from allauth.mfa.models import Authenticator

    request = context.request
    if (
        created
        and instance.type == Authenticator.Type.TOTP
        and request is not None
        and getattr(request, "user", None) is not None
        and request.user.is_authenticated
        and request.user.pk == instance.user_id
    ):
        record_authentication(request, request.user, "mfa", id=instance.pk, type=instance.type)
