"""Writes of the exchanges (topics, replies, moderation, notification choices)."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..emails import send_templated_email
from ..models import Membership, User
from ..models.exchanges import ExchangeOptOut, Reply, Topic
from ..permissions import acts_as_staff
from ..ratelimit import rate_limit
from .audit import audit_log
from .errors import RefusedError


def may_take_part(*, user, organisation) -> bool:
    """Who may open a topic or reply: members of the organisation for its topics, any signed-in
    person for network-wide topics (apps narrow it further in their views), and staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if acts_as_staff(user) or organisation is None:
        return True
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def _check_moderator(*, topic: Topic, by) -> None:
    if not Topic.objects.moderatable_by(by).filter(pk=topic.pk).exists():
        raise RefusedError(
            "Seuls les animateurs de cette structure et l'équipe du PACTE peuvent modérer ce sujet.",
            code="not_moderator",
        )


@transaction.atomic
def topic_create(*, network: str, organisation=None, title: str, body: str, author, by) -> Topic:
    """Open a topic in `network` (scoped to `organisation` when given); refused to non-members."""
    if not may_take_part(user=author, organisation=organisation):
        raise RefusedError("Seuls les membres peuvent ouvrir un sujet ici.", code="not_member")
    rate_limit(by=author, action="exchanges.topic")
    topic = Topic(
        network=network,
        organisation=organisation,
        title=title.strip(),
        body=body.strip(),
        author=author,
        last_activity_at=timezone.now(),
    )
    topic.full_clean()
    topic.save()
    audit_log(target=topic, verb="topic.create", by=by)
    return topic


@transaction.atomic
def reply_create(*, topic: Topic, body: str, author, by) -> Reply:
    """Add a reply and e-mail the topic's participants (its author and the people who replied),
    except the reply's author, people who opted out, and people who left the organisation; at
    most one e-mail per topic and person every NOTIFICATION_WINDOW. Rate-limited per account.

    The e-mails leave after commit (send_templated_email); refused on a hidden topic or to a
    non-member.
    """
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.is_hidden:
        raise RefusedError("Ce sujet est masqué : on ne peut plus y répondre.", code="topic_hidden")
    if not may_take_part(user=author, organisation=topic.organisation):
        raise RefusedError("Seuls les membres peuvent répondre ici.", code="not_member")
    rate_limit(by=author, action="exchanges.reply")
    reply = Reply(topic=topic, body=body.strip(), author=author)
    reply.full_clean()
    reply.save()
    topic.last_activity_at = reply.created_at
    topic.save(update_fields=["last_activity_at", "updated_at"])
    audit_log(target=reply, verb="reply.create", by=by, data={"topic": topic.pk})
    _notify_participants(topic=topic, reply=reply)
    return reply


def topic_participants_to_notify(*, topic: Topic, exclude_user=None):
    """People to tell about a new reply on `topic` (a User queryset)."""
    participant_ids = set(topic.replies.visible().exclude(author=None).values_list("author_id", flat=True))
    if topic.author_id:
        participant_ids.add(topic.author_id)
    opted_out = ExchangeOptOut.objects.filter(Q(topic__isnull=True) | Q(topic=topic)).values("user_id")
    people = User.objects.filter(pk__in=participant_ids, is_active=True, anonymised_at__isnull=True).exclude(
        pk__in=opted_out
    )
    if exclude_user is not None:
        people = people.exclude(pk=exclude_user.pk)
    if topic.organisation_id:
        people = people.filter(
            Q(is_staff=True) | Q(memberships__organisation_id=topic.organisation_id)
        ).distinct()
    return people


# At most one e-mail per topic and person in this window: a lively thread sends one notice
# ("new replies"), and the person reads the rest on the page.
NOTIFICATION_WINDOW = 15 * 60


def _claim_notification(*, topic: Topic, person) -> bool:
    """True when `person` has not been told about `topic` in the current window (and now is)."""
    try:
        return cache.add(f"pacte:exchange-notice:{topic.pk}:{person.pk}", 1, NOTIFICATION_WINDOW)
    except Exception:  # noqa: BLE001 — without the cache, tell rather than stay silent
        return True


def _notify_participants(*, topic: Topic, reply: Reply) -> int:
    topic_url = topic.get_absolute_url()
    recipients = [
        person
        for person in topic_participants_to_notify(topic=topic, exclude_user=reply.author)
        if _claim_notification(topic=topic, person=person)
    ]
    for person in recipients:
        send_templated_email(
            to=person.email,
            template="exchange_reply",
            context={
                "user": person,
                "topic": topic,
                "reply": reply,
                "author_name": reply.author.display_name if reply.author_id else "Compte supprimé",
                "topic_url": f"{settings.SITE_URL}{topic_url}" if topic_url else settings.SITE_URL,
            },
        )
    return len(recipients)


