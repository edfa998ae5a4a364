"""The network's exchanges (kernel topics, network communes) and meetings (kernel events)."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from pacte.cache import invalidate
from pacte.enums import Action
from pacte.models import Event, ExchangeNetwork
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError
from pacte.services.exchanges import reply_create, topic_create

from ..models.access import communes_of, is_network_member
from .common import AREA, organisation_for

NOT_MEMBER = "Les échanges du réseau sont réservés aux référents des communes et à l'équipe du PACTE."


def may_join_exchanges(user) -> bool:
    from pacte.permissions import acts_as_staff

    return acts_as_staff(user) or is_network_member(user)


def _check_network(user) -> None:
    if not may_join_exchanges(user):
        raise RefusedError(NOT_MEMBER, code="not_network_member")


@transaction.atomic
def network_topic_create(*, title: str, body: str, author, by):
    _check_network(author)
    topic = topic_create(
        network=ExchangeNetwork.COMMUNES, organisation=None, title=title, body=body, author=author, by=by
    )
    invalidate(AREA)
    return topic


@transaction.atomic
def network_reply_create(*, topic, body: str, author, by):
    _check_network(author)
    if topic.network != ExchangeNetwork.COMMUNES:
        raise RefusedError("Ce sujet n'appartient pas au réseau des communes.", code="wrong_network")
    reply = reply_create(topic=topic, body=body, author=author, by=by)
    invalidate(AREA)
    return reply


def _unique_event_slug(base: str) -> str:
    base = (slugify(base) or "rencontre")[:200]
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def network_meeting_create(
    *,
    commune,
    title: str,
    starts_at,
    ends_at,
    place: str = "",
    address: str = "",
    summary: str = "",
    description: str = "",
    themes=(),
    capacity: int | None = None,
    by,
) -> Event:
    """A commune's référent invites the network to a meeting: a kernel event of the agenda,
    action "communes", organised by the commune's organisation, in that commune."""
    if not communes_of(by).filter(pk=commune.pk).exists():
        raise RefusedError(
            "Seuls les référents de la commune peuvent inviter le réseau.", code="not_commune_referent"
        )
    rate_limit(by=by, action="communes.meeting", limit="5/h")
    if ends_at <= starts_at:
        raise RefusedError("La fin de la rencontre doit être après son début.", code="dates")
    if starts_at <= timezone.now():
        raise RefusedError("La rencontre doit avoir lieu dans le futur.", code="dates")
    event = Event(
        title=title,
        slug=_unique_event_slug(f"{title} {timezone.localtime(starts_at):%Y-%m-%d}"),
        action=Action.COMMUNES,
        organiser=organisation_for(user=by, commune=commune),
        commune=commune,
        place=place,
        address=address,
        summary=summary,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        registration_required=capacity is not None,
        is_published=True,
    )
    event.full_clean()
    event.save()
    event.themes.set(themes)
    audit_log(target=event, verb="event.create", by=by, to_state="published", data={"commune": commune.pk})
    invalidate(AREA, "agenda")
    return event
