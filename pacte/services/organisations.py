"""Writes of "Ma structure": an organisation's référents edit its public page, manage its members
and référents, invite people, and propose events.

The views check that the person is a référent of the organisation (or staff) by fetching it through
`Organisation.objects.editable_by(user)`; these services keep the rules that hold whoever calls
them: an organisation always keeps at least one référent, an invitation is used once by the
address it was sent to, an event proposed by a référent waits for the DACTE unless staff allowed
the organisation to publish directly.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from ..cache import all_areas, invalidate
from ..emails import send_templated_email
from ..enums import MembershipRole
from ..models import Event, Invitation, Membership, Organisation, User
from ..ratelimit import rate_limit
from .audit import audit_log
from .errors import RefusedError
from .events import event_create
from .memberships import membership_add, membership_change_role, membership_remove

# What a référent edits on the public page; kind, identifiers (RNA, SIRET), slug, activity and the
# publication flag are staff's, in the admin.
PAGE_FIELDS = frozenset({"summary", "description", "email", "phone", "website", "commune"})
INVITATION_SALT = "pacte.organisation-invitation"
INVITATION_MAX_AGE = timedelta(days=30)

# Each invitation e-mails an address anyone can type: tight enough that an account cannot spam.
INVITE_LIMIT = "20/h"
PROPOSE_LIMIT = "10/h"

LAST_REFERENT = (
    "Une structure garde toujours au moins un référent : nommez d'abord une autre personne "
    "référente, puis recommencez."
)


@transaction.atomic
def organisation_update_page(
    *, organisation: Organisation, by, themes=None, logo=None, remove_logo: bool = False, **values
) -> Organisation:
    """Apply a référent's edits to the public page. `logo` is an already cleaned image
    (pacte.images.process_image); the changed fields are listed in one audit entry."""
    unknown = set(values) - PAGE_FIELDS
    if unknown:
        raise ValueError(f"Not page fields a référent may set: {sorted(unknown)}")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = sorted(name for name, value in values.items() if getattr(organisation, name) != value)
    for name in changed:
        setattr(organisation, name, values[name])
    if logo is not None:
        organisation.logo.save(logo.image.name, logo.image, save=False)
        changed.append("logo")
    elif remove_logo and organisation.logo:
        organisation.logo = ""
        changed.append("logo")
    organisation.full_clean()
    organisation.save()
    if themes is not None and {t.pk for t in themes} != set(organisation.themes.values_list("pk", flat=True)):
        organisation.themes.set(themes)
        changed.append("themes")
    if changed:
        audit_log(target=organisation, verb="organisation.update", by=by, data={"fields": changed})
        invalidate(*all_areas())
    return organisation


def _referent_count(organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=MembershipRole.REFERENT).count()


def _lock(organisation) -> Organisation:
    # Two référents removing each other at once must not leave the organisation without one.
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


@transaction.atomic
def organisation_member_remove(*, membership: Membership, by) -> None:
    """Remove a member (or let someone leave); refused for the last référent, with the reason."""
    _lock(membership.organisation)
    membership = Membership.objects.select_related("organisation", "user").get(pk=membership.pk)
    if membership.role == MembershipRole.REFERENT and _referent_count(membership.organisation) <= 1:
        raise RefusedError(LAST_REFERENT, code="last_referent")
    leaving = by is not None and membership.user_id == by.pk
    membership_remove(
        membership=membership,
        by=by,
        reason="A quitté la structure." if leaving else "Retiré par un référent.",
    )


@transaction.atomic
def organisation_member_set_role(*, membership: Membership, role: str, by) -> Membership:
    """Make a member référent, or a référent a simple member (refused for the last one)."""
    _lock(membership.organisation)
    membership = Membership.objects.select_related("organisation").get(pk=membership.pk)
    if (
        membership.role == MembershipRole.REFERENT
        and role != MembershipRole.REFERENT
        and _referent_count(membership.organisation) <= 1
    ):
        raise RefusedError(LAST_REFERENT, code="last_referent")
    return membership_change_role(membership=membership, role=role, by=by)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[invitation_token(invitation)])


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link points to; RefusedError with the reason otherwise."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise RefusedError(
            "Ce lien d'invitation a expiré : demandez au référent de la structure de vous inviter à nouveau.",
            code="expired",
        ) from None
    except signing.BadSignature:
        raise RefusedError("Ce lien d'invitation n'est pas valide.", code="invalid") from None
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    if invitation is None:
        raise RefusedError("Cette invitation a été retirée par la structure.", code="withdrawn")
    if invitation.accepted_at is not None:
        raise RefusedError("Cette invitation a déjà été utilisée.", code="used")
    return invitation


@transaction.atomic
def organisation_invite(*, organisation: Organisation, email: str, role: str, by) -> Membership | Invitation:
    """Add the person who has this address, or invite the address by e-mail.

    An existing account becomes a member straight away (and is told by e-mail); an unknown address
    gets an invitation whose link lets it create an account and join. Refused when the person is
    already a member or already invited.
    """
    rate_limit(by=by, action="organisations.invite", limit=INVITE_LIMIT)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        if Membership.objects.filter(organisation=organisation, user=user).exists():
            raise RefusedError("Cette personne fait déjà partie de la structure.", code="already_member")
        membership = membership_add(
            organisation=organisation, user=user, role=role, by=by, reason="Ajoutée par un référent."
        )
        send_templated_email(
            to=user.email,
            template="organisation_member_added",
            context={"user": user, "organisation": organisation, "membership": membership, "by": by},
        )
        return membership
    if Invitation.objects.pending().filter(organisation=organisation, email=email).exists():
        raise RefusedError(
            "Une invitation attend déjà cette adresse : elle peut utiliser le lien reçu, "
            "ou vous pouvez retirer l'invitation puis la renvoyer.",
            code="already_invited",
        )
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=by)
    invitation.full_clean()
    invitation.save()
    audit_log(target=organisation, verb="organisation.invite", by=by, to_state=role, data={"email": email})
    send_templated_email(
        to=email,
        template="organisation_invitation",
        context={
            "invitation": invitation,
            "organisation": organisation,
            "by": by,
            "url": invitation_url(invitation),
            "days": INVITATION_MAX_AGE.days,
        },
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by) -> None:
    """Withdraw a pending invitation: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise RefusedError("Cette invitation a déjà été acceptée.", code="used")
    audit_log(
        target=invitation.organisation,
        verb="organisation.invitation_withdraw",
        by=by,
        data={"email": invitation.email},
    )
    invitation.delete()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """The invited person, signed in with the invited address, joins the organisation."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise RefusedError("Cette invitation a déjà été utilisée.", code="used")
    if user.email.lower() != invitation.email.lower():
        raise RefusedError(
            f"Cette invitation a été envoyée à {invitation.email} : connectez-vous avec ce compte "
            "pour l'accepter.",
            code="other_address",
        )
    if Membership.objects.filter(organisation=invitation.organisation, user=user).exists():
        raise RefusedError("Vous faites déjà partie de cette structure.", code="already_member")
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    return membership_add(
        organisation=invitation.organisation,
        user=user,
        role=invitation.role,
        by=user,
        reason="Invitation acceptée.",
    )


def _event_slug(title: str, starts_at) -> str:
    # The date keeps yearly events apart; a counter the rare same-day namesakes.
    base = (
        slugify(f"{title} {timezone.localdate(starts_at):%Y-%m-%d}" if starts_at else title)[:200]
        or "evenement"
    )
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_event_propose(*, organisation: Organisation, by, themes=(), **values):
    """A référent proposes an event of their organisation.

    It waits unpublished for the DACTE, which publishes it in the admin; an organisation staff
    allowed to publish directly (`publishes_events_directly`) has it on the agenda at once.
    """
    rate_limit(by=by, action="organisations.event_propose", limit=PROPOSE_LIMIT)
    organisation = Organisation.objects.get(pk=organisation.pk)
    direct = organisation.publishes_events_directly
    values.setdefault("slug", _event_slug(values.get("title", ""), values.get("starts_at")))
    event = event_create(by=by, themes=themes, organiser=organisation, is_published=direct, **values)
    audit_log(
        target=event,
        verb="event.propose",
        by=by,
        to_state="published" if direct else "unpublished",
        data={"organisation": organisation.pk},
    )
    return event


# --- Staff (the admin) ---------------------------------------------------------------------------

# Everything staff edit in the admin; the page fields plus what only staff decide.
STAFF_FIELDS = PAGE_FIELDS | frozenset(
    {"kind", "name", "slug", "rna", "siret", "is_active", "publishes_events_directly"}
)


def _check_staff_fields(values: dict) -> None:
    unknown = set(values) - STAFF_FIELDS
    if unknown:
        raise ValueError(f"Not organisation fields staff may set: {sorted(unknown)}")


@transaction.atomic
def organisation_create(*, by, themes=(), logo=None, **values) -> Organisation:
    """Staff create an organisation (the admin's "add"); `logo` is a cleaned image."""
    _check_staff_fields(values)
    organisation = Organisation(**values)
    if logo is not None:
        organisation.logo.save(logo.image.name, logo.image, save=False)
    organisation.full_clean()
    organisation.save()
    organisation.themes.set(themes)
    audit_log(target=organisation, verb="organisation.create", by=by, to_state=organisation.kind)
    invalidate(*all_areas())
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    by,
    themes=None,
    logo=None,
    remove_logo: bool = False,
    reason: str = "",
    **values,
) -> Organisation:
    """Staff's edits in the admin: any field of STAFF_FIELDS. Deactivating or reactivating is
    recorded as its own state change (it takes the organisation off or back on public pages)."""
    _check_staff_fields(values)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    was_active = organisation.is_active
    changed = sorted(name for name, value in values.items() if getattr(organisation, name) != value)
    for name in changed:
        setattr(organisation, name, values[name])
    if logo is not None:
        organisation.logo.save(logo.image.name, logo.image, save=False)
        changed.append("logo")
    elif remove_logo and organisation.logo:
        organisation.logo = ""
        changed.append("logo")
    organisation.full_clean()
    organisation.save()
    if themes is not None and {t.pk for t in themes} != set(organisation.themes.values_list("pk", flat=True)):
        organisation.themes.set(themes)
        changed.append("themes")
    fields = [name for name in changed if name != "is_active"]
    if fields:
        audit_log(
            target=organisation, verb="organisation.update", by=by, reason=reason, data={"fields": fields}
        )
    if organisation.is_active != was_active:
        audit_log(
            target=organisation,
            verb="organisation.activate" if organisation.is_active else "organisation.deactivate",
            by=by,
            from_state="active" if was_active else "inactive",
            to_state="active" if organisation.is_active else "inactive",
            reason=reason,
        )
    if changed:
        invalidate(*all_areas())
    return organisation
