from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count

from pacte.models import TimeStampedModel


class ConventionQuerySet(models.QuerySet):
    def with_progress(self):
        return self.annotate(
            commitment_count=Count("commitments"), mean_progress=Avg("commitments__progress")
        )


class Convention(TimeStampedModel):
    """The PACTE convention a commune signed with the Métropole, for a period, with commitments."""

    commune = models.ForeignKey(
        "pacte.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="pacte_conventions"
    )
    title = models.CharField("intitulé", max_length=200, default="Convention PACTE")
    signed_on = models.DateField("signée le")
    starts_on = models.DateField("début de la période")
    ends_on = models.DateField("fin de la période")
    summary = models.TextField("résumé", blank=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "convention PACTE"
        verbose_name_plural = "conventions PACTE"
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "starts_on"], name="communes_convention_one_per_start"
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.commune}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "La fin de la période doit suivre son début."})


class Commitment(TimeStampedModel):
    """One commitment of a convention, with how far the commune has gone (0 to 100 %)."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="commitments"
    )
    title = models.CharField("engagement", max_length=200)
    theme = models.ForeignKey(
        "pacte.Theme",
        verbose_name="thème",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField("description", blank=True)
    target = models.CharField("objectif", max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(
        "avancement (%)",
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    progress_note = models.CharField("où en est-on ?", max_length=300, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="communes_commitment_progress_max_100"
            ),
        ]

    def __str__(self):
        return self.title
