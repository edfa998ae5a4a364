from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from pacte.enums import MembershipRole, OrganisationKind
from pacte.models import TimeStampedModel
from pacte.permissions import acts_as_staff

from ..enums import ClubType, MailingStatus

__all__ = ["Club", "ClubMailing", "ClubMailingRecipient", "ClubMembershipRecord"]


class ClubQuerySet(models.QuerySet):
    def active(self):
        return self.filter(organisation__is_active=True)

    def visible_to(self, user):
        """Active clubs for everyone; staff also reach the deactivated ones."""
        if acts_as_staff(user):
            return self
        return self.active()

    def editable_by(self, user):
        """Clubs `user` animates: référents of the club's organisation, and staff for every club."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(
            organisation__memberships__user=user,
            organisation__memberships__role=MembershipRole.REFERENT,
        ).distinct()

    def of_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation__memberships__user=user).distinct()

    def with_member_count(self):
        return self.annotate(member_count=Count("organisation__memberships", distinct=True))

    def for_listing(self):
        return (
            self.select_related("organisation", "organisation__commune")
            .prefetch_related("organisation__themes")
            .with_member_count()
            # Meta.ordering does not apply to GROUP BY queries: the annotation needs it explicit.
            .order_by("organisation__name", "pk")
        )


class Club(TimeStampedModel):
    """The clubs-side profile of a kernel Organisation of kind club.

    Name, slug, summary, description, themes, commune and contact stay on the Organisation (one
    directory for every structure); what only a club has lives here.
    """

    organisation = models.OneToOneField(
        "pacte.Organisation",
        verbose_name="structure",
        on_delete=models.CASCADE,
        related_name="club",
        limit_choices_to={"kind": OrganisationKind.CLUB},
    )
    club_type = models.CharField("type de club", max_length=20, choices=ClubType.choices, db_index=True)
    meeting_place = models.CharField(
        "lieu de rencontre habituel", max_length=200, blank=True, help_text="Sans adresse personnelle."
    )
    meeting_schedule = models.CharField(
        "rythme des rencontres",
        max_length=200,
        blank=True,
        help_text="Par exemple : le premier jeudi du mois à 18 h.",
    )
    # Mail settings: the address members' answers go to, and the closing line of club e-mails.
    mail_reply_to = models.EmailField(
        "adresse de réponse aux e-mails du club",
        blank=True,
        help_text="Les réponses des membres aux e-mails du club arrivent à cette adresse.",
    )
    mail_signature = models.CharField("signature des e-mails du club", max_length=200, blank=True)

    objects = ClubQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "club"
        verbose_name_plural = "clubs"

    def __str__(self):
        return self.organisation.name

    def get_absolute_url(self):
        return reverse("clubs:detail", args=[self.organisation.slug])

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def slug(self) -> str:
        return self.organisation.slug


class ClubMembershipRecordQuerySet(models.QuerySet):
    def open(self):
        return self.filter(left_at__isnull=True)

    def members_during(self, start, end):
        """Stints overlapping [start, end] (datetimes): the people who were members in the period."""
        return self.filter(joined_at__lte=end).filter(Q(left_at__isnull=True) | Q(left_at__gte=start))

    def joined_during(self, start, end):
        return self.filter(joined_at__gte=start, joined_at__lte=end)


class ClubMembershipRecord(models.Model):
    """History of club membership, one row per stint (join → leave), written by the join/leave services.

    The kernel Membership is the live state and is deleted when a person leaves; this history is
    what counts "members" and "new members" over a period:

    - club: the club joined.
    - user: the person; NULL once they deleted their account (the stint stays counted anonymously).
    - commune: the person's home commune when they joined (NULL: outside the Métropole or unknown);
      kept after account deletion so figures by commune hold.
    - joined_at / left_at: the stint; left_at is NULL while the person is still a member.
    - receives_mailings / mailings_opted_out_at: the member's choice about the club's e-mails
      (the unsubscribe link of each club e-mail sets it to False).

    Members over [start, end]: joined_at <= end and (left_at is NULL or left_at >= start).
    New members over [start, end]: start <= joined_at <= end.
    """

    club = models.ForeignKey(
        Club, verbose_name="club", on_delete=models.CASCADE, related_name="membership_records"
    )
    user = models.ForeignKey(
        "pacte.User",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="club_membership_records",
    )
    commune = models.ForeignKey(
        "pacte.Commune",
        verbose_name="commune de résidence à l'adhésion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_at = models.DateTimeField("arrivée", db_index=True)
    left_at = models.DateTimeField("départ", null=True, blank=True, db_index=True)
    receives_mailings = models.BooleanField("reçoit les e-mails du club", default=True)
    mailings_opted_out_at = models.DateTimeField("désabonné des e-mails le", null=True, blank=True)

    objects = ClubMembershipRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-joined_at", "-id"]
        verbose_name = "historique d'adhésion"
        verbose_name_plural = "historique des adhésions"
        constraints = [
            models.UniqueConstraint(
                fields=["club", "user"],
                condition=Q(left_at__isnull=True),
                name="club_membership_record_one_open_stint",
            ),
        ]

    def __str__(self):
        who = self.user.display_name if self.user_id else "Compte supprimé"
        return f"{who} · {self.club_id} · {self.joined_at:%d/%m/%Y}"


class ClubMailingQuerySet(models.QuerySet):
    def editable_by(self, user):
        return self.filter(club__in=Club.objects.editable_by(user))


class ClubMailing(TimeStampedModel):
    """An e-mail an animator sends to the club's members; sent by a Celery task, one message each."""

    club = models.ForeignKey(Club, verbose_name="club", on_delete=models.CASCADE, related_name="mailings")
    subject = models.CharField("objet", max_length=150)
    message = models.TextField("message")
    author = models.ForeignKey(
        "pacte.User",
        verbose_name="écrit par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "statut", max_length=10, choices=MailingStatus.choices, default=MailingStatus.QUEUED, db_index=True
    )
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    recipient_count = models.PositiveIntegerField("destinataires", default=0)

    objects = ClubMailingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "e-mail aux membres"
        verbose_name_plural = "e-mails aux membres"

    def __str__(self):
        return self.subject


class ClubMailingRecipient(models.Model):
    """One member's copy of a mailing; `sent_at` is claimed before sending, so a rerun skips it."""

    mailing = models.ForeignKey(
        ClubMailing, verbose_name="e-mail", on_delete=models.CASCADE, related_name="recipients"
    )
    user = models.ForeignKey(
        "pacte.User",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "destinataire"
        verbose_name_plural = "destinataires"
        constraints = [
            models.UniqueConstraint(fields=["mailing", "user"], name="club_mailing_recipient_unique"),
        ]

    def __str__(self):
        return f"{self.mailing_id} → {self.user_id}"
