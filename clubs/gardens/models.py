"""The "jardiniers de la nature" network: gardens, their practice checklist, and the charter.

Nothing here locates a garden more precisely than its commune: no address, no GPS position.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from pacte.models import TimeStampedModel

__all__ = [
    "Charter",
    "CharterSignature",
    "Garden",
    "GardenChecklistVersion",
    "GardenPractice",
    "GardenSize",
    "GardenType",
]


class GardenType(models.TextChoices):
    PRIVATE = "prive", "Jardin privé"
    FAMILY = "familial", "Jardin familial"
    SHARED = "partage", "Jardin partagé"
    SCHOOL = "scolaire", "Jardin scolaire"


class GardenSize(models.TextChoices):
    """An approximate surface, on purpose: enough for the network's figures, not a cadastre."""

    UNDER_50 = "moins_50", "Moins de 50 m²"
    FROM_50 = "50_200", "De 50 à 200 m²"
    FROM_200 = "200_1000", "De 200 à 1 000 m²"
    OVER_1000 = "plus_1000", "Plus de 1 000 m²"


class GardenPracticeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_garden_counts(self):
        """Number of registered (not withdrawn) gardens applying each practice now."""
        return self.annotate(
            garden_count=Count("gardens", filter=Q(gardens__withdrawn_at__isnull=True), distinct=True)
        )


class GardenPractice(models.Model):
    """One item of the gardeners' checklist; staff extend it in admin (seeded by migration).

    Items are deactivated rather than deleted: past checklist versions keep pointing at them.
    """

    name = models.CharField("pratique", max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.CharField("en quelques mots", max_length=300, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0, validators=[MaxValueValidator(1000)])
    is_active = models.BooleanField(
        "proposée", default=True, help_text="Décocher pour retirer la pratique de la liste à cocher."
    )

    objects = GardenPracticeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "pratique de la liste des jardiniers"
        verbose_name_plural = "pratiques de la liste des jardiniers"

    def __str__(self):
        return self.name


class CharterQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def current(self):
        """The version gardeners sign now: the published one with the highest number."""
        return self.published().order_by("-version").first()


class Charter(TimeStampedModel):
    """One version of the network's charter. A published version's text is never changed: a new
    wording is a new version, so every signature points at the exact text that was accepted."""

    version = models.PositiveSmallIntegerField(
        "version", unique=True, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    title = models.CharField("titre", max_length=200)
    text = models.TextField("texte", help_text="Paragraphes séparés par une ligne vide.")
    published_at = models.DateTimeField(
        "publiée le", null=True, blank=True, help_text="Vide tant que la version est en préparation."
    )

    objects = CharterQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = "version de la charte"
        verbose_name_plural = "versions de la charte"

    def __str__(self):
        return f"{self.title} (version {self.version})"

    def get_absolute_url(self):
        return reverse("clubs:charter")


class GardenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def of_owner(self, user):
        """A person's own gardens: the only ones the site shows or edits (staff use the admin)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def registered_at(self, moment):
        """Gardens in the network at `moment` (an aware datetime): registered before, not withdrawn."""
        return self.filter(created_at__lt=moment).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=moment)
        )

    def in_commune(self, commune):
        return self if commune is None else self.filter(commune=commune)

    def for_owner_page(self):
        return self.select_related("commune").prefetch_related("practices", "signatures__charter")


class Garden(TimeStampedModel):
    """A garden registered in the network by its gardener.

    - owner: NULL once the gardener deleted their account; the garden stays counted, nameless.
    - commune: the only location kept (required); the map and the figures group by it.
    - practices: the checklist as it is now; every change is also kept as a
      GardenChecklistVersion, so the spread of practices can be read at any past date.
    - withdrawn_at: the gardener left the network; the garden stops counting from that moment.
    """

    owner = models.ForeignKey(
        "pacte.User",
        verbose_name="jardinier ou jardinière",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gardens",
    )
    garden_type = models.CharField("type de jardin", max_length=12, choices=GardenType.choices)
    commune = models.ForeignKey(
        "pacte.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="gardens"
    )
    size = models.CharField("surface approximative", max_length=12, choices=GardenSize.choices)
    name = models.CharField(
        "nom ou courte description",
        max_length=120,
        blank=True,
        help_text="Facultatif. Visible seulement par vous et l'équipe du réseau : n'indiquez pas d'adresse.",
    )
    practices = models.ManyToManyField(
        GardenPractice, verbose_name="pratiques appliquées", blank=True, related_name="gardens"
    )
    withdrawn_at = models.DateTimeField("retiré du réseau le", null=True, blank=True, db_index=True)

    objects = GardenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "jardin"
        verbose_name_plural = "jardins"
        indexes = [models.Index(fields=["commune", "withdrawn_at"])]

    def __str__(self):
        label = self.name or self.get_garden_type_display()
        return f"{label} · {self.commune.name}" if self.commune_id else label

    def get_absolute_url(self):
        return reverse("clubs:garden_edit", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class GardenChecklistVersion(models.Model):
    """The garden's whole checklist as it stood from `created_at` until the next version.

    Written by the services on registration and on each change of the checklist, never edited.
    """

    garden = models.ForeignKey(
        Garden, verbose_name="jardin", on_delete=models.CASCADE, related_name="checklist_versions"
    )
    practices = models.ManyToManyField(
        GardenPractice, verbose_name="pratiques", blank=True, related_name="checklist_versions"
    )
    created_at = models.DateTimeField("le", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = "version de la liste d'un jardin"
        verbose_name_plural = "historique des listes des jardins"
        indexes = [models.Index(fields=["garden", "created_at"])]

    def __str__(self):
        return f"{self.garden_id} · {self.created_at:%d/%m/%Y %H:%M}"


class CharterSignature(models.Model):
    """A gardener accepted a given version of the charter for a garden, at `signed_at`."""

    charter = models.ForeignKey(
        Charter, verbose_name="version de la charte", on_delete=models.PROTECT, related_name="signatures"
    )
    garden = models.ForeignKey(
        Garden, verbose_name="jardin", on_delete=models.CASCADE, related_name="signatures"
    )
    # NULL once the person deleted their account: the signature stays counted.
    user = models.ForeignKey(
        "pacte.User",
        verbose_name="signée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="charter_signatures",
    )
    signed_at = models.DateTimeField("signée le", db_index=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = "signature de la charte"
        verbose_name_plural = "signatures de la charte"
        constraints = [
            models.UniqueConstraint(fields=["garden", "charter"], name="charter_signature_once_per_version"),
        ]

    def __str__(self):
        return f"Charte v{self.charter.version} · {self.garden}"
