from django.core.files.storage import storages
from django.db import models
from django.urls import reverse

from ..permissions import acts_as_staff
from .base import TimeStampedModel
from .organisations import referent_q


def private_storage():
    return storages["private"]


class PrivateDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff who may read private documents (their group gives them `view_privatedocument`:
        DACTE administration, subsidy instruction), the uploader and the owning organisation's
        référents; nobody else. Staff of another team (Atelier, letter) see only their own uploads:
        a subsidy file or a RIB is not theirs to read."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user) and user.has_perm("pacte.view_privatedocument"):
            return self
        return self.filter(models.Q(uploaded_by=user) | referent_q(user, "organisation__")).distinct()


class PrivateDocument(TimeStampedModel):
    """A document never served from a public URL (subsidy files, RIB...)."""

    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", storage=private_storage, upload_to="documents/%Y/%m/")
    content_type = models.CharField(max_length=100, editable=False)
    organisation = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="structure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="private_documents",
    )
    uploaded_by = models.ForeignKey(
        "pacte.User",
        verbose_name="déposé par",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PrivateDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document privé"
        verbose_name_plural = "documents privés"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("private_document", args=[self.pk])
