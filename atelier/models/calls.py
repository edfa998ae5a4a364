from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from pacte.models import TimeStampedModel
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff

from ..enums import ApplicationStatus, Frequency

MAX_SCORE = 5


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def current(self, now=None):
        """The open call, else the next one announced: what the public page shows."""
        now = now or timezone.now()
        return self.published().filter(closes_at__gt=now).order_by("opens_at").first()


class Call(TimeStampedModel):
    """A call for applications to become a resident association of the Atelier."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField("résumé", max_length=300, blank=True)
    text = models.TextField("texte de l'appel")
    opens_at = models.DateTimeField("ouverture des candidatures")
    closes_at = models.DateTimeField("clôture des candidatures")
    residency_starts_on = models.DateField("début des résidences")
    residency_ends_on = models.DateField("fin des résidences")
    weekly_quota_hours = models.PositiveSmallIntegerField(
        "quota hebdomadaire par défaut (heures)",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    is_published = models.BooleanField("publié", default=False)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = "appel à candidatures"
        verbose_name_plural = "appels à candidatures"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="atelier_call_closes_after"
            ),
            models.CheckConstraint(
                condition=Q(residency_ends_on__gt=F("residency_starts_on")),
                name="atelier_call_residency_ends_after",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("atelier:call", args=[self.slug])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at


class Criterion(models.Model):
    call = models.ForeignKey(Call, verbose_name="appel", on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField("critère", max_length=200)
    description = models.TextField("précisions", blank=True)
    weight = models.PositiveSmallIntegerField(
        "pondération", default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "critère"
        verbose_name_plural = "critères"

    def __str__(self):
        return f"{self.label} (×{self.weight})"


class RequiredDocument(models.Model):
    call = models.ForeignKey(
        Call, verbose_name="appel", on_delete=models.CASCADE, related_name="required_documents"
    )
    label = models.CharField("document", max_length=200)
    help_text = models.CharField("aide", max_length=300, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "document demandé"
        verbose_name_plural = "documents demandés"

    def __str__(self):
        return self.label


class ApplicationQuerySet(models.QuerySet):
    def editable_by(self, user):
        """Staff, and the référents of the applying association."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(referent_q(user, "organisation__")).distinct()

    def submitted(self):
        return self.exclude(status=ApplicationStatus.DRAFT)


class Application(TimeStampedModel):
    """An association's application to a call: a draft saved at every step, then submitted."""

    call = models.ForeignKey(
        Call, verbose_name="appel", on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="association",
        on_delete=models.PROTECT,
        related_name="atelier_applications",
    )
    status = models.CharField(
        "statut", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    project_title = models.CharField("titre du projet", max_length=200, blank=True)
    project = models.TextField(
        "le projet", blank=True, help_text="Ce que l'association veut faire à l'Atelier."
    )
    needed_spaces = models.ManyToManyField(
        "atelier.Space", verbose_name="espaces souhaités", blank=True, related_name="+"
    )
    frequency = models.CharField("fréquence", max_length=20, choices=Frequency.choices, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        "heures par semaine souhaitées",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    partners = models.TextField("partenaires", blank=True, help_text="Structures associées au projet.")
    themes = models.ManyToManyField("pacte.Theme", verbose_name="thèmes", blank=True, related_name="+")
    expected_public = models.TextField("public attendu", blank=True)
    expected_attendance = models.PositiveIntegerField(
        "nombre de personnes attendues sur l'année",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100000)],
    )
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decision_message = models.TextField("message de la décision", blank=True)
    created_by = models.ForeignKey(
        "pacte.User",
        verbose_name="créée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        verbose_name = "candidature"
        verbose_name_plural = "candidatures"
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="atelier_one_application_per_call"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.call}"

    def get_absolute_url(self):
        return reverse("atelier:application", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


class ApplicationDocument(TimeStampedModel):
    application = models.ForeignKey(
        Application, verbose_name="candidature", on_delete=models.CASCADE, related_name="documents"
    )
    required = models.ForeignKey(
        RequiredDocument, verbose_name="document demandé", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "pacte.PrivateDocument", verbose_name="fichier", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        constraints = [
            models.UniqueConstraint(fields=["application", "required"], name="atelier_one_file_per_document"),
        ]

    def __str__(self):
        return str(self.required)

    def get_absolute_url(self):
        return reverse("atelier:application_document", args=[self.application_id, self.pk])


class Review(TimeStampedModel):
    """One reviewer's scores of an application, with notes only staff read."""

    application = models.ForeignKey(
        Application, verbose_name="candidature", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        "pacte.User",
        verbose_name="évaluateur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    private_note = models.TextField("note privée", blank=True, help_text="Lue par l'équipe seulement.")

    class Meta:
        verbose_name = "évaluation"
        verbose_name_plural = "évaluations"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="atelier_one_review_per_reviewer"
            ),
        ]

    def __str__(self):
        return f"Évaluation de {self.application} par {self.reviewer}"


class Score(models.Model):
    review = models.ForeignKey(
        Review, verbose_name="évaluation", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="critère", on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveSmallIntegerField(
        "note", validators=[MinValueValidator(0), MaxValueValidator(MAX_SCORE)]
    )

    class Meta:
        verbose_name = "note"
        verbose_name_plural = "notes"
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="atelier_one_score_per_criterion"),
            models.CheckConstraint(condition=Q(value__lte=MAX_SCORE), name="atelier_score_at_most_max"),
        ]

    def __str__(self):
        return f"{self.criterion.label} : {self.value}/{MAX_SCORE}"
