from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pacte.enums import PublicCategory


class MonthlySnapshotQuerySet(models.QuerySet):
    def overall(self):
        """All communes and every public: the rows of the time series."""
        return self.filter(commune__isnull=True, category="")


class MonthlySnapshot(models.Model):
    """The value of one metric for one month, as computed then (indicators/snapshots.py).

    - metric: the key in the registry (indicators/registry.py), e.g. "personnes.total".
    - month: the month's first day.
    - commune: NULL for all communes together; category: "" for every public.
    - value: the metric's value over the month (for "personnes_annee.*", from 1 January to the
      month's end). A missing row for a commune or a public means 0 (zeros are not stored).

    History stays as it was computed: a later change of the data (a deleted account, a corrected
    attendance) does not rewrite past months unless staff recompute them (`backfill_indicators
    --force`, journaled).
    """

    metric = models.CharField("indicateur", max_length=80)
    month = models.DateField("mois")
    commune = models.ForeignKey(
        "pacte.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.CharField("public", max_length=20, choices=PublicCategory.choices, blank=True)
    value = models.BigIntegerField(
        "valeur", validators=[MinValueValidator(-(10**12)), MaxValueValidator(10**12)]
    )
    computed_at = models.DateTimeField("calculé le")

    objects = MonthlySnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "instantané mensuel"
        verbose_name_plural = "instantanés mensuels"
        ordering = ["-month", "metric", "commune", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "month", "commune", "category"],
                condition=Q(commune__isnull=False),
                name="indicators_snapshot_unique_commune",
            ),
            models.UniqueConstraint(
                fields=["metric", "month", "category"],
                condition=Q(commune__isnull=True),
                name="indicators_snapshot_unique_all_communes",
            ),
        ]
        indexes = [models.Index(fields=["month", "metric"], name="indicators_snapshot_month")]

    def __str__(self):
        return f"{self.metric} · {self.month:%m/%Y}"


# The surveys' models (indicators/surveys/models.py) belong to this app's label.
from .surveys.models import *  # noqa: E402, F403
