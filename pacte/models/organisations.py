from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ..enums import MembershipRole, OrganisationKind
from ..permissions import acts_as_staff
from ..validators import validate_siret
from .base import TimeStampedModel


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def editable_by(self, user):
        """Staff edit everything; a référent edits their own organisations."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(referent_q(user)).distinct()

    def of_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()


class Organisation(TimeStampedModel):
    """A "Structure": association, commune, club, partner or social structure."""

    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField("présentation courte", max_length=300, blank=True)
    description = models.TextField("présentation", blank=True)
    logo = models.ImageField("logo", upload_to="logos/", blank=True)
    email = models.EmailField("e-mail de contact", blank=True)
    phone = models.CharField(
        "téléphone",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9 +().-]{6,20}$", "Numéro de téléphone invalide.")],
    )
    website = models.URLField("site web", blank=True)
    commune = models.ForeignKey(
        "pacte.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    themes = models.ManyToManyField("pacte.Theme", verbose_name="thèmes", blank=True)
    rna = models.CharField(
        "numéro RNA",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^W\d{9}$", "Le numéro RNA s'écrit W suivi de 9 chiffres.")],
    )
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    is_active = models.BooleanField("active", default=True)
    # Staff decide, per organisation, whether its référents' events skip the DACTE's review.
    publishes_events_directly = models.BooleanField(
        "publie ses événements sans relecture",
        default=False,
        help_text="Les événements proposés par ses référents paraissent aussitôt dans l'agenda, "
        "sans attendre la publication par la DACTE.",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "structure"
        verbose_name_plural = "structures"
        indexes = [models.Index(fields=["kind", "is_active"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # The app that shows this kind of organisation says where (its portal declaration);
        # otherwise the kernel's public page of any organisation.
        from ..portal import organisation_url

        return organisation_url(self) or reverse("organisation_detail", args=[self.slug])


class MembershipQuerySet(models.QuerySet):
    def referents(self):
        return self.filter(role=MembershipRole.REFERENT)


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        "pacte.User", verbose_name="personne", on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="structure", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        "rôle", max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


def referent_q(user, prefix: str = "") -> Q:
    """Q matching objects whose organisation has `user` as référent."""
    return Q(
        **{
            f"{prefix}memberships__user": user,
            f"{prefix}memberships__role": MembershipRole.REFERENT,
        }
    )


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True)


class Invitation(TimeStampedModel):
    """An invitation to join an organisation, sent to an address that has no account yet.

    The link in the e-mail carries the invitation's id signed with a timestamp (pacte.services.
    organisations); the row says it is still pending, so a used or withdrawn link is refused.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="structure", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse invitée")
    role = models.CharField(
        "rôle", max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    invited_by = models.ForeignKey(
        "pacte.User",
        verbose_name="invitée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        constraints = [
            # One pending invitation per address and organisation: a second one is refused.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"
