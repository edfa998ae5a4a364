from datetime import date

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pacte.models import TimeStampedModel
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff

from ..enums import LabelStatus

# The Relais COP21 charter the referent accepts (its text: templates/associations/includes/
# _charter.html). A new wording gets a new version; each label keeps the version it accepted.
CHARTER_VERSION = "2026.1"


class RelaisLabelQuerySet(models.QuerySet):
    def granted(self):
        return self.filter(status=LabelStatus.GRANTED)

    def current(self, on: date | None = None):
        """Labels in force on `on` (today by default)."""
        on = on or timezone.localdate()
        return self.granted().filter(valid_from__lte=on, valid_until__gte=on)

    def of_referent(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(referent_q(user, "organisation__")).distinct()

    def visible_to(self, user):
        """Instructors see every label; a référent sees their organisations' labels."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user) and user.has_perm("associations.view_relaislabel"):
            return self
        return self.of_referent(user)


class RelaisLabel(TimeStampedModel):
    """One request for the Relais COP21 label, and the decision on it (a renewal is a new row)."""

    organisation = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="association",
        on_delete=models.CASCADE,
        related_name="relais_labels",
    )
    status = models.CharField(
        "statut", max_length=12, choices=LabelStatus.choices, default=LabelStatus.REQUESTED, db_index=True
    )
    statutes = models.ForeignKey(
        "pacte.PrivateDocument",
        verbose_name="statuts",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    motivation = models.TextField(
        "pourquoi devenir Relais COP21", blank=True, validators=[MaxLengthValidator(3000)]
    )
    charter_version = models.CharField("version de la charte acceptée", max_length=20)
    charter_accepted_at = models.DateTimeField("charte acceptée le")
    requested_by = models.ForeignKey(
        "pacte.User",
        verbose_name="demandé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    renewal_of = models.ForeignKey(
        "self", verbose_name="renouvelle", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    decided_by = models.ForeignKey(
        "pacte.User",
        verbose_name="décidé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_from = models.DateField("valable du", null=True, blank=True)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True, db_index=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    # Reminders before expiry: claimed before sending, so a second run of the task sends nothing.
    reminded_60_at = models.DateTimeField("rappel à 60 jours envoyé le", null=True, blank=True)
    reminded_15_at = models.DateTimeField("rappel à 15 jours envoyé le", null=True, blank=True)

    objects = RelaisLabelQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "label Relais COP21"
        verbose_name_plural = "labels Relais COP21"
        constraints = [
            # A granted label has its period, and the period runs forward.
            models.CheckConstraint(
                condition=~Q(status=LabelStatus.GRANTED)
                | Q(
                    valid_from__isnull=False,
                    valid_until__isnull=False,
                    valid_until__gte=models.F("valid_from"),
                ),
                name="relais_label_granted_has_period",
            ),
            # One open request per association at a time.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status=LabelStatus.REQUESTED),
                name="relais_label_one_open_request",
            ),
        ]

    def __str__(self):
        return f"Label Relais COP21 · {self.organisation}"

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == LabelStatus.GRANTED
            and self.valid_from is not None
            and self.valid_from <= on <= self.valid_until
        )
