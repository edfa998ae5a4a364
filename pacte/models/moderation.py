"""What the apps' moderated posts share (clubs' practices, the relais network's showcase of
actions): their photos and the reports signed-in people file on them.

Abstract models only: each app keeps its own tables, declares the ForeignKey to its post and the
photo files' upload folder, and the kernel knows no app. The writes that go with them are in
`pacte/services/moderation.py`.
"""

from django.core.validators import MaxValueValidator
from django.db import models

from .base import TimeStampedModel

MAX_PHOTOS = 6
# Reports from this many distinct people at most are needed to hide a post (settings beyond are typos).
REPORTS_TO_HIDE_MAX = 50


class PostPhoto(models.Model):
    """A photo re-encoded by pacte.images.process_image: no EXIF, no GPS position survives.

    The subclass declares `image` (with width_field="width", height_field="height"), `thumbnail`
    and the ForeignKey to its post."""

    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(
        "ordre", default=0, validators=[MaxValueValidator(MAX_PHOTOS)]
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]
        verbose_name = "photo"
        verbose_name_plural = "photos"

    def stored_files(self) -> list:
        """(storage, name) of the picture and its thumbnail, to delete once the row is gone."""
        return [(f.storage, f.name) for f in (self.image, self.thumbnail) if f]


class PostReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class PostReport(TimeStampedModel):
    """Someone signed in flagged a post. The subclass declares the ForeignKey to its post, the
    `resolution` (the post's status once decided) and the one-report-per-person constraint."""

    reporter = models.ForeignKey(
        "pacte.User",
        verbose_name="signalé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField("motif")
    resolved_at = models.DateTimeField("traité le", null=True, blank=True)
    resolved_by = models.ForeignKey(
        "pacte.User",
        verbose_name="traité par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PostReportQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        verbose_name = "signalement"
        verbose_name_plural = "signalements"
