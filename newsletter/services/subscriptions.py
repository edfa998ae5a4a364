"""Subscriptions: double opt-in, consent, personal links, preferences and unsubscription."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pacte.emails import send_templated_email
from pacte.enums import PublicCategory
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..enums import SubscriberRole, SubscriberStatus
from ..models import Delivery, Subscriber

CONFIRM_SALT = "newsletter.confirm"
PERSONAL_SALT = "newsletter.personal"
# The confirmation link is good for a week; personal links (preferences, unsubscribe) do not
# expire: they are in every letter, and an old letter must still let one leave.
CONFIRM_MAX_AGE = timedelta(days=7)
# Someone typing another person's address cannot flood it: one confirmation mail per quarter hour.
CONFIRMATION_RESEND_AFTER = timedelta(minutes=15)

CONSENT_TEXT = (
    "J'accepte de recevoir à cette adresse la lettre mensuelle du PACTE destinée aux travailleurs "
    "sociaux, éditée par l'ANBDD et la Métropole Rouen Normandie avec le cofinancement du "
    "Département de la Seine-Maritime. Mes informations (nom, structure, fonction, commune, "
    "thèmes) servent uniquement à cet envoi et aux statistiques anonymes du programme. Je peux me "
    "désabonner à tout moment par le lien présent dans chaque lettre."
)


# --- Personal links ---------------------------------------------------------------------------


def _sign(subscriber: Subscriber, salt: str) -> str:
    return signing.dumps({"s": subscriber.pk, "k": subscriber.key.hex}, salt=salt, compress=True)


def _read(token: str, salt: str, max_age=None) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        pk, key = int(data["s"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    subscriber = Subscriber.objects.filter(pk=pk).first()
    # The key ties the link to this subscription: an erased and re-created address gets new links.
    if subscriber is None or subscriber.key.hex != key:
        return None
    return subscriber


def confirm_token(subscriber: Subscriber) -> str:
    return _sign(subscriber, CONFIRM_SALT)


def read_confirm_token(token: str) -> Subscriber | None:
    return _read(token, CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def personal_token(subscriber: Subscriber) -> str:
    return _sign(subscriber, PERSONAL_SALT)


def read_personal_token(token: str) -> Subscriber | None:
    return _read(token, PERSONAL_SALT)


def personal_urls(subscriber: Subscriber) -> dict:
    token = personal_token(subscriber)
    return {
        "preferences_url": settings.SITE_URL + reverse("newsletter:preferences", args=[token]),
        "unsubscribe_url": settings.SITE_URL + reverse("newsletter:unsubscribe", args=[token]),
    }


# --- Subscribing ------------------------------------------------------------------------------


def _check_role(role: str) -> None:
    if role not in SubscriberRole.values:
        raise RefusedError({"role": "Choisissez une fonction dans la liste."})


def _send_confirmation(subscriber: Subscriber, now) -> None:
    if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < CONFIRMATION_RESEND_AFTER:
        return
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["confirmation_sent_at", "updated_at"])
    confirm_url = settings.SITE_URL + reverse("newsletter:confirm", args=[confirm_token(subscriber)])
    send_templated_email(
        to=subscriber.email,
        template="newsletter_confirm",
        context={"subscriber": subscriber, "confirm_url": confirm_url},
    )


@transaction.atomic
def subscriber_subscribe(
    *, email: str, name: str = "", structure: str = "", role: str, commune=None, themes=(), by=None
) -> Subscriber:
    """Record a subscription request and e-mail its confirmation link (double opt-in).

    Nothing but the confirmation link is ever sent to the address before it is confirmed. An
    address already subscribed gets an e-mail with its preference link instead, and its
    information is left untouched, so that the form reveals nothing about who subscribed and
    nobody can change another person's subscription. The consent (text and date) is recorded
    with the request and kept with the subscription.
    """
    _check_role(role)
    email = (email or "").strip().lower()
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is not None and subscriber.status == SubscriberStatus.ACTIVE:
        if not (
            subscriber.confirmation_sent_at
            and now - subscriber.confirmation_sent_at < CONFIRMATION_RESEND_AFTER
        ):
            subscriber.confirmation_sent_at = now
            subscriber.save(update_fields=["confirmation_sent_at", "updated_at"])
            send_templated_email(
                to=subscriber.email,
                template="newsletter_already",
                context={"subscriber": subscriber, **personal_urls(subscriber)},
            )
        return subscriber
    previous = subscriber.status if subscriber else ""
    subscriber = subscriber or Subscriber(email=email)
    subscriber.name = name.strip()
    subscriber.structure = structure.strip()
    subscriber.role = role
    subscriber.commune = commune
    subscriber.status = SubscriberStatus.PENDING
    subscriber.consent_text = CONSENT_TEXT
    subscriber.consent_at = now
    subscriber.full_clean()
    subscriber.save()
    subscriber.themes.set(themes)
    audit_log(
        target=subscriber,
        verb="newsletter.subscriber.request",
        by=by,
        from_state=previous,
        to_state=subscriber.status,
    )
    _send_confirmation(subscriber, now)
    return subscriber


def _role_for(user) -> str:
    # The account's public category says who the person is; "acteur social" is the letter's public.
    return (
        SubscriberRole.SOCIAL_WORKER
        if getattr(user, "category", "") == PublicCategory.SOCIAL
        else SubscriberRole.OTHER
    )


@transaction.atomic
def subscriber_subscribe_account(*, user, by) -> Subscriber:
    """One-click subscription of a signed-in person with their account's address.

    The address was verified by the portal's sign-up, so the subscription is active at once; the
    consent is recorded as for the form. Idempotent for an active subscription.
    """
    if not getattr(user, "is_authenticated", False):
        raise RefusedError("Connectez-vous pour vous abonner en un clic.")
    rate_limit(by=by, action="newsletter.subscribe", limit="10/h")
    email = user.email.strip().lower()
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    previous = subscriber.status if subscriber else ""
    if subscriber is not None and subscriber.status == SubscriberStatus.ACTIVE:
        if subscriber.user_id is None:
            subscriber.user = user
            subscriber.save(update_fields=["user", "updated_at"])
        return subscriber
    if subscriber is None:
        subscriber = Subscriber(
            email=email, name=user.display_name, role=_role_for(user), commune=user.home_commune
        )
    subscriber.user = user
    subscriber.status = SubscriberStatus.ACTIVE
    subscriber.consent_text = CONSENT_TEXT
    subscriber.consent_at = now
    subscriber.confirmed_at = now
    subscriber.unsubscribed_at = None
    subscriber.deactivated_at = None
    subscriber.deactivation_reason = ""
    subscriber.failure_count = 0
    subscriber.full_clean()
    subscriber.save()
    audit_log(
        target=subscriber,
        verb="newsletter.subscriber.subscribe_account",
        by=by,
        from_state=previous,
        to_state=subscriber.status,
    )
    return subscriber


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber, by=None) -> Subscriber:
    """The address holder clicked the link: the subscription becomes active. Idempotent."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == SubscriberStatus.ACTIVE:
        return subscriber
    if subscriber.status != SubscriberStatus.PENDING:
        raise RefusedError("Cette demande d'abonnement n'est plus en attente : abonnez-vous de nouveau.")
    previous = subscriber.status
    subscriber.status = SubscriberStatus.ACTIVE
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.deactivated_at = None
    subscriber.deactivation_reason = ""
    subscriber.failure_count = 0
    subscriber.save()
    audit_log(
        target=subscriber,
        verb="newsletter.subscriber.confirm",
        by=by,
        from_state=previous,
        to_state=subscriber.status,
    )
    return subscriber


