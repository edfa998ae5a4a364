from decimal import Decimal

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum

from pacte.models import TimeStampedModel
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff

from ..enums import (
    EDITABLE_STATUSES,
    EXPENSE_CATEGORIES,
    ApplicationStatus,
    BudgetCategory,
    TargetPublic,
)

MAX_AMOUNT = 1_000_000
AMOUNT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]


def is_instructor(user) -> bool:
    """Staff of the subsidy instruction (or DACTE administration) group, acting as staff now."""
    return acts_as_staff(user) and user.has_perm("associations.view_subsidyapplication")


class SubsidyApplicationQuerySet(models.QuerySet):
    def of_referent(self, user):
        """Applications of the organisations `user` is référent of (members see nothing)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(referent_q(user, "organisation__")).distinct()

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if is_instructor(user):
            return self
        return self.of_referent(user)

    def editable_by(self, user):
        """What the association may still change: its drafts and the files sent back to it."""
        return self.of_referent(user).filter(status__in=EDITABLE_STATUSES)

    def with_paid(self):
        return self.annotate(paid_total=Sum("payments__amount"))


class SubsidyApplication(TimeStampedModel):
    """An association's application to a campaign (CERFA 12156's content, in the browser)."""

    campaign = models.ForeignKey(
        "associations.Campaign",
        verbose_name="campagne",
        on_delete=models.PROTECT,
        related_name="applications",
    )
    organisation = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="association",
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        "pacte.User",
        verbose_name="créée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The programme (everything may be blank in a draft; submitting checks completeness).
    title = models.CharField("titre du programme", max_length=200, blank=True)
    summary = models.TextField("résumé", blank=True, validators=[MaxLengthValidator(1000)])
    objectives = models.TextField("objectifs", blank=True, validators=[MaxLengthValidator(5000)])
    themes = models.ManyToManyField("pacte.Theme", verbose_name="thèmes", blank=True, related_name="+")
    publics = models.JSONField("publics visés", default=list, blank=True)
    programme_start = models.DateField("début du programme", null=True, blank=True)
    programme_end = models.DateField("fin du programme", null=True, blank=True)
    answers = models.JSONField("réponses aux questions de l'année", default=dict, blank=True)
    certifies_accuracy = models.BooleanField("exactitude des informations certifiée", default=False)
    certifies_obligations = models.BooleanField("obligations sociales et fiscales certifiées", default=False)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    # Instruction and decision
    instructor = models.ForeignKey(
        "pacte.User",
        verbose_name="instructeur ou instructrice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    correction_request = models.TextField("correction demandée", blank=True)
    granted_amount = models.DecimalField(
        "montant accordé (€)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=AMOUNT_VALIDATORS,
    )
    decision_reference = models.CharField("référence de la décision", max_length=60, blank=True)
    decision_date = models.DateField("date de la décision", null=True, blank=True)
    conditions = models.TextField("conditions de versement", blank=True)
    decision_reason = models.TextField("motif (refus, classement)", blank=True)
    convention = models.ForeignKey(
        "pacte.PrivateDocument",
        verbose_name="convention signée",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    convention_signed_on = models.DateField("convention signée le", null=True, blank=True)
    bilan_due_on = models.DateField("bilan attendu au plus tard le", null=True, blank=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)
    # Bilan reminders (before and after the due date), claimed before sending.
    bilan_reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    bilan_reminded_after_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubsidyApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "demande de subvention"
        verbose_name_plural = "demandes de subvention"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="subsidy_one_application_per_campaign"
            ),
            models.CheckConstraint(
                condition=Q(programme_end__isnull=True)
                | Q(programme_start__isnull=True)
                | Q(programme_end__gte=F("programme_start")),
                name="subsidy_programme_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "campaign"])]

    def __str__(self):
        return f"{self.reference} · {self.organisation}"

    @property
    def reference(self) -> str:
        return f"RC{self.campaign.year}-{self.pk or 0:04d}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def public_labels(self) -> list[str]:
        labels = dict(TargetPublic.choices)
        return [labels[value] for value in self.publics if value in labels]

    def budget_totals(self) -> dict:
        """Totals of the planned budget (and of the actual one, once the bilan gives it)."""
        totals = {"expenses": Decimal(0), "income": Decimal(0), "request": Decimal(0)}
        totals.update(actual_expenses=Decimal(0), actual_income=Decimal(0))
        for line in self.budget_lines.all():
            side = "expenses" if line.category in EXPENSE_CATEGORIES else "income"
            totals[side] += line.amount
            totals[f"actual_{side}"] += line.actual_amount or 0
            if line.category == BudgetCategory.REQUEST:
                totals["request"] += line.amount
        return totals

    @property
    def requested_amount(self) -> Decimal:
        return self.budget_totals()["request"]


class PlannedAction(models.Model):
    application = models.ForeignKey(SubsidyApplication, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("intitulé de l'action", max_length=200)
    public = models.CharField("public", max_length=20, choices=TargetPublic.choices)
    expected_participants = models.PositiveIntegerField(
        "participants attendus", validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    communes = models.ManyToManyField("pacte.Commune", verbose_name="communes", related_name="+")
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "action prévue"
        verbose_name_plural = "actions prévues"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="planned_action_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title


class BudgetLine(models.Model):
    """A line of the programme's budget; the bilan adds what was really spent or received."""

    application = models.ForeignKey(SubsidyApplication, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField("poste", max_length=4, choices=BudgetCategory.choices)
    label = models.CharField("détail", max_length=200, blank=True)
    amount = models.DecimalField(
        "montant prévu (€)", max_digits=9, decimal_places=2, validators=AMOUNT_VALIDATORS
    )
    actual_amount = models.DecimalField(
        "montant réalisé (€)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=AMOUNT_VALIDATORS,
    )
    gap_explanation = models.TextField(
        "explication de l'écart", blank=True, validators=[MaxLengthValidator(1000)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"

    def __str__(self):
        return f"{self.get_category_display()} · {self.amount} €"

    @property
    def is_expense(self) -> bool:
        return self.category in EXPENSE_CATEGORIES

    @property
    def gap_ratio(self) -> Decimal | None:
        """(actual − planned) / planned, or None before the bilan or for a zero line."""
        if self.actual_amount is None or not self.amount:
            return None
        return (self.actual_amount - self.amount) / self.amount


class ApplicationDocument(TimeStampedModel):
    """A document of the application: for one of the campaign's required documents, or another."""

    application = models.ForeignKey(SubsidyApplication, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        "associations.CampaignDocument",
        verbose_name="document demandé",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey("pacte.PrivateDocument", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name = "pièce du dossier"
        verbose_name_plural = "pièces du dossier"

    def __str__(self):
        return str(self.document)


class ApplicationMessage(TimeStampedModel):
    """A message between instructors and the association, seen by both sides."""

    application = models.ForeignKey(SubsidyApplication, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        "pacte.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_instructor = models.BooleanField("envoyé par l'instruction", default=False)
    body = models.TextField("message", validators=[MaxLengthValidator(5000)])
    attachment = models.ForeignKey(
        "pacte.PrivateDocument", verbose_name="pièce jointe", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "message"
        verbose_name_plural = "messagerie"

    def __str__(self):
        return f"Message du {self.created_at:%d/%m/%Y}"


class InstructorNote(TimeStampedModel):
    """A private annotation: instructors only, never shown to the association."""

    application = models.ForeignKey(SubsidyApplication, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        "pacte.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField("note", validators=[MaxLengthValidator(5000)])

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "note privée"
        verbose_name_plural = "notes privées de l'instruction"

    def __str__(self):
        return f"Note du {self.created_at:%d/%m/%Y}"


class Payment(TimeStampedModel):
    application = models.ForeignKey(SubsidyApplication, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(
        "montant (€)",
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    paid_on = models.DateField("versé le")
    reference = models.CharField("référence du mandat", max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        "pacte.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = "versement"
        verbose_name_plural = "versements"

    def __str__(self):
        return f"{self.amount} € le {self.paid_on:%d/%m/%Y}"
