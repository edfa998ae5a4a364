"""Actions of the communes: posted and edited by the commune's référents, moderated by staff."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pacte.cache import invalidate
from pacte.documents import sniff_document
from pacte.emails import send_templated_email
from pacte.images import ProcessedImage
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..enums import ModerationStatus
from ..models import ActionDocument, ActionPhoto, CommuneAction
from ..models.actions import MAX_DOCUMENTS, MAX_PHOTOS
from .common import AREA, check_acts_for, check_staff, organisation_for

# Per-account limits (pacte.ratelimit): generous for a commune's référent, tight for a script.
ACTION_LIMIT = "10/h"
EDIT_LIMIT = "30/h"
UPLOAD_LIMIT = "60/h"

ACTION_FIELDS = (
    "title",
    "theme",
    "description",
    "stage",
    "starts_on",
    "ends_on",
    "budget",
    "partners",
    "public_reached",
    "results",
    "is_experiment",
)


def _add_photos(action: CommuneAction, photos: list[ProcessedImage]) -> None:
    existing = action.photos.count()
    if existing + len(photos) > MAX_PHOTOS:
        raise RefusedError(f"{MAX_PHOTOS} photos au plus par action.", code="too_many_photos")
    for offset, processed in enumerate(photos):
        photo = ActionPhoto(action=action, position=existing + offset)
        photo.image.save(processed.image.name, processed.image, save=False)
        photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
        photo.save()


def _add_documents(action: CommuneAction, documents) -> None:
    """`documents`: (title, uploaded file) pairs; each file is checked by its content."""
    if action.documents.count() + len(documents) > MAX_DOCUMENTS:
        raise RefusedError(f"{MAX_DOCUMENTS} documents au plus par action.", code="too_many_documents")
    for title, uploaded in documents:
        content_type = sniff_document(uploaded)
        document = ActionDocument(
            action=action, title=(title or uploaded.name)[:200], content_type=content_type
        )
        document.file.save(uploaded.name, uploaded, save=False)
        document.full_clean()
        document.save()


@transaction.atomic
def action_create(*, commune, author, photos=(), documents=(), by, **values) -> CommuneAction:
    """A référent of the commune posts an action; it waits for staff's review before going public."""
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown action fields: {sorted(unknown)}")
    check_acts_for(user=author, commune=commune)
    rate_limit(by=author, action="communes.action", limit=ACTION_LIMIT)
    rate_limit(by=author, action="communes.upload", cost=len(photos) + len(documents), limit=UPLOAD_LIMIT)
    action = CommuneAction(
        commune=commune,
        organisation=organisation_for(user=author, commune=commune),
        author=author,
        status=ModerationStatus.PENDING,
        **values,
    )
    action.full_clean()
    action.save()
    _add_photos(action, list(photos))
    _add_documents(action, list(documents))
    audit_log(
        target=action,
        verb="commune_action.create",
        by=by,
        to_state=ModerationStatus.PENDING,
        data={"commune": commune.pk, "photos": len(photos), "documents": len(documents)},
    )
    invalidate(AREA)
    return action


@transaction.atomic
def action_update(
    *, action: CommuneAction, by, photos=(), documents=(), remove_photos=(), remove_documents=(), **values
) -> CommuneAction:
    """The commune's référents edit their action. A published or refused action goes back to
    review: what the public reads is always what staff read."""
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown action fields: {sorted(unknown)}")
    action = CommuneAction.objects.select_for_update().get(pk=action.pk)
    check_acts_for(user=by, commune=action.commune)
    rate_limit(by=by, action="communes.action_edit", limit=EDIT_LIMIT)
    rate_limit(by=by, action="communes.upload", cost=len(photos) + len(documents), limit=UPLOAD_LIMIT)
    before = action.status
    for name, value in values.items():
        setattr(action, name, value)
    action.status = ModerationStatus.PENDING
    action.full_clean()
    action.save()
    removed_photos = action.photos.filter(pk__in=[p.pk for p in remove_photos])
    removed_documents = action.documents.filter(pk__in=[d.pk for d in remove_documents])
    photo_count, document_count = removed_photos.count(), removed_documents.count()
    for photo in removed_photos:
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
        photo.delete()
    for document in removed_documents:
        document.file.delete(save=False)
        document.delete()
    _add_photos(action, list(photos))
    _add_documents(action, list(documents))
    audit_log(
        target=action,
        verb="commune_action.update",
        by=by,
        from_state=before,
        to_state=action.status,
        data={
            "fields": sorted(values),
            "photos_added": len(photos),
            "photos_removed": photo_count,
            "documents_added": len(documents),
            "documents_removed": document_count,
        },
    )
    invalidate(AREA)
    return action


def _notify_author(action: CommuneAction, template: str) -> None:
    if action.author_id and action.author.is_active and not action.author.anonymised_at:
        send_templated_email(
            to=action.author.email,
            template=template,
            context={
                "user": action.author,
                "action": action,
                "action_url": settings.SITE_URL + action.get_absolute_url(),
            },
        )


@transaction.atomic
def action_publish(*, action: CommuneAction, by) -> CommuneAction:
    """Staff publish an action after review; its author is told by e-mail."""
    check_staff(by)
    action = CommuneAction.objects.select_for_update(of=("self",)).select_related("author").get(pk=action.pk)
    if action.status == ModerationStatus.PUBLISHED:
        raise RefusedError("Cette action est déjà publiée.", code="unchanged")
    before = action.status
    now = timezone.now()
    action.status = ModerationStatus.PUBLISHED
    action.refusal_reason = ""
    action.moderated_at = now
    action.published_at = action.published_at or now
    action.save(update_fields=["status", "refusal_reason", "moderated_at", "published_at", "updated_at"])
    audit_log(target=action, verb="commune_action.publish", by=by, from_state=before, to_state=action.status)
    _notify_author(action, "communes_action_published")
    invalidate(AREA)
    return action


@transaction.atomic
def action_refuse(*, action: CommuneAction, reason: str, by) -> CommuneAction:
    """Staff refuse (or take down) an action, always with a reason its commune can read."""
    check_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise RefusedError("Donnez le motif du refus : la commune le lira.", code="reason_required")
    action = CommuneAction.objects.select_for_update(of=("self",)).select_related("author").get(pk=action.pk)
    if action.status == ModerationStatus.REFUSED:
        raise RefusedError("Cette action est déjà refusée.", code="unchanged")
    before = action.status
    action.status = ModerationStatus.REFUSED
    action.refusal_reason = reason
    action.moderated_at = timezone.now()
    action.save(update_fields=["status", "refusal_reason", "moderated_at", "updated_at"])
    audit_log(
        target=action,
        verb="commune_action.refuse",
        by=by,
        from_state=before,
        to_state=action.status,
        reason=reason,
    )
    _notify_author(action, "communes_action_refused")
    invalidate(AREA)
    return action


@transaction.atomic
def action_delete(*, action: CommuneAction, by) -> None:
    """Staff delete an action (the admin); its files go with it."""
    check_staff(by)
    audit_log(target=action, verb="commune_action.delete", by=by, data={"commune": action.commune_id})
    for photo in action.photos.all():
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
    for document in action.documents.all():
        document.file.delete(save=False)
    action.delete()
    invalidate(AREA)