@transaction.atomic
def subscriber_update_preferences(
    *,
    subscriber: Subscriber,
    name: str,
    structure: str,
    role: str,
    commune=None,
    themes=(),
    resubscribe=False,
    by=None,
) -> Subscriber:
    """The subscriber's own changes through their personal link. `resubscribe` brings back an
    address that left (it was confirmed before; the consent is recorded again)."""
    _check_role(role)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    previous = subscriber.status
    subscriber.name = name.strip()
    subscriber.structure = structure.strip()
    subscriber.role = role
    subscriber.commune = commune
    if resubscribe and subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        now = timezone.now()
        subscriber.status = SubscriberStatus.ACTIVE
        subscriber.unsubscribed_at = None
        subscriber.consent_text = CONSENT_TEXT
        subscriber.consent_at = now
    subscriber.full_clean()
    subscriber.save()
    subscriber.themes.set(themes)
    audit_log(
        target=subscriber,
        verb="newsletter.subscriber.preferences",
        by=by,
        from_state=previous,
        to_state=subscriber.status,
    )
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber, by=None, reason: str = "") -> Subscriber:
    """Stop every sending to the address, including an issue being sent (its delivery is skipped
    when its turn comes). Idempotent: a second click changes nothing."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return subscriber
    previous = subscriber.status
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save(update_fields=["status", "unsubscribed_at", "updated_at"])
    audit_log(
        target=subscriber,
        verb="newsletter.subscriber.unsubscribe",
        by=by,
        from_state=previous,
        to_state=subscriber.status,
        reason=reason,
    )
    return subscriber


@transaction.atomic
def subscriber_deactivate(*, subscriber: Subscriber, reason: str, by=None) -> Subscriber:
    """Stop sending to an address that does not work (hard bounce, repeated failures), or on the
    editors' decision; the reason is kept and shown in the admin."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status == SubscriberStatus.DEACTIVATED:
        return subscriber
    previous = subscriber.status
    subscriber.status = SubscriberStatus.DEACTIVATED
    subscriber.deactivated_at = timezone.now()
    subscriber.deactivation_reason = reason[:300]
    subscriber.save(update_fields=["status", "deactivated_at", "deactivation_reason", "updated_at"])
    audit_log(
        target=subscriber,
        verb="newsletter.subscriber.deactivate",
        by=by,
        from_state=previous,
        to_state=subscriber.status,
        reason=reason,
    )
    return subscriber