def _set_hidden(obj, *, hidden: bool, by, reason: str, verb: str, already: str):
    if obj.is_hidden == hidden:
        raise RefusedError(already, code="unchanged")
    obj.is_hidden = hidden
    obj.hidden_at = timezone.now() if hidden else None
    obj.save(update_fields=["is_hidden", "hidden_at", "updated_at"])
    audit_log(
        target=obj,
        verb=verb,
        by=by,
        from_state="visible" if hidden else "hidden",
        to_state="hidden" if hidden else "visible",
        reason=reason,
    )
    return obj


@transaction.atomic
def topic_hide(*, topic: Topic, by, reason: str = "") -> Topic:
    """Take a topic off public pages; only the scope's référents and staff may."""
    _check_moderator(topic=topic, by=by)
    return _set_hidden(
        topic, hidden=True, by=by, reason=reason, verb="topic.hide", already="Ce sujet est déjà masqué."
    )


@transaction.atomic
def topic_restore(*, topic: Topic, by, reason: str = "") -> Topic:
    _check_moderator(topic=topic, by=by)
    return _set_hidden(
        topic, hidden=False, by=by, reason=reason, verb="topic.restore", already="Ce sujet est déjà visible."
    )


@transaction.atomic
def reply_hide(*, reply: Reply, by, reason: str = "") -> Reply:
    _check_moderator(topic=reply.topic, by=by)
    return _set_hidden(
        reply, hidden=True, by=by, reason=reason, verb="reply.hide", already="Cette réponse est déjà masquée."
    )


@transaction.atomic
def reply_restore(*, reply: Reply, by, reason: str = "") -> Reply:
    _check_moderator(topic=reply.topic, by=by)
    return _set_hidden(
        reply,
        hidden=False,
        by=by,
        reason=reason,
        verb="reply.restore",
        already="Cette réponse est déjà visible.",
    )


@transaction.atomic
def topic_update(*, topic: Topic, title: str, body: str, by, reason: str = "") -> Topic:
    """A moderator corrects a topic's wording (staff in the admin, or the scope's référents)."""
    _check_moderator(topic=topic, by=by)
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    changed = [
        name
        for name, value in (("title", title.strip()), ("body", body.strip()))
        if getattr(topic, name) != value
    ]
    if not changed:
        return topic
    topic.title, topic.body = title.strip(), body.strip()
    topic.full_clean()
    topic.save(update_fields=["title", "body", "updated_at"])
    audit_log(target=topic, verb="topic.edit", by=by, reason=reason, data={"fields": changed})
    return topic


@transaction.atomic
def reply_update(*, reply: Reply, body: str, by, reason: str = "") -> Reply:
    """A moderator corrects a reply's wording."""
    _check_moderator(topic=reply.topic, by=by)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.body == body.strip():
        return reply
    reply.body = body.strip()
    reply.full_clean()
    reply.save(update_fields=["body", "updated_at"])
    audit_log(target=reply, verb="reply.edit", by=by, reason=reason, data={"topic": reply.topic_id})
    return reply


def is_opted_out(*, user, topic: Topic | None = None) -> bool:
    """Whether `user` gets no e-mail about `topic` (or, with topic=None, about any topic)."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = Q(topic__isnull=True) if topic is None else Q(topic__isnull=True) | Q(topic=topic)
    return ExchangeOptOut.objects.filter(scope, user=user).exists()


@transaction.atomic
def exchange_opt_out_toggle(*, user, topic: Topic | None = None, by) -> bool:
    """Switch the person's e-mail notifications off (or back on) for one topic, or for all topics
    when `topic` is None. Returns True when the person is now opted out."""
    existing = ExchangeOptOut.objects.filter(user=user, topic=topic)
    if existing.exists():
        existing.delete()
        opted_out = False
    else:
        ExchangeOptOut.objects.create(user=user, topic=topic)
        opted_out = True
    audit_log(
        target=topic or user,
        verb="exchange.opt_out" if opted_out else "exchange.opt_in",
        by=by,
        data={"scope": "topic" if topic else "all"},
    )
    return opted_out


def exchanges_export(user) -> dict:
    """The person's topics, replies and notification choices, for their data download."""
    return {
        "sujets": [
            {"sujet": t.title, "message": t.body, "le": t.created_at.isoformat(), "masque": t.is_hidden}
            for t in Topic.objects.filter(author=user).order_by("created_at")
        ],
        "reponses": [
            {
                "sujet": r.topic.title,
                "reponse": r.body,
                "le": r.created_at.isoformat(),
                "masquee": r.is_hidden,
            }
            for r in Reply.objects.filter(author=user).select_related("topic").order_by("created_at")
        ],
        "notifications_refusees": [
            o.topic.title if o.topic_id else "tous les sujets"
            for o in ExchangeOptOut.objects.filter(user=user).select_related("topic")
        ],
    }


def exchanges_erase(user) -> None:
    """On account deletion: messages stay (signed "Compte supprimé"), preferences go."""
    ExchangeOptOut.objects.filter(user=user).delete()
    Topic.objects.filter(author=user).update(author=None)
    Reply.objects.filter(author=user).update(author=None)
