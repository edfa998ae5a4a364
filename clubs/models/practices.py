from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from pacte.enums import MembershipRole
from pacte.models import TimeStampedModel
from pacte.models.moderation import MAX_PHOTOS, REPORTS_TO_HIDE_MAX, PostPhoto, PostReport, PostReportQuerySet
from pacte.permissions import acts_as_staff

from ..enums import PracticeStatus

__all__ = [
    "MAX_PHOTOS",
    "REPORTS_TO_HIDE_MAX",
    "ModerationSettings",
    "Practice",
    "PracticeAdoption",
    "PracticePhoto",
    "PracticeReply",
    "PracticeReport",
]


def _animator_q(user, prefix: str = "club__") -> Q:
    return Q(
        **{
            f"{prefix}organisation__memberships__user": user,
            f"{prefix}organisation__memberships__role": MembershipRole.REFERENT,
        }
    )


class PracticeQuerySet(models.QuerySet):
    def visible(self):
        """What public pages show: published practices of active clubs."""
        return self.filter(status=PracticeStatus.PUBLISHED, club__organisation__is_active=True)

    def visible_to(self, user):
        """Public practices; plus, for the club's animators and staff, the reported and hidden ones;
        plus, for the author, their own (so they can see it is awaiting moderation)."""
        if not user.is_authenticated:
            return self.visible()
        if acts_as_staff(user):
            return self
        return self.filter(
            Q(status=PracticeStatus.PUBLISHED, club__organisation__is_active=True)
            | Q(author=user)
            | Q(pk__in=Practice.objects.filter(_animator_q(user)).values("pk"))
        )

    def editable_by(self, user):
        """Practices `user` may correct or delete: their own, and those of the clubs they animate."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(Q(author=user) | Q(pk__in=Practice.objects.filter(_animator_q(user)).values("pk")))

    def moderatable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(pk__in=Practice.objects.filter(_animator_q(user)).values("pk"))

    def with_counts(self):
        return self.annotate(
            adoption_count=Count("adoptions", distinct=True),
            reply_count=Count("replies", filter=Q(replies__is_hidden=False), distinct=True),
        )

    def for_listing(self):
        return (
            self.select_related("club__organisation", "club__organisation__commune", "author")
            .prefetch_related("themes", "photos")
            .with_counts()
            .order_by("-created_at", "-id")
        )


class Practice(TimeStampedModel):
    """A practice ("pratique") a member shares with their club and with the public."""

    club = models.ForeignKey(
        "clubs.Club", verbose_name="club", on_delete=models.CASCADE, related_name="practices"
    )
    # NULL once the author deleted their account: the practice stays, without a name.
    author = models.ForeignKey(
        "pacte.User",
        verbose_name="partagée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="club_practices",
    )
    title = models.CharField("titre", max_length=150)
    text = models.TextField("description")
    themes = models.ManyToManyField("pacte.Theme", verbose_name="thèmes", blank=True, related_name="+")
    status = models.CharField(
        "statut",
        max_length=12,
        choices=PracticeStatus.choices,
        default=PracticeStatus.PUBLISHED,
        db_index=True,
    )
    status_changed_at = models.DateTimeField("statut changé le", null=True, blank=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "pratique"
        verbose_name_plural = "pratiques"
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("clubs:practice_detail", args=[self.club.organisation.slug, self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == PracticeStatus.PUBLISHED


class PracticePhoto(PostPhoto):
    """A practice's photo (the kernel's PostPhoto: re-encoded, no EXIF, no GPS position)."""

    practice = models.ForeignKey(
        Practice, verbose_name="pratique", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        "photo", upload_to="clubs/pratiques/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField("vignette", upload_to="clubs/pratiques/%Y/%m/")

    class Meta(PostPhoto.Meta):
        pass

    def __str__(self):
        return f"Photo {self.position + 1} · {self.practice_id}"


class PracticeAdoption(models.Model):
    """ "Je l'ai adoptée": one per person and practice; withdrawing deletes the row."""

    practice = models.ForeignKey(
        Practice, verbose_name="pratique", on_delete=models.CASCADE, related_name="adoptions"
    )
    # NULL once the person deleted their account: the adoption stays counted.
    user = models.ForeignKey(
        "pacte.User",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="club_practice_adoptions",
    )
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "adoption"
        verbose_name_plural = "adoptions"
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="practice_adoption_one_per_person"),
        ]

    def __str__(self):
        return f"{self.user_id} adopte {self.practice_id}"


class PracticeReply(TimeStampedModel):
    practice = models.ForeignKey(
        Practice, verbose_name="pratique", on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        "pacte.User",
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField("réponse")
    is_hidden = models.BooleanField("masquée", default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "réponse à une pratique"
        verbose_name_plural = "réponses aux pratiques"

    def __str__(self):
        return self.text[:60]

    @property
    def body(self) -> str:
        # The kernel's reply component (components/exchanges/reply_list.html) reads `body`.
        return self.text


class PracticeReportQuerySet(PostReportQuerySet):
    pass


class PracticeReport(PostReport):
    """Someone signed-in flagged a practice; enough of them (from distinct people) take it off
    public pages until an animator decides (clubs.services.practice_report). The reporter, reason
    and resolution fields are the kernel's PostReport."""

    practice = models.ForeignKey(
        Practice, verbose_name="pratique", on_delete=models.CASCADE, related_name="reports"
    )
    resolution = models.CharField("décision", max_length=12, choices=PracticeStatus.choices, blank=True)

    objects = PracticeReportQuerySet.as_manager()

    class Meta(PostReport.Meta):
        constraints = [
            # One report per person and practice, for good: a restored practice cannot be hidden
            # again by the same people (NULL reporters, deleted accounts, do not collide).
            models.UniqueConstraint(fields=["practice", "reporter"], name="practice_report_one_per_person"),
        ]

    def __str__(self):
        return f"Signalement de « {self.practice} »"


class ModerationSettings(TimeStampedModel):
    """The moderation's settings DACTE staff change in the admin: a single row (pk 1), created
    by the first change; until then the environment's defaults apply (clubs.services)."""

    SINGLETON_PK = 1

    reports_to_hide = models.PositiveSmallIntegerField(
        "signalements pour masquer une pratique",
        validators=[MinValueValidator(1), MaxValueValidator(REPORTS_TO_HIDE_MAX)],
        help_text=(
            "Nombre de personnes différentes dont les signalements retirent une pratique des pages "
            f"publiques en attendant la modération (de 1 à {REPORTS_TO_HIDE_MAX})."
        ),
    )

    class Meta:
        verbose_name = "réglages de la modération"
        verbose_name_plural = "réglages de la modération"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="moderation_settings_single_row"),
            models.CheckConstraint(
                condition=Q(reports_to_hide__gte=1, reports_to_hide__lte=REPORTS_TO_HIDE_MAX),
                name="moderation_settings_reports_to_hide_range",
            ),
        ]

    def __str__(self):
        return "Réglages de la modération"