# --- Personal data ----------------------------------------------------------------------------


def _subscriptions_of(user):
    from django.db.models import Q

    return Subscriber.objects.filter(Q(user=user) | Q(email=user.email.strip().lower()))


def subscribers_export(user) -> dict:
    """The person's subscription (by account or by the account's address) and what was sent."""

    def iso(value):
        return value.isoformat() if value else None

    subscriptions = list(_subscriptions_of(user).select_related("commune").prefetch_related("themes"))
    deliveries = Delivery.objects.filter(subscriber__in=subscriptions).select_related("issue").order_by("pk")
    return {
        "abonnements": [
            {
                "email": s.email,
                "nom": s.name,
                "structure": s.structure,
                "fonction": s.get_role_display(),
                "commune": s.commune.name if s.commune_id else None,
                "themes": [t.name for t in s.themes.all()],
                "statut": s.get_status_display(),
                "consentement": {"texte": s.consent_text, "le": iso(s.consent_at)},
                "confirme_le": iso(s.confirmed_at),
                "desabonne_le": iso(s.unsubscribed_at),
                "desactive_le": iso(s.deactivated_at),
                "motif_de_desactivation": s.deactivation_reason,
            }
            for s in subscriptions
        ],
        "envois": [
            {"numero": d.issue.number, "statut": d.get_status_display(), "envoye_le": iso(d.sent_at)}
            for d in deliveries
        ],
    }


def subscribers_erase(user) -> None:
    """On account deletion: the subscription is deleted; its deliveries stay counted, detached."""
    subscriptions = _subscriptions_of(user)
    Delivery.objects.filter(subscriber__in=subscriptions).update(subscriber=None)
    subscriptions.delete()
