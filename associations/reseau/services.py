"""Every write of the relais network space (docs/conventions.md): the showcase of actions
(posted by a labelled association's referent, published or refused by DACTE staff, reported by
signed-in people) and the network's topics, replies through the kernel exchanges.

Photos and reports go through the kernel's moderated-post services (pacte/services/moderation.py),
the same as clubs' practices."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pacte.cache import invalidate
from pacte.emails import send_templated_email
from pacte.images import ProcessedImage
from pacte.models import ExchangeNetwork, Membership
from pacte.permissions import acts_as_staff
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError
from pacte.services.exchanges import reply_create, topic_create
from pacte.services.moderation import (
    Wording,
    default_reports_to_hide,
    delete_files_on_commit,
    file_report,
    hide_when_reported,
    resolve_open_reports,
    store_photos,
)

from .access import in_network, referent_organisations
from .models import MAX_PHOTOS, ShowcaseAction, ShowcasePhoto, ShowcaseReport, ShowcaseStatus

AREA = "associations"
# Per-account limits (pacte.ratelimit): generous for an association's referent, tight for a script.
POST_LIMIT = "10/h"
EDIT_LIMIT = "30/h"
UPLOAD_LIMIT = "60/h"

ACTION_FIELDS = ("title", "text", "themes", "commune", "public_category", "headcount", "event")
WORDING = Wording(a="une action", this="cette action", own="une action de votre association")

NOT_REFERENT = "Seuls les référents d'une association labellisée Relais COP21 peuvent partager une action."
NOT_NETWORK = (
    "Les échanges du réseau sont réservés aux associations labellisées Relais COP21 et à l'équipe du PACTE."
)


# --- Permissions ----------------------------------------------------------------------------------


def check_staff(by) -> None:
    if not acts_as_staff(by):
        raise RefusedError("Seule l'équipe de la DACTE relit la vitrine.", code="not_staff")


def _check_association_referent(*, action: ShowcaseAction, by) -> None:
    if not ShowcaseAction.objects.editable_by(by).filter(pk=action.pk).exists():
        raise RefusedError(
            "Seuls les référents de l'association qui l'a partagée peuvent faire cela.", code="not_referent"
        )


def _split(values: dict):
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown showcase fields: {sorted(unknown)}")
    values = dict(values)
    themes = values.pop("themes", None)
    for name in ("title", "text"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values, themes


# --- The showcase ---------------------------------------------------------------------------------


@transaction.atomic
def showcase_create(
    *, organisation, author, photos: list[ProcessedImage] = (), by, **values
) -> ShowcaseAction:
    """A referent of a labelled association posts one of its actions, with up to six photos
    already cleaned by process_image; it waits for staff's review before going public."""
    if not referent_organisations(author).filter(pk=organisation.pk).exists():
        raise RefusedError(NOT_REFERENT, code="not_referent")
    if len(photos) > MAX_PHOTOS:
        raise RefusedError(f"{MAX_PHOTOS} photos au plus par action.", code="too_many_photos")
    rate_limit(by=author, action="reseau.showcase", limit=POST_LIMIT)
    rate_limit(by=author, action="reseau.upload", cost=len(photos), limit=UPLOAD_LIMIT)
    fields, themes = _split(values)
    action = ShowcaseAction(organisation=organisation, author=author, status=ShowcaseStatus.PENDING, **fields)
    action.full_clean()
    action.save()
    action.themes.set(themes or [])
    store_photos(photo_model=ShowcasePhoto, post_field="action", post=action, photos=list(photos))
    audit_log(
        target=action,
        verb="showcase.create",
        by=by,
        to_state=ShowcaseStatus.PENDING,
        data={"organisation": organisation.pk, "photos": len(photos)},
    )
    invalidate(AREA)
    return action


