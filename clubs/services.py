"""Every write of the clubs app (docs/conventions.md): atomic, validated, audited, refused with a reason."""

import re

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from pacte.emails import send_templated_email
from pacte.enums import Action, MembershipRole, OrganisationKind
from pacte.images import ProcessedImage
from pacte.models import Event, Membership, Organisation
from pacte.permissions import acts_as_staff
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError
from pacte.services.memberships import membership_add, membership_remove
from pacte.services.moderation import (
    Wording,
    default_reports_to_hide,
    delete_files_on_commit,
    file_report,
    hide_when_reported,
    resolve_open_reports,
    store_photos,
)

from .enums import ClubType, MailingStatus, PracticeStatus
from .models import (
    Club,
    ClubMailing,
    ClubMailingRecipient,
    ClubMembershipRecord,
    ModerationSettings,
    Practice,
    PracticeAdoption,
    PracticePhoto,
    PracticeReply,
    PracticeReport,
)
from .models.practices import MAX_PHOTOS

UNSUBSCRIBE_SALT = "clubs.mailing-unsubscribe"
# An unsubscribe link works for a year; an older one offers to e-mail a fresh link.
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600


# --- Permissions ------------------------------------------------------------------------------


def is_member(*, club: Club, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(organisation_id=club.organisation_id, user=user).exists()


def is_animator(*, club: Club, user) -> bool:
    """Référents of the club's organisation, and staff, run the club."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Club.objects.editable_by(user).filter(pk=club.pk).exists()


def _check_animator(*, club: Club, by) -> None:
    if not is_animator(club=club, user=by):
        raise RefusedError(
            "Seuls les animateurs du club et l'équipe du PACTE peuvent faire cela.", code="not_animator"
        )


def _check_member(*, club: Club, user, message: str) -> None:
    if not is_member(club=club, user=user):
        raise RefusedError(message, code="not_member")


def _unique_slug(model, base: str, field: str = "slug", max_length: int = 200) -> str:
    base = (slugify(base) or "club")[: max_length - 5]
    slug, n = base, 2
    while model.objects.filter(**{field: slug}).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- Clubs ------------------------------------------------------------------------------------


@transaction.atomic
def club_create(
    *,
    name: str,
    club_type: str = ClubType.LOCAL,
    commune=None,
    summary: str = "",
    description: str = "",
    themes=(),
    meeting_place: str = "",
    meeting_schedule: str = "",
    slug: str = "",
    by,
) -> Club:
    """Create the kernel Organisation of kind club and its club profile, together."""
    organisation = Organisation(
        kind=OrganisationKind.CLUB,
        name=name,
        slug=slug or _unique_slug(Organisation, name),
        commune=commune,
        summary=summary,
        description=description,
    )
    organisation.full_clean()
    organisation.save()
    organisation.themes.set(themes)
    club = Club(
        organisation=organisation,
        club_type=club_type,
        meeting_place=meeting_place,
        meeting_schedule=meeting_schedule,
    )
    club.full_clean()
    club.save()
    audit_log(target=club, verb="club.create", by=by)
    return club


PRESENTATION_FIELDS = {
    "organisation": ["summary", "description", "commune", "email"],
    "club": ["meeting_place", "meeting_schedule", "mail_reply_to", "mail_signature"],
}


@transaction.atomic
def club_update_presentation(*, club: Club, by, themes=None, **values) -> Club:
    """An animator (or staff) edits the club's presentation and mail settings.

    Accepts the fields of PRESENTATION_FIELDS and `themes`; the name, type and slug stay with staff.
    """
    _check_animator(club=club, by=by)
    unknown = set(values) - set(PRESENTATION_FIELDS["organisation"]) - set(PRESENTATION_FIELDS["club"])
    if unknown:
        raise ValueError(f"Unknown presentation fields: {sorted(unknown)}")
    organisation = club.organisation
    for name, value in values.items():
        setattr(organisation if name in PRESENTATION_FIELDS["organisation"] else club, name, value)
    organisation.full_clean()
    club.full_clean()
    organisation.save()
    club.save()
    if themes is not None:
        organisation.themes.set(themes)
    audit_log(target=club, verb="club.presentation", by=by, data={"fields": sorted(values)})
    return club


def _open_record(club: Club, user) -> ClubMembershipRecord | None:
    """The person's current stint; rebuilt from the kernel Membership if it was made elsewhere
    (in the admin, for instance), so history and mail settings always have a row."""
    record = ClubMembershipRecord.objects.open().filter(club=club, user=user).first()
    if record is None:
        membership = Membership.objects.filter(organisation_id=club.organisation_id, user=user).first()
        if membership is None:
            return None
        record = ClubMembershipRecord.objects.create(
            club=club, user=user, commune=user.home_commune, joined_at=membership.created_at
        )
    return record


def club_membership_opened(membership: Membership) -> None:
    """Kernel membership listener: a new member of a club's organisation opens a history stint,
    whichever path added them (the join button, the admin)."""
    club = Club.objects.filter(organisation_id=membership.organisation_id).first()
    if club is not None:
        _open_record(club, membership.user)


def club_membership_closed(membership: Membership) -> None:
    """Kernel membership listener: the member's open stint closes when the membership ends."""
    club = Club.objects.filter(organisation_id=membership.organisation_id).first()
    if club is None:
        return
    record = _open_record(club, membership.user)
    if record is not None:
        record.left_at = timezone.now()
        record.save(update_fields=["left_at"])


@transaction.atomic
def club_join(*, club: Club, user, by) -> Membership:
    """Make `user` a member: the kernel Membership (live state) plus, through the membership
    listener, an open history record."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise RefusedError("Connectez-vous pour rejoindre un club.", code="anonymous")
    if not club.organisation.is_active:
        raise RefusedError("Ce club n'accueille plus de nouveaux membres.", code="inactive")
    if is_member(club=club, user=user):
        raise RefusedError("Vous êtes déjà membre de ce club.", code="already_member")
    return membership_add(
        organisation=club.organisation,
        user=user,
        role=MembershipRole.MEMBER,
        by=by,
        verb="club.join",
        target=club,
    )


@transaction.atomic
def club_leave(*, club: Club, user, by) -> None:
    """Delete the kernel Membership and close the history record: past participation stays
    counted. A club's only animator is asked to hand over first."""
    membership = Membership.objects.filter(organisation_id=club.organisation_id, user=user).first()
    if membership is None:
        raise RefusedError("Vous n'êtes pas membre de ce club.", code="not_member")
    if (
        membership.role == MembershipRole.REFERENT
        and not Membership.objects.referents()
        .filter(organisation_id=club.organisation_id)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise RefusedError(
            "Vous êtes la seule personne qui anime ce club : confiez l'animation à un autre membre "
            "(en écrivant à l'équipe du PACTE) avant de le quitter.",
            code="last_animator",
        )
    membership_remove(membership=membership, by=by, verb="club.leave", target=club)


CLUB_STAFF_FIELDS = ["club_type", *PRESENTATION_FIELDS["club"]]


@transaction.atomic
def club_profile_create(*, organisation: Organisation, club_type: str, by, **values) -> Club:
    """Staff turn an existing organisation of kind club into a club (the admin's "add club").

    Its current members get their history stint from now on, so the club's figures count them.
    """
    unknown = set(values) - set(PRESENTATION_FIELDS["club"])
    if unknown:
        raise ValueError(f"Not club fields: {sorted(unknown)}")
    if organisation.kind != OrganisationKind.CLUB:
        raise RefusedError(
            {"organisation": ["Seule une structure de type « Club » peut devenir un club."]},
            code="not_a_club",
        )
    club = Club(organisation=organisation, club_type=club_type, **values)
    club.full_clean()
    club.save()
    for membership in Membership.objects.filter(organisation=organisation).select_related("user"):
        _open_record(club, membership.user)
    audit_log(target=club, verb="club.create", by=by)
    return club


@transaction.atomic
def club_update(*, club: Club, by, reason: str = "", **values) -> Club:
    """Staff edit a club's type, meeting and mail settings (CLUB_STAFF_FIELDS)."""
    unknown = set(values) - set(CLUB_STAFF_FIELDS)
    if unknown:
        raise ValueError(f"Not club fields: {sorted(unknown)}")
    club = Club.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=club.pk)
    changed = sorted(name for name, value in values.items() if getattr(club, name) != value)
    if not changed:
        return club
    previous_type = club.club_type
    for name in changed:
        setattr(club, name, values[name])
    club.full_clean()
    club.save()
    audit_log(
        target=club,
        verb="club.update",
        by=by,
        from_state=previous_type if "club_type" in changed else "",
        to_state=club.club_type if "club_type" in changed else "",
        reason=reason,
        data={"fields": changed},
    )
    return club


# --- Meetings (kernel events) -------------------------------------------------------------


@transaction.atomic
def club_meeting_create(
    *,
    club: Club,
    title: str,
    starts_at,
    ends_at,
    commune=None,
    place: str = "",
    address: str = "",
    summary: str = "",
    description: str = "",
    themes=(),
    capacity: int | None = None,
    registration_required: bool = True,
    registration_opens_at=None,
    registration_closes_at=None,
    by,
) -> Event:
    """Publish a club meeting in the programme's agenda (a kernel Event, action clubs, organised by
    the club's organisation). Refused to non-animators; dates checked (end after start, the
    registration window before the start)."""
    _check_animator(club=club, by=by)
    if ends_at <= starts_at:
        raise RefusedError("La fin de la rencontre doit être après son début.", code="dates")
    if registration_opens_at and registration_closes_at and registration_closes_at <= registration_opens_at:
        raise RefusedError("La clôture des inscriptions doit suivre leur ouverture.", code="dates")
    if registration_closes_at and registration_closes_at > starts_at:
        raise RefusedError(
            "Les inscriptions doivent fermer au plus tard au début de la rencontre.", code="dates"
        )
    event = Event(
        title=title,
        slug=_unique_slug(Event, f"{title} {timezone.localtime(starts_at):%Y-%m-%d}", max_length=220),
        action=Action.CLUBS,
        organiser=club.organisation,
        commune=commune or club.organisation.commune,
        place=place,
        address=address,
        summary=summary,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity if registration_required else None,
        registration_required=registration_required,
        registration_opens_at=registration_opens_at if registration_required else None,
        registration_closes_at=registration_closes_at if registration_required else None,
        is_published=True,
    )
    event.full_clean()
    event.save()
    event.themes.set(themes)
    audit_log(target=event, verb="event.create", by=by, to_state="published", data={"club": club.pk})
    return event


# --- Mailings -------------------------------------------------------------------------------


def unsubscribe_token(*, club: Club, user) -> str:
    return signing.dumps({"c": club.pk, "u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str, *, max_age=UNSUBSCRIBE_MAX_AGE) -> tuple[int, int] | None:
    """(club id, user id) of a link signed less than a year ago (max_age=None: of any age)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age)
        return int(data["c"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_link_resend(*, club: Club, user) -> bool:
    """E-mail the member a fresh unsubscribe link (their old one expired). At most one an hour
    per club and person: whoever holds the old link cannot flood the address. Returns whether
    an e-mail left."""
    from django.core.cache import cache

    if not cache.add(f"clubs:unsubscribe-resend:{club.pk}:{user.pk}", 1, 3600):
        return False
    unsubscribe_url = settings.SITE_URL + reverse(
        "clubs:unsubscribe", args=[unsubscribe_token(club=club, user=user)]
    )
    send_templated_email(
        to=user.email,
        template="club_unsubscribe_link",
        context={"user": user, "club": club, "unsubscribe_url": unsubscribe_url},
    )
    return True


@transaction.atomic
def club_mailing_create(*, club: Club, subject: str, message: str, by) -> ClubMailing:
    """Record an animator's e-mail to the members and queue its sending (after commit)."""
    from .tasks import send_club_mailing

    _check_animator(club=club, by=by)
    mailing = ClubMailing(club=club, subject=subject.strip(), message=message.strip(), author=by)
    mailing.full_clean()
    mailing.save()
    audit_log(target=mailing, verb="club.mailing.create", by=by, to_state=MailingStatus.QUEUED)
    transaction.on_commit(lambda: send_club_mailing.delay(mailing.pk))
    return mailing


@transaction.atomic
def club_mailing_resume(*, mailing: ClubMailing, by) -> ClubMailing:
    """Staff queue a mailing's sending again (after a worker failure): members already served
    receive nothing more, since each copy is claimed before it is sent."""
    from .tasks import send_club_mailing

    audit_log(target=mailing, verb="club.mailing.resume", by=by, from_state=mailing.status)
    transaction.on_commit(lambda: send_club_mailing.delay(mailing.pk))
    return mailing


def mailing_audience(club: Club):
    """Current members who did not opt out of the club's e-mails (a User queryset)."""
    from pacte.models import User

    opted_out = (
        ClubMembershipRecord.objects.open().filter(club=club, receives_mailings=False).values("user_id")
    )
    return (
        User.objects.filter(
            memberships__organisation_id=club.organisation_id, is_active=True, anonymised_at__isnull=True
        )
        .exclude(pk__in=opted_out)
        .distinct()
    )


GREETING_RE = re.compile(r"^\s*(bonjour|bonsoir|salut|hello|coucou|ch[èe]re?s?\b|madame|monsieur)", re.I)


def mailing_reply_to(*, club: Club, author) -> str:
    """Where members' replies go: the club's address if its animators set one, otherwise the
    animator who wrote (never the portal's no-reply address)."""
    return club.mail_reply_to or (author.email if author and not author.anonymised_at else "")


def mailing_context(*, club: Club, subject: str, message: str, author, user, unsubscribe_url: str) -> dict:
    """What the club_mailing templates need. The portal adds the greeting and the signature only
    when the animator did not write their own, so members never read them twice."""
    signature = club.mail_signature or (
        f"{author.display_name}, pour le club {club.organisation.name}" if author else ""
    )
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    closing = lines[-1] if lines else ""
    return {
        "user": user,
        "club": club,
        "subject": subject,
        "message": message.strip(),
        "greeting": not GREETING_RE.match(message),
        "signature": "" if signature and signature.split(",")[0].strip() in closing else signature,
        "club_url": settings.SITE_URL + club.get_absolute_url(),
        "unsubscribe_url": unsubscribe_url,
    }


def club_mailing_preview(*, club: Club, subject: str, message: str, by) -> dict:
    """The e-mail exactly as a member will receive it (subject, Reply-To, text), for the animator
    to read before sending; writes nothing."""
    from pacte.emails import render_email

    _check_animator(club=club, by=by)
    context = mailing_context(
        club=club,
        subject=subject,
        message=message,
        author=by,
        user=by,
        unsubscribe_url=settings.SITE_URL + "/…",
    )
    rendered_subject, text, _html = render_email("club_mailing", context)
    return {"subject": rendered_subject, "text": text, "reply_to": mailing_reply_to(club=club, author=by)}


def club_mailing_test_send(*, club: Club, subject: str, message: str, by) -> None:
    """Send the e-mail to the animator alone, as members will get it, with the same headers."""
    _check_animator(club=club, by=by)
    rate_limit(by=by, action="clubs.mailing_test", limit="5/h")
    unsubscribe_url = settings.SITE_URL + reverse(
        "clubs:unsubscribe", args=[unsubscribe_token(club=club, user=by)]
    )
    headers = {}
    reply_to = mailing_reply_to(club=club, author=by)
    if reply_to:
        headers["Reply-To"] = reply_to
    send_templated_email(
        to=by.email,
        template="club_mailing",
        context=mailing_context(
            club=club, subject=subject, message=message, author=by, user=by, unsubscribe_url=unsubscribe_url
        ),
        headers=headers,
    )
    audit_log(target=club, verb="club.mailing.test", by=by)


def club_mailing_send(*, mailing: ClubMailing) -> int:
    """Send one e-mail per member of the audience. Safe to run twice: each recipient row is
    claimed (sent_at) in its own transaction before its e-mail is queued, so a rerun skips it."""
    club = mailing.club
    ClubMailingRecipient.objects.bulk_create(
        [ClubMailingRecipient(mailing=mailing, user=user) for user in mailing_audience(club)],
        ignore_conflicts=True,
    )
    sent = 0
    pending = mailing.recipients.filter(sent_at__isnull=True, user__isnull=False).select_related("user")
    for recipient in pending.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = ClubMailingRecipient.objects.filter(pk=recipient.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            if not claimed:
                continue
            user = recipient.user
            unsubscribe_url = settings.SITE_URL + reverse(
                "clubs:unsubscribe", args=[unsubscribe_token(club=club, user=user)]
            )
            headers = {
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            reply_to = mailing_reply_to(club=club, author=mailing.author)
            if reply_to:
                headers["Reply-To"] = reply_to
            send_templated_email(
                to=user.email,
                template="club_mailing",
                context=mailing_context(
                    club=club,
                    subject=mailing.subject,
                    message=mailing.message,
                    author=mailing.author,
                    user=user,
                    unsubscribe_url=unsubscribe_url,
                ),
                headers=headers,
            )
            sent += 1
    with transaction.atomic():
        mailing = ClubMailing.objects.select_for_update().get(pk=mailing.pk)
        previous = mailing.status
        mailing.recipient_count = mailing.recipients.filter(sent_at__isnull=False).count()
        if previous != MailingStatus.SENT:
            mailing.status = MailingStatus.SENT
            mailing.sent_at = timezone.now()
        mailing.save(update_fields=["recipient_count", "status", "sent_at", "updated_at"])
        if previous != MailingStatus.SENT:
            audit_log(
                target=mailing,
                verb="club.mailing.sent",
                from_state=previous,
                to_state=MailingStatus.SENT,
                data={"recipients": mailing.recipient_count},
            )
    return sent


@transaction.atomic
def club_mailings_set(*, club: Club, user, receives: bool, by=None) -> bool:
    """The member's choice about the club's e-mails (the unsubscribe link sets False).

    Idempotent; returns False when the person is no longer a member (nothing to change).
    """
    record = _open_record(club, user)
    if record is None:
        return False
    if record.receives_mailings != receives:
        record.receives_mailings = receives
        record.mailings_opted_out_at = None if receives else timezone.now()
        record.save(update_fields=["receives_mailings", "mailings_opted_out_at"])
        audit_log(
            target=club,
            verb="club.mailings.subscribe" if receives else "club.mailings.unsubscribe",
            by=by,
            data={"user": user.pk},
        )
    return True


# --- Practices ------------------------------------------------------------------------------


@transaction.atomic
def practice_create(
    *, club: Club, author, title: str, text: str, themes=(), photos: list[ProcessedImage] = (), by
) -> Practice:
    """A member shares a practice with up to six photos, already cleaned by process_image."""
    _check_member(club=club, user=author, message="Rejoignez le club pour partager une pratique.")
    if len(photos) > MAX_PHOTOS:
        raise RefusedError(f"{MAX_PHOTOS} photos au plus par pratique.", code="too_many_photos")
    rate_limit(by=author, action="clubs.practice")
    rate_limit(by=author, action="clubs.upload", cost=len(photos))
    practice = Practice(club=club, author=author, title=title.strip(), text=text.strip())
    practice.full_clean()
    practice.save()
    practice.themes.set(themes)
    store_photos(photo_model=PracticePhoto, post_field="practice", post=practice, photos=list(photos))
    audit_log(
        target=practice,
        verb="practice.create",
        by=by,
        to_state=PracticeStatus.PUBLISHED,
        data={"photos": len(photos)},
    )
    return practice


def _check_public(practice: Practice) -> None:
    if practice.status != PracticeStatus.PUBLISHED:
        raise RefusedError("Cette pratique n'est pas publiée pour le moment.", code="not_published")


@transaction.atomic
def practice_adoption_toggle(*, practice: Practice, user, by) -> bool:
    """ "Je l'ai adoptée", or take it back. One per person (unique constraint); members of the
    club other than the author. Returns True when the person now counts as having adopted it."""
    _check_public(practice)
    _check_member(
        club=practice.club,
        user=user,
        message="Rejoignez le club pour dire que vous avez adopté cette pratique.",
    )
    if practice.author_id == user.pk:
        raise RefusedError("Vous ne pouvez pas adopter votre propre pratique.", code="own_practice")
    deleted, _ = PracticeAdoption.objects.filter(practice=practice, user=user).delete()
    if deleted:
        audit_log(target=practice, verb="practice.unadopt", by=by)
        return False
    PracticeAdoption.objects.create(practice=practice, user=user)
    audit_log(target=practice, verb="practice.adopt", by=by)
    return True


@transaction.atomic
def practice_reply_create(*, practice: Practice, author, text: str, by) -> PracticeReply:
    _check_public(practice)
    _check_member(
        club=practice.club, user=author, message="Rejoignez le club pour répondre à cette pratique."
    )
    rate_limit(by=author, action="clubs.practice_reply")
    reply = PracticeReply(practice=practice, author=author, text=text.strip())
    reply.full_clean()
    reply.save()
    audit_log(target=reply, verb="practice.reply", by=by, data={"practice": practice.pk})
    return reply


@transaction.atomic
def practice_reply_set_hidden(*, reply: PracticeReply, hidden: bool, by, reason: str = "") -> PracticeReply:
    _check_animator(club=reply.practice.club, by=by)
    if reply.is_hidden == hidden:
        raise RefusedError(
            "Cette réponse est déjà masquée." if hidden else "Cette réponse est déjà visible.",
            code="unchanged",
        )
    reply.is_hidden = hidden
    reply.save(update_fields=["is_hidden", "updated_at"])
    audit_log(
        target=reply,
        verb="practice.reply.hide" if hidden else "practice.reply.restore",
        by=by,
        from_state="visible" if hidden else "hidden",
        to_state="hidden" if hidden else "visible",
        reason=reason,
    )
    return reply


def reports_to_hide() -> int:
    """How many reports from distinct people take a practice off public pages on their own: set
    by DACTE staff in the admin (ModerationSettings), PACTE_REPORTS_TO_HIDE (3) until they do;
    animators and staff may hide a practice at any time."""
    chosen = (
        ModerationSettings.objects.filter(pk=ModerationSettings.SINGLETON_PK)
        .values_list("reports_to_hide", flat=True)
        .first()
    )
    return chosen if chosen is not None else _default_reports_to_hide()


def _default_reports_to_hide() -> int:
    return default_reports_to_hide()


@transaction.atomic
def moderation_settings_update(*, reports_to_hide: int, by) -> ModerationSettings:
    """Change the moderation's settings (DACTE staff, in the admin). Takes effect on the next
    report; practices already hidden or visible stay as they are until someone reports again."""
    if not acts_as_staff(by):
        raise RefusedError("Seule l'équipe de la DACTE règle la modération.", code="staff_only")
    current = (
        ModerationSettings.objects.select_for_update().filter(pk=ModerationSettings.SINGLETON_PK).first()
    )
    before = current.reports_to_hide if current else _default_reports_to_hide()
    moderation = current or ModerationSettings(pk=ModerationSettings.SINGLETON_PK)
    moderation.reports_to_hide = reports_to_hide
    moderation.full_clean()
    moderation.save()
    audit_log(
        target=moderation,
        verb="moderation.settings",
        by=by,
        data={"reports_to_hide": {"before": before, "after": reports_to_hide}},
    )
    return moderation


@transaction.atomic
def practice_update(
    *, practice: Practice, title: str, text: str, themes=None, by, reason: str = ""
) -> Practice:
    """The author, an animator of the club or staff corrects a practice's wording or themes. A
    practice hidden by moderation stays hidden: the animators see the correction and decide."""
    practice = Practice.objects.select_for_update().select_related("club").get(pk=practice.pk)
    _check_author_or_animator(practice=practice, by=by)
    changed = [
        name
        for name, value in (("title", title.strip()), ("text", text.strip()))
        if getattr(practice, name) != value
    ]
    themes_changed = themes is not None and {t.pk for t in themes} != set(
        practice.themes.values_list("pk", flat=True)
    )
    if not changed and not themes_changed:
        return practice
    practice.title, practice.text = title.strip(), text.strip()
    practice.full_clean()
    practice.save(update_fields=["title", "text", "updated_at"])
    if themes_changed:
        practice.themes.set(themes)
    audit_log(
        target=practice,
        verb="practice.update",
        by=by,
        reason=reason,
        data={"fields": changed + (["themes"] if themes_changed else [])},
    )
    return practice


def _check_author_or_animator(*, practice: Practice, by) -> None:
    if getattr(by, "pk", None) != practice.author_id and not is_animator(club=practice.club, user=by):
        raise RefusedError(
            "Seuls l'auteur de la pratique, les animateurs du club et l'équipe du PACTE peuvent faire cela.",
            code="not_author",
        )


@transaction.atomic
def practice_delete(*, practice: Practice, by, reason: str = "") -> None:
    """The author, an animator or staff deletes a practice, its photos (files after commit),
    replies, adoptions and reports; the journal keeps its title."""
    practice = Practice.objects.select_for_update().select_related("club").get(pk=practice.pk)
    _check_author_or_animator(practice=practice, by=by)
    delete_files_on_commit(list(practice.photos.all()))
    audit_log(target=practice, verb="practice.delete", by=by, from_state=practice.status, reason=reason)
    practice.delete()


def _check_reply_author_or_animator(*, reply: PracticeReply, by) -> None:
    if getattr(by, "pk", None) != reply.author_id and not is_animator(club=reply.practice.club, user=by):
        raise RefusedError("Seuls l'auteur de la réponse et les animateurs du club peuvent faire cela.")


@transaction.atomic
def practice_reply_update(*, reply: PracticeReply, text: str, by) -> PracticeReply:
    """The author of a reply (or an animator) corrects it."""
    reply = PracticeReply.objects.select_for_update().select_related("practice__club").get(pk=reply.pk)
    _check_reply_author_or_animator(reply=reply, by=by)
    reply.text = text.strip()
    reply.full_clean()
    reply.save(update_fields=["text", "updated_at"])
    audit_log(target=reply, verb="practice.reply.update", by=by)
    return reply


@transaction.atomic
def practice_reply_delete(*, reply: PracticeReply, by) -> None:
    """The author of a reply (or an animator) deletes it."""
    reply = PracticeReply.objects.select_for_update().select_related("practice__club").get(pk=reply.pk)
    _check_reply_author_or_animator(reply=reply, by=by)
    audit_log(target=reply.practice, verb="practice.reply.delete", by=by, data={"reply": reply.pk})
    reply.delete()


def _tell_author(practice: Practice, reason: str) -> None:
    """The author learns why their practice left public pages, and that they can correct it."""
    author = practice.author
    if author is None or not author.is_active or author.anonymised_at:
        return
    send_templated_email(
        to=author.email,
        template="club_practice_hidden",
        context={
            "user": author,
            "practice": practice,
            "club": practice.club,
            "reason": reason,
            "edit_url": settings.SITE_URL
            + reverse("clubs:practice_edit", args=[practice.club.slug, practice.pk]),
        },
    )


@transaction.atomic
def practice_photo_delete(*, photo: PracticePhoto, by, reason: str = "") -> None:
    """An animator (or staff) removes one photo of a practice; its files go after commit."""
    practice = photo.practice
    _check_animator(club=practice.club, by=by)
    delete_files_on_commit([photo])
    audit_log(target=practice, verb="practice.photo.delete", by=by, reason=reason, data={"photo": photo.pk})
    photo.delete()
    practice.save(update_fields=["updated_at"])


@transaction.atomic
def practice_report(*, practice: Practice, reporter, reason: str, by) -> PracticeReport:
    """Someone signed-in flags a published practice, once per person (a database constraint:
    not again after a restore either).

    The practice stays public until reports from PACTE_REPORTS_TO_HIDE distinct people are open
    on it; it then leaves public pages and the club's animators are told, once. Restoring it
    resolves the open reports, so the ones already counted can never hide it again. Reports are
    rate-limited per account (pacte.ratelimit).
    """
    if not getattr(reporter, "is_authenticated", False):
        raise RefusedError("Connectez-vous pour signaler une pratique.", code="anonymous")
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    _check_public(practice)
    report, distinct_reporters = file_report(
        post=practice,
        report_model=PracticeReport,
        post_field="practice",
        reporter=reporter,
        reason=reason,
        own=practice.author_id == reporter.pk,
        wording=PRACTICE_WORDING,
        verb="practice.report",
        rate_action="clubs.practice_report",
        by=by,
    )
    if not hide_when_reported(
        post=practice,
        reporters=distinct_reporters,
        threshold=reports_to_hide(),
        to_state=PracticeStatus.REPORTED,
        verb="practice.reported",
    ):
        return report
    _tell_author(
        practice,
        f"{distinct_reporters} personnes l'ont signalée ; les animateurs du club vont la relire.",
    )
    animators = Membership.objects.referents().filter(organisation_id=practice.club.organisation_id)
    emails = list(animators.filter(user__is_active=True).values_list("user__email", flat=True))
    if emails:
        send_templated_email(
            to=emails,
            template="club_practice_reported",
            context={
                "club": practice.club,
                "practice": practice,
                "report": report,
                "report_count": distinct_reporters,
                "manage_url": settings.SITE_URL + reverse("clubs:manage", args=[practice.club.slug]),
            },
        )
    return report


PRACTICE_WORDING = Wording(a="une pratique", this="cette pratique", own="votre propre pratique")


def _moderate(
    *, practice: Practice, to_state: str, by, reason: str, verb: str, allowed_from: set
) -> Practice:
    practice = Practice.objects.select_for_update().select_related("club").get(pk=practice.pk)
    _check_animator(club=practice.club, by=by)
    # Keeping a published practice that has reports (below the threshold) dismisses them.
    keeps_reported = (
        to_state == PracticeStatus.PUBLISHED
        and practice.status == PracticeStatus.PUBLISHED
        and practice.reports.open().exists()
    )
    if practice.status not in allowed_from and not keeps_reported:
        raise RefusedError(
            "Cette pratique est déjà masquée."
            if to_state == PracticeStatus.HIDDEN
            else "Cette pratique est déjà publiée.",
            code="unchanged",
        )
    previous = practice.status
    practice.status = to_state
    practice.status_changed_at = timezone.now()
    practice.save(update_fields=["status", "status_changed_at", "updated_at"])
    resolve_open_reports(practice.reports, by=by, resolution=to_state)
    audit_log(target=practice, verb=verb, by=by, from_state=previous, to_state=to_state, reason=reason)
    if to_state == PracticeStatus.HIDDEN:
        _tell_author(practice, reason or "Les animateurs du club l'ont masquée.")
    return practice


@transaction.atomic
def practice_hide(*, practice: Practice, by, reason: str = "") -> Practice:
    """An animator of the club (or staff) takes a published or reported practice off public pages."""
    return _moderate(
        practice=practice,
        to_state=PracticeStatus.HIDDEN,
        by=by,
        reason=reason,
        verb="practice.hide",
        allowed_from={PracticeStatus.PUBLISHED, PracticeStatus.REPORTED},
    )


@transaction.atomic
def practice_restore(*, practice: Practice, by, reason: str = "") -> Practice:
    """An animator of the club (or staff) puts a reported or hidden practice back on public pages,
    or keeps a published one that has reports; either way its open reports are resolved and never
    count again."""
    return _moderate(
        practice=practice,
        to_state=PracticeStatus.PUBLISHED,
        by=by,
        reason=reason,
        verb="practice.restore",
        allowed_from={PracticeStatus.REPORTED, PracticeStatus.HIDDEN},
    )


# --- Personal data --------------------------------------------------------------------------


def clubs_export(user) -> dict:
    """The person's clubs data, for their download (RGPD art. 15/20)."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "adhesions": [
            {
                "club": r.club.name,
                "arrivee": iso(r.joined_at),
                "depart": iso(r.left_at),
                "recoit_les_emails_du_club": r.receives_mailings,
            }
            for r in ClubMembershipRecord.objects.filter(user=user).select_related("club__organisation")
        ],
        "pratiques": [
            {
                "club": p.club.name,
                "titre": p.title,
                "texte": p.text,
                "statut": p.get_status_display(),
                "le": iso(p.created_at),
                "photos": [settings.SITE_URL + photo.image.url for photo in p.photos.all()],
            }
            for p in Practice.objects.filter(author=user)
            .select_related("club__organisation")
            .prefetch_related("photos")
        ],
        "pratiques_adoptees": [
            a.practice.title for a in PracticeAdoption.objects.filter(user=user).select_related("practice")
        ],
        "reponses_aux_pratiques": [
            {"pratique": r.practice.title, "reponse": r.text, "le": iso(r.created_at)}
            for r in PracticeReply.objects.filter(author=user).select_related("practice")
        ],
        "signalements": [
            {"pratique": r.practice.title, "motif": r.reason, "le": iso(r.created_at)}
            for r in PracticeReport.objects.filter(reporter=user).select_related("practice")
        ],
        "emails_recus": [
            {"objet": r.mailing.subject, "envoye_le": iso(r.sent_at)}
            for r in ClubMailingRecipient.objects.filter(user=user).select_related("mailing")
        ],
    }


def clubs_erase(user) -> None:
    """On account deletion (before the kernel deletes the memberships): stints are closed and
    detached, adoptions and practices stay counted without a name."""
    now = timezone.now()
    ClubMembershipRecord.objects.filter(user=user, left_at__isnull=True).update(left_at=now)
    ClubMembershipRecord.objects.filter(user=user).update(user=None)
    PracticeAdoption.objects.filter(user=user).update(user=None)
    Practice.objects.filter(author=user).update(author=None)
    PracticeReply.objects.filter(author=user).update(author=None)
    PracticeReport.objects.filter(reporter=user).update(reporter=None)
    PracticeReport.objects.filter(resolved_by=user).update(resolved_by=None)
    ClubMailingRecipient.objects.filter(user=user).update(user=None)
    ClubMailing.objects.filter(author=user).update(author=None)
