from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from pacte.models import TimeStampedModel
from pacte.models.documents import private_storage
from pacte.permissions import acts_as_staff

from ..enums import ActionStage, ModerationStatus
from .access import commune_contact_q

MAX_PHOTOS = 6
MAX_DOCUMENTS = 5
MAX_BUDGET = 100_000_000  # euros: beyond, a typing slip rather than a commune's action


def _own_communes(user):
    from pacte.models import Commune

    return Commune.objects.filter(commune_contact_q(user)).values("pk")


class CommuneActionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ModerationStatus.PUBLISHED)

    def visible_to(self, user):
        """Published actions for everyone; a commune's own actions (awaiting review, refused) for
        the people who act for it; everything for staff. Another commune's draft is not there."""
        if not getattr(user, "is_authenticated", False):
            return self.published()
        if acts_as_staff(user):
            return self
        return self.filter(Q(status=ModerationStatus.PUBLISHED) | Q(commune__in=_own_communes(user)))

    def editable_by(self, user):
        """The people who act for the commune edit its actions; staff moderate in the admin."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(commune__in=_own_communes(user))

    def with_replication_count(self):
        return self.annotate(replication_count=Count("replications", distinct=True))

    def for_listing(self):
        return (
            self.select_related("commune", "theme")
            .prefetch_related("photos")
            .with_replication_count()
            .order_by("-published_at", "-created_at", "-id")
        )


class CommuneAction(TimeStampedModel):
    """An action or experiment a commune runs within the PACTE ("fiche action")."""

    commune = models.ForeignKey(
        "pacte.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="pacte_actions"
    )
    # The commune organisation it was posted for (the referents' organisation).
    organisation = models.ForeignKey(
        "pacte.Organisation", verbose_name="structure", on_delete=models.PROTECT, related_name="+"
    )
    # NULL once the author deleted their account: the action is the commune's, it stays.
    author = models.ForeignKey(
        "pacte.User",
        verbose_name="déposée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commune_actions",
    )
    title = models.CharField("titre", max_length=150)
    theme = models.ForeignKey("pacte.Theme", verbose_name="thème", on_delete=models.PROTECT, related_name="+")
    description = models.TextField("description")
    stage = models.CharField(
        "statut", max_length=10, choices=ActionStage.choices, default=ActionStage.PROJECT
    )
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    budget = models.PositiveIntegerField(
        "budget (euros)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUDGET)],
    )
    partners = models.TextField("partenaires", blank=True)
    public_reached = models.CharField("public touché", max_length=300, blank=True)
    results = models.TextField("résultats", blank=True)
    is_experiment = models.BooleanField("expérimentation PACTE", default=False)
    status = models.CharField(
        "publication",
        max_length=10,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    refusal_reason = models.TextField("motif du refus", blank=True)
    moderated_at = models.DateTimeField("relue le", null=True, blank=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    objects = CommuneActionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = "action de commune"
        verbose_name_plural = "actions des communes"
        indexes = [models.Index(fields=["status", "commune"]), models.Index(fields=["status", "theme"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__lte=MAX_BUDGET),
                name="communes_action_budget_max",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin ne peut précéder le début."})
        if self.organisation_id and self.commune_id and self.organisation.commune_id != self.commune_id:
            raise ValidationError({"organisation": "Cette structure n'est pas celle de la commune."})

    def get_absolute_url(self):
        return reverse("communes:action_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED


class ActionPhoto(models.Model):
    """A photo re-encoded by pacte.images.process_image: no EXIF, no GPS position survives."""

    action = models.ForeignKey(
        CommuneAction, verbose_name="action", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        "photo", upload_to="communes/actions/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField("vignette", upload_to="communes/actions/%Y/%m/")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt = models.CharField("description de la photo", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "photo"
        verbose_name_plural = "photos"

    def __str__(self):
        return f"Photo {self.position + 1} · {self.action_id}"


class ActionDocument(models.Model):
    """A document of the action (checked by content), kept in private storage and served by a view
    that asks whether the visitor may see the action: a draft's documents are not public."""

    action = models.ForeignKey(
        CommuneAction, verbose_name="action", on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", storage=private_storage, upload_to="communes/documents/%Y/%m/")
    content_type = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "document"
        verbose_name_plural = "documents"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("communes:action_document", args=[self.action_id, self.pk])


class ReplicationQuerySet(models.QuerySet):
    def for_pages(self):
        return self.select_related("commune", "action", "source", "source__commune", "topic")


class Replication(TimeStampedModel):
    """ "Nous aussi": `commune` replicates `source` (another commune's action), through its own
    `action`; the conversation between the two communes is a kernel exchange topic."""

    source = models.ForeignKey(
        CommuneAction, verbose_name="action reprise", on_delete=models.CASCADE, related_name="replications"
    )
    commune = models.ForeignKey(
        "pacte.Commune", verbose_name="commune qui reprend", on_delete=models.PROTECT, related_name="+"
    )
    action = models.ForeignKey(
        CommuneAction,
        verbose_name="action de la commune qui reprend",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspirations",
    )
    topic = models.ForeignKey(
        "pacte.Topic",
        verbose_name="échange",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "pacte.User",
        verbose_name="déclarée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commune_replications",
    )

    objects = ReplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "reprise « nous aussi »"
        verbose_name_plural = "reprises « nous aussi »"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "commune"], name="communes_replication_once_per_commune"
            ),
        ]

    def __str__(self):
        return f"{self.commune} reprend « {self.source} »"