@transaction.atomic
def showcase_update(
    *, action: ShowcaseAction, by, photos: list[ProcessedImage] = (), remove_photos=(), **values
) -> ShowcaseAction:
    """The association's referents correct their post. A published, reported or refused post goes
    back to review: what the public reads is always what staff read. A withdrawn one stays so."""
    action = ShowcaseAction.objects.select_for_update().get(pk=action.pk)
    _check_association_referent(action=action, by=by)
    if action.status == ShowcaseStatus.WITHDRAWN:
        raise RefusedError(
            "Cette action est retirée de la vitrine : elle ne se modifie plus.", code="withdrawn"
        )
    rate_limit(by=by, action="reseau.showcase_edit", limit=EDIT_LIMIT)
    rate_limit(by=by, action="reseau.upload", cost=len(photos), limit=UPLOAD_LIMIT)
    fields, themes = _split(values)
    before = action.status
    for name, value in fields.items():
        setattr(action, name, value)
    action.status = ShowcaseStatus.PENDING
    action.status_changed_at = timezone.now()
    action.full_clean()
    action.save()
    if themes is not None:
        action.themes.set(themes)
    removed = list(action.photos.filter(pk__in=[p.pk for p in remove_photos]))
    if action.photos.count() - len(removed) + len(photos) > MAX_PHOTOS:
        raise RefusedError(f"{MAX_PHOTOS} photos au plus par action.", code="too_many_photos")
    delete_files_on_commit(removed)
    action.photos.filter(pk__in=[p.pk for p in removed]).delete()
    last = action.photos.order_by("-position").values_list("position", flat=True).first()
    store_photos(
        photo_model=ShowcasePhoto,
        post_field="action",
        post=action,
        photos=list(photos),
        start=0 if last is None else last + 1,
    )
    audit_log(
        target=action,
        verb="showcase.update",
        by=by,
        from_state=before,
        to_state=action.status,
        data={"fields": sorted(values), "photos_added": len(photos), "photos_removed": len(removed)},
    )
    invalidate(AREA)
    return action


def _notify_author(action: ShowcaseAction, template: str, **context) -> None:
    author = action.author
    if author is None or not author.is_active or author.anonymised_at:
        return
    send_templated_email(
        to=author.email,
        template=template,
        context={
            "user": author,
            "action": action,
            "action_url": settings.SITE_URL + action.get_absolute_url(),
            "edit_url": settings.SITE_URL + reverse("associations:showcase_edit", args=[action.pk]),
            **context,
        },
    )


def _locked(action: ShowcaseAction) -> ShowcaseAction:
    return (
        ShowcaseAction.objects.select_for_update(of=("self",))
        .select_related("author", "organisation")
        .get(pk=action.pk)
    )


@transaction.atomic
def showcase_publish(*, action: ShowcaseAction, by) -> ShowcaseAction:
    """Staff publish a post after reading it (or put a reported one back); its open reports are
    resolved and never count again; the author is told by e-mail after commit."""
    check_staff(by)
    action = _locked(action)
    if action.status == ShowcaseStatus.WITHDRAWN:
        raise RefusedError("L'association a retiré cette action de la vitrine.", code="withdrawn")
    # Keeping a published post that has reports (below the threshold) dismisses them.
    if action.status == ShowcaseStatus.PUBLISHED and not action.reports.open().exists():
        raise RefusedError("Cette action est déjà publiée.", code="unchanged")
    before = action.status
    now = timezone.now()
    action.status = ShowcaseStatus.PUBLISHED
    action.status_changed_at = now
    action.refusal_reason = ""
    action.published_at = action.published_at or now
    action.save(update_fields=["status", "status_changed_at", "refusal_reason", "published_at", "updated_at"])
    resolve_open_reports(action.reports, by=by, resolution=ShowcaseStatus.PUBLISHED)
    audit_log(target=action, verb="showcase.publish", by=by, from_state=before, to_state=action.status)
    if before != ShowcaseStatus.PUBLISHED:
        _notify_author(action, "reseau_showcase_published")
    invalidate(AREA)
    return action


@transaction.atomic
def showcase_refuse(*, action: ShowcaseAction, reason: str, by) -> ShowcaseAction:
    """Staff refuse (or take down) a post, always with a reason the association reads in its
    e-mail and on the post's page."""
    check_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise RefusedError("Donnez le motif du refus : l'association le lira.", code="reason_required")
    action = _locked(action)
    if action.status == ShowcaseStatus.WITHDRAWN:
        raise RefusedError("L'association a retiré cette action de la vitrine.", code="withdrawn")
    if action.status == ShowcaseStatus.REFUSED:
        raise RefusedError("Cette action est déjà refusée.", code="unchanged")
    before = action.status
    action.status = ShowcaseStatus.REFUSED
    action.status_changed_at = timezone.now()
    action.refusal_reason = reason
    action.save(update_fields=["status", "status_changed_at", "refusal_reason", "updated_at"])
    resolve_open_reports(action.reports, by=by, resolution=ShowcaseStatus.REFUSED)
    audit_log(
        target=action, verb="showcase.refuse", by=by, from_state=before, to_state=action.status, reason=reason
    )
    _notify_author(action, "reseau_showcase_refused")
    invalidate(AREA)
    return action


