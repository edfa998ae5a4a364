"""The showcase of actions ("Vitrine des actions"): what labelled associations did, posted by their
referents, public once DACTE staff read and published it. Photos and reports are the kernel's
moderated-post models (pacte/models/moderation.py), shared with clubs' practices."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from pacte.models import TimeStampedModel
from pacte.models.moderation import MAX_PHOTOS, PostPhoto, PostReport
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff

from ..enums import TargetPublic

__all__ = [
    "MAX_HEADCOUNT",
    "MAX_PHOTOS",
    "ShowcaseAction",
    "ShowcasePhoto",
    "ShowcaseReport",
    "ShowcaseStatus",
]

# People reached by one action: beyond, a typing slip rather than an association's event.
MAX_HEADCOUNT = 100_000


class ShowcaseStatus(models.TextChoices):
    """Pre-moderated: public only once staff published it; reports can take it off again."""

    PENDING = "pending", "En attente de relecture"
    PUBLISHED = "published", "Publiée"
    REPORTED = "reported", "Signalée, retirée en attendant la relecture"
    REFUSED = "refused", "Refusée"
    WITHDRAWN = "withdrawn", "Retirée par l'association"


class ShowcaseActionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ShowcaseStatus.PUBLISHED)

    def pending(self):
        """What waits for staff: new or corrected posts, and the ones reports took off."""
        return self.filter(status__in=[ShowcaseStatus.PENDING, ShowcaseStatus.REPORTED])

    def visible_to(self, user):
        """Published actions for everyone; an association's own posts (pending, refused, withdrawn)
        for its members; everything for staff. Another association's draft is not there."""
        if not getattr(user, "is_authenticated", False):
            return self.published()
        if acts_as_staff(user):
            return self
        return self.filter(Q(status=ShowcaseStatus.PUBLISHED) | Q(organisation__in=_organisations_of(user)))

    def editable_by(self, user):
        """The association's referents correct and withdraw its posts; staff moderate in the admin."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(organisation__in=_organisations_of(user, referent=True))

    def for_listing(self):
        return (
            self.select_related("organisation", "commune")
            .prefetch_related("photos")
            .order_by("-published_at", "-created_at", "-id")
        )


def _organisations_of(user, referent: bool = False):
    from pacte.models import Organisation

    if referent:
        return Organisation.objects.filter(referent_q(user)).values("pk")
    return Organisation.objects.filter(memberships__user=user).values("pk")


class ShowcaseAction(TimeStampedModel):
    """An action a labelled association ran, shown to the network and the public."""

    organisation = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="association",
        on_delete=models.CASCADE,
        related_name="showcase_actions",
    )
    # NULL once the author deleted their account: the post is the association's, it stays.
    author = models.ForeignKey(
        "pacte.User",
        verbose_name="déposée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="showcase_actions",
    )
    title = models.CharField("titre", max_length=150)
    text = models.TextField("récit de l'action", max_length=5000)
    themes = models.ManyToManyField("pacte.Theme", verbose_name="thèmes", blank=True, related_name="+")
    commune = models.ForeignKey(
        "pacte.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="+"
    )
    public_category = models.CharField("public touché", max_length=20, choices=TargetPublic.choices)
    headcount = models.PositiveIntegerField(
        "nombre de personnes touchées",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HEADCOUNT)],
    )
    event = models.ForeignKey(
        "pacte.Event",
        verbose_name="événement de l'agenda",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "publication",
        max_length=10,
        choices=ShowcaseStatus.choices,
        default=ShowcaseStatus.PENDING,
        db_index=True,
    )
    status_changed_at = models.DateTimeField("statut changé le", null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    objects = ShowcaseActionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = "action de la vitrine"
        verbose_name_plural = "actions de la vitrine"
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__isnull=True) | Q(headcount__gte=1, headcount__lte=MAX_HEADCOUNT),
                name="reseau_showcase_headcount_range",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.event_id and self.organisation_id and self.event.organiser_id != self.organisation_id:
            raise ValidationError({"event": "Cet événement n'est pas organisé par l'association."})

    def get_absolute_url(self):
        return reverse("associations:showcase_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == ShowcaseStatus.PUBLISHED


class ShowcasePhoto(PostPhoto):
    action = models.ForeignKey(
        ShowcaseAction, verbose_name="action", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        "photo", upload_to="associations/vitrine/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField("vignette", upload_to="associations/vitrine/%Y/%m/")

    class Meta(PostPhoto.Meta):
        pass

    def __str__(self):
        return f"Photo {self.position + 1} · {self.action_id}"


class ShowcaseReport(PostReport):
    action = models.ForeignKey(
        ShowcaseAction, verbose_name="action", on_delete=models.CASCADE, related_name="reports"
    )
    resolution = models.CharField("décision", max_length=10, choices=ShowcaseStatus.choices, blank=True)

    class Meta(PostReport.Meta):
        verbose_name = "signalement d'une action de la vitrine"
        verbose_name_plural = "signalements des actions de la vitrine"
        constraints = [
            # Once per person, for good: a republished action cannot be taken off by the same people.
            models.UniqueConstraint(
                fields=["action", "reporter"], name="reseau_showcase_report_one_per_person"
            ),
        ]

    def __str__(self):
        return f"Signalement de « {self.action} »"
