"""Writes shared by the apps' moderated posts (clubs' practices, the relais network's showcase):
storing their photos, a report per person that takes the post off public pages once enough
distinct people reported it, and resolving the open reports when a moderator decides.

The callers lock the post, check its state and send their own e-mails; these functions run
inside the caller's transaction. Models: `pacte/models/moderation.py`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..images import ProcessedImage
from ..models.moderation import REPORTS_TO_HIDE_MAX
from ..ratelimit import rate_limit
from .audit import audit_log
from .errors import RefusedError


def default_reports_to_hide() -> int:
    """How many distinct reporters take a post off public pages: PACTE_REPORTS_TO_HIDE (3),
    kept between 1 and REPORTS_TO_HIDE_MAX."""
    return min(REPORTS_TO_HIDE_MAX, max(1, int(settings.PACTE_REPORTS_TO_HIDE)))


@dataclass(frozen=True)
class Wording:
    """How the refusals name the post, e.g. ("une pratique", "cette pratique", "votre propre pratique")."""

    a: str
    this: str
    own: str


def store_photos(*, photo_model, post_field: str, post, photos: list[ProcessedImage], start: int = 0):
    """Save already cleaned photos (pacte.images.process_image) for `post`, numbered from `start`."""
    return [
        photo_model.objects.create(
            **{post_field: post},
            image=processed.image,
            thumbnail=processed.thumbnail,
            position=start + offset,
        )
        for offset, processed in enumerate(photos)
    ]


def delete_files_on_commit(photos) -> None:
    """The photos' files leave storage once the transaction that deleted their rows commits."""
    files = [pair for photo in photos for pair in photo.stored_files()]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def open_reporters(reports) -> int:
    """Distinct people whose reports on a post are still open (deleted accounts do not count)."""
    return reports.open().exclude(reporter=None).values("reporter").distinct().count()


def file_report(
    *,
    post,
    report_model,
    post_field: str,
    reporter,
    reason: str,
    own: bool,
    wording: Wording,
    verb,
    rate_action,
    by,
):
    """Record one report of `post` by `reporter`, once per person for good (the subclass's unique
    constraint also holds under two requests at once), rate-limited per account and audited.
    Returns (report, number of distinct people with an open report)."""
    if not getattr(reporter, "is_authenticated", False):
        raise RefusedError(f"Connectez-vous pour signaler {wording.a}.", code="anonymous")
    if own:
        raise RefusedError(f"Vous ne pouvez pas signaler {wording.own}.", code="own_post")
    reports = report_model.objects.filter(**{post_field: post})
    already = RefusedError(f"Vous avez déjà signalé {wording.this}.", code="already_reported")
    if reports.filter(reporter=reporter).exists():
        raise already
    rate_limit(by=reporter, action=rate_action)
    report = report_model(**{post_field: post}, reporter=reporter, reason=reason.strip())
    report.full_clean(validate_constraints=False)  # the constraint is checked by the database
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same person, twice at once
        raise already from None
    audit_log(target=post, verb=verb, by=by, reason=report.reason)
    return report, open_reporters(reports)


def hide_when_reported(*, post, reporters: int, threshold: int, to_state: str, verb: str) -> bool:
    """Take `post` off public pages (status `to_state`) when `reporters` reached `threshold`;
    audited as done by nobody. Returns whether it did."""
    if reporters < threshold:
        return False
    before = post.status
    post.status = to_state
    post.status_changed_at = timezone.now()
    post.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit_log(
        target=post,
        verb=verb,
        by=None,
        from_state=before,
        to_state=to_state,
        reason=f"{reporters} signalements",
    )
    return True


def resolve_open_reports(reports, *, by, resolution: str) -> int:
    """A moderator decided: the open reports are closed and never count again."""
    now = timezone.now()
    return reports.open().update(resolved_at=now, resolved_by=by, resolution=resolution, updated_at=now)
