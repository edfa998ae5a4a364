from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from pacte.models import TimeStampedModel
from pacte.models.documents import private_storage

from ..enums import TargetPublic


class Bilan(TimeStampedModel):
    """The bilan of a funded programme (CERFA 15059's content): what was really done, for whom,
    where, and the financial report (the actual amounts live on the budget lines)."""

    application = models.OneToOneField(
        "associations.SubsidyApplication", on_delete=models.CASCADE, related_name="bilan"
    )
    actions_held = models.PositiveIntegerField(
        "actions réalisées", null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    account = models.TextField("compte rendu qualitatif", blank=True, validators=[MaxLengthValidator(10_000)])
    # The portal's own figures over the programme's period, frozen when the bilan is filed.
    portal_figures = models.JSONField("chiffres du portail", default=dict, blank=True)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    accepted_at = models.DateTimeField("validé le", null=True, blank=True)
    correction_request = models.TextField("correction demandée", blank=True)

    class Meta:
        verbose_name = "bilan"
        verbose_name_plural = "bilans"

    def __str__(self):
        return f"Bilan · {self.application}"

    @property
    def people_reached(self) -> int:
        return sum(row.participants for row in self.participations.all())


class BilanParticipation(models.Model):
    """People really reached, by public and commune."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="participations")
    public = models.CharField("public", max_length=20, choices=TargetPublic.choices)
    commune = models.ForeignKey(
        "pacte.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="+"
    )
    participants = models.PositiveIntegerField(
        "participants", validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )

    class Meta:
        verbose_name = "participation"
        verbose_name_plural = "participations"
        constraints = [
            models.UniqueConstraint(fields=["bilan", "public", "commune"], name="bilan_participation_unique"),
        ]

    def __str__(self):
        return f"{self.get_public_display()} · {self.commune} : {self.participants}"


class BilanPhoto(TimeStampedModel):
    """A photo of the programme, cleaned by the kernel's image helper and kept in private storage
    (the bilan is not public): served by a view that checks who asks."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(storage=private_storage, upload_to="bilans/%Y/")
    thumbnail = models.ImageField(storage=private_storage, upload_to="bilans/%Y/")
    caption = models.CharField("légende", max_length=200)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "photo du bilan"
        verbose_name_plural = "photos du bilan"

    def __str__(self):
        return self.caption
