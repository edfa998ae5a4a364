"""Writes of memberships (a person in an organisation, with a role).

The kernel Membership is the live state. An app that keeps records derived from it (the clubs keep
the history of each member's stint) registers a listener, called inside the same transaction by
every add and remove, whichever path made the change: the site, the admin or another service. So
the two never drift apart.

The services do not decide who may add or remove someone: the callers do (the admin through its
permissions, an app's own service through its rules, e.g. the clubs' join and leave).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from ..cache import all_areas, invalidate
from ..enums import MembershipRole
from ..models import Membership
from .audit import audit_log
from .errors import RefusedError


@dataclass(frozen=True)
class MembershipListener:
    added: Callable[[Membership], None] | None = None
    removed: Callable[[Membership], None] | None = None


_listeners: list[MembershipListener] = []


def register_membership_listener(*, added=None, removed=None) -> None:
    """Call `added(membership)` after a membership is created and `removed(membership)` just before
    one is deleted, in the writing transaction. Apps call it from their AppConfig.ready()."""
    listener = MembershipListener(added=added, removed=removed)
    if listener not in _listeners:
        _listeners.append(listener)


def _renew_pages() -> None:
    # Organisations and their member counts show on the pages of every area (clubs, associations...).
    invalidate(*all_areas())


@transaction.atomic
def membership_add(
    *,
    organisation,
    user,
    role: str = MembershipRole.MEMBER,
    by,
    reason: str = "",
    verb: str = "membership.add",
    target=None,
) -> Membership:
    """Make `user` a member of `organisation` with `role`; refused if they already are.

    The audit entry goes on `target` (the organisation by default; an app may name its own object
    and verb, e.g. the club and "club.join", so the journal reads in its words).
    """
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise RefusedError("Cette personne fait déjà partie de cette structure.", code="already_member")
    membership = Membership(organisation=organisation, user=user, role=role)
    membership.full_clean()
    membership.save()
    for listener in _listeners:
        if listener.added:
            listener.added(membership)
    audit_log(
        target=target or organisation,
        verb=verb,
        by=by,
        to_state=role,
        reason=reason,
        data={"user": user.pk},
    )
    _renew_pages()
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by, reason: str = "") -> Membership:
    """Change the role (référent, membre) of a current member."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=membership.pk)
    )
    if membership.role == role:
        return membership
    previous = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    audit_log(
        target=membership.organisation,
        verb="membership.role",
        by=by,
        from_state=previous,
        to_state=role,
        reason=reason,
        data={"user": membership.user_id},
    )
    _renew_pages()
    return membership


@transaction.atomic
def membership_remove(
    *, membership: Membership, by, reason: str = "", verb: str = "membership.remove", target=None
) -> None:
    """End a membership: listeners close what they derived from it, then the row is deleted."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=membership.pk)
    )
    for listener in _listeners:
        if listener.removed:
            listener.removed(membership)
    audit_log(
        target=target or membership.organisation,
        verb=verb,
        by=by,
        from_state=membership.role,
        reason=reason,
        data={"user": membership.user_id},
    )
    membership.delete()
    _renew_pages()