@transaction.atomic
def showcase_withdraw(*, action: ShowcaseAction, by) -> ShowcaseAction:
    """The association's referents take their post off the showcase for good (it stays in their
    list and in the journal)."""
    action = ShowcaseAction.objects.select_for_update().get(pk=action.pk)
    _check_association_referent(action=action, by=by)
    if action.status == ShowcaseStatus.WITHDRAWN:
        raise RefusedError("Cette action est déjà retirée de la vitrine.", code="unchanged")
    before = action.status
    action.status = ShowcaseStatus.WITHDRAWN
    action.status_changed_at = timezone.now()
    action.save(update_fields=["status", "status_changed_at", "updated_at"])
    resolve_open_reports(action.reports, by=by, resolution=ShowcaseStatus.WITHDRAWN)
    audit_log(target=action, verb="showcase.withdraw", by=by, from_state=before, to_state=action.status)
    invalidate(AREA)
    return action


@transaction.atomic
def showcase_report(*, action: ShowcaseAction, reporter, reason: str, by) -> ShowcaseReport:
    """Someone signed in flags a published post, once per person for good. Reports from
    PACTE_REPORTS_TO_HIDE distinct people (3, as for clubs' practices) take it off the showcase
    until staff publish or refuse it; the author is told, once. Rate-limited per account."""
    if not getattr(reporter, "is_authenticated", False):
        raise RefusedError("Connectez-vous pour signaler une action.", code="anonymous")
    action = ShowcaseAction.objects.select_for_update().get(pk=action.pk)
    if action.status != ShowcaseStatus.PUBLISHED:
        raise RefusedError("Cette action n'est pas publiée pour le moment.", code="not_published")
    own = Membership.objects.filter(organisation_id=action.organisation_id, user=reporter).exists()
    report, reporters = file_report(
        post=action,
        report_model=ShowcaseReport,
        post_field="action",
        reporter=reporter,
        reason=reason,
        own=own,
        wording=WORDING,
        verb="showcase.report",
        rate_action="reseau.showcase_report",
        by=by,
    )
    if hide_when_reported(
        post=action,
        reporters=reporters,
        threshold=default_reports_to_hide(),
        to_state=ShowcaseStatus.REPORTED,
        verb="showcase.reported",
    ):
        _notify_author(
            ShowcaseAction.objects.select_related("author").get(pk=action.pk),
            "reseau_showcase_reported",
            report_count=reporters,
        )
        invalidate(AREA)
    return report


# --- The network's exchanges (kernel topics, network "relais") ------------------------------------


def _check_network(user) -> None:
    if not in_network(user):
        raise RefusedError(NOT_NETWORK, code="not_network_member")


@transaction.atomic
def relais_topic_create(*, title: str, body: str, author, by):
    """A member of a labelled association (or staff) opens a topic to the whole network."""
    _check_network(author)
    return topic_create(
        network=ExchangeNetwork.RELAIS, organisation=None, title=title, body=body, author=author, by=by
    )


@transaction.atomic
def relais_reply_create(*, topic, body: str, author, by):
    """A member of the network replies; the kernel e-mails the topic's participants after commit."""
    _check_network(author)
    if topic.network != ExchangeNetwork.RELAIS or topic.organisation_id is not None:
        raise RefusedError("Ce sujet n'appartient pas au réseau des relais.", code="wrong_network")
    return reply_create(topic=topic, body=body, author=author, by=by)


# --- Personal data --------------------------------------------------------------------------------


def reseau_export(user) -> dict:
    """What the person posted to the showcase and reported, for their download (RGPD art. 15/20)."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "actions_de_la_vitrine": [
            {
                "association": a.organisation.name,
                "titre": a.title,
                "texte": a.text,
                "commune": a.commune.name,
                "statut": a.get_status_display(),
                "le": iso(a.created_at),
                "photos": [settings.SITE_URL + photo.image.url for photo in a.photos.all()],
            }
            for a in ShowcaseAction.objects.filter(author=user)
            .select_related("organisation", "commune")
            .prefetch_related("photos")
        ],
        "signalements_de_la_vitrine": [
            {"action": r.action.title, "motif": r.reason, "le": iso(r.created_at)}
            for r in ShowcaseReport.objects.filter(reporter=user).select_related("action")
        ],
    }


def reseau_erase(user) -> None:
    """The person's name leaves what they posted and reported: the posts are their association's
    and stay, without an author; their reports stay counted, without a reporter."""
    ShowcaseAction.objects.filter(author=user).update(author=None)
    ShowcaseReport.objects.filter(reporter=user).update(reporter=None)
    ShowcaseReport.objects.filter(resolved_by=user).update(resolved_by=None)
