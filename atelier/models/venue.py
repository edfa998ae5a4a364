from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from pacte.models import TimeStampedModel

from ..enums import SpaceKind, Weekday


class Venue(TimeStampedModel):
    """The Atelier des Transitions itself (one venue today; the model does not forbid more)."""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField("présentation courte", max_length=300, blank=True)
    description = models.TextField("présentation", blank=True)
    address = models.CharField("adresse", max_length=250)
    commune = models.ForeignKey("pacte.Commune", verbose_name="commune", on_delete=models.PROTECT)
    access = models.TextField("accès", blank=True, help_text="Transports en commun, vélo, stationnement.")
    accessibility = models.TextField("accessibilité", blank=True)
    house_rules = models.TextField(
        "règlement intérieur", blank=True, help_text="Accepté par chaque association résidente."
    )
    email = models.EmailField("e-mail de contact", blank=True)

    class Meta:
        verbose_name = "lieu"
        verbose_name_plural = "lieux"

    def __str__(self):
        return self.name


class SpaceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Space(TimeStampedModel):
    venue = models.ForeignKey(Venue, verbose_name="lieu", on_delete=models.CASCADE, related_name="spaces")
    name = models.CharField("nom", max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField("type", max_length=20, choices=SpaceKind.choices)
    description = models.TextField("description", blank=True)
    capacity = models.PositiveSmallIntegerField(
        "capacité (personnes)", validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    equipment = models.TextField("équipement", blank=True, help_text="Un équipement par ligne.")
    accessibility = models.TextField("accessibilité", blank=True)
    photo = models.ImageField("photo", upload_to="atelier/espaces/", blank=True)
    photo_alt = models.CharField("description de la photo", max_length=200, blank=True)
    requires_approval = models.BooleanField(
        "réservation validée par l'équipe",
        default=False,
        help_text="Les réservations attendent la validation de l'équipe de l'Atelier.",
    )
    min_duration_minutes = models.PositiveSmallIntegerField(
        "durée minimale (minutes)", default=30, validators=[MinValueValidator(15), MaxValueValidator(720)]
    )
    max_duration_minutes = models.PositiveSmallIntegerField(
        "durée maximale (minutes)", default=240, validators=[MinValueValidator(15), MaxValueValidator(720)]
    )
    is_active = models.BooleanField("réservable", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "espace"
        verbose_name_plural = "espaces"
        constraints = [
            models.CheckConstraint(
                condition=Q(max_duration_minutes__gte=F("min_duration_minutes")),
                name="atelier_space_max_duration_after_min",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("atelier:space", args=[self.slug])

    @property
    def equipment_list(self) -> list[str]:
        return [line.strip() for line in self.equipment.splitlines() if line.strip()]


class OpeningHours(models.Model):
    """One opening interval of a weekday; a day may have several (morning and afternoon)."""

    venue = models.ForeignKey(
        Venue, verbose_name="lieu", on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    opens_at = models.TimeField("ouverture")
    closes_at = models.TimeField("fermeture")

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = "horaire d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="atelier_opening_closes_after_opens"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ClosureQuerySet(models.QuerySet):
    def covering(self, day, space=None):
        """Closures of the whole venue, or of `space`, on `day`."""
        scope = Q(space__isnull=True) | Q(space=space) if space is not None else Q(space__isnull=True)
        return self.filter(scope, starts_on__lte=day, ends_on__gte=day)


class Closure(TimeStampedModel):
    """Days the venue (or one space) is closed: holidays, works, a private event."""

    venue = models.ForeignKey(Venue, verbose_name="lieu", on_delete=models.CASCADE, related_name="closures")
    space = models.ForeignKey(
        Space,
        verbose_name="espace",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text="Laisser vide si tout le lieu est fermé.",
    )
    starts_on = models.DateField("du")
    ends_on = models.DateField("au (inclus)")
    reason = models.CharField("motif", max_length=200)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        verbose_name = "fermeture"
        verbose_name_plural = "fermetures"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="atelier_closure_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.reason} ({self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y})"
