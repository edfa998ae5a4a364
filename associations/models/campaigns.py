from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pacte.models import TimeStampedModel


class CampaignQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open(self, on=None):
        on = on or timezone.localdate()
        return self.published().filter(opens_on__lte=on, closes_on__gte=on)


class Campaign(TimeStampedModel):
    """A yearly call for the programmes of the Relais COP21 associations."""

    year = models.PositiveIntegerField(
        "année du programme", unique=True, validators=[MinValueValidator(2018), MaxValueValidator(2100)]
    )
    title = models.CharField("titre", max_length=200)
    opens_on = models.DateField("ouverture des dépôts")
    closes_on = models.DateField("clôture des dépôts")
    envelope = models.DecimalField(
        "enveloppe (€)",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(10_000_000)],
    )
    max_request = models.DecimalField(
        "montant maximal demandé par dossier (€)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1_000_000)],
    )
    rules = models.TextField("règlement de la campagne")
    is_published = models.BooleanField("publiée", default=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = "campagne de subventions"
        verbose_name_plural = "campagnes de subventions"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="campaign_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.is_published and self.opens_on <= on <= self.closes_on


class CampaignDocument(models.Model):
    """A document every application of the campaign must carry (statutes, RIB, last accounts...)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="required_documents")
    title = models.CharField("document", max_length=200)
    help_text = models.CharField("précisions", max_length=300, blank=True)
    is_required = models.BooleanField("obligatoire", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "document demandé"
        verbose_name_plural = "documents demandés"

    def __str__(self):
        return self.title


class CampaignQuestion(models.Model):
    """A question specific to the year (answered in the application's "questions" step)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField("question", max_length=300)
    help_text = models.CharField("précisions", max_length=300, blank=True)
    is_required = models.BooleanField("réponse obligatoire", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "question de l'année"
        verbose_name_plural = "questions de l'année"

    def __str__(self):
        return self.label
