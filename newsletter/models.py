"""The social workers' letter (action 5): subscribers, issues and their sections, experience
sheets, and one delivery row per subscriber and issue (the sending's ledger)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from pacte.models.base import TimeStampedModel
from pacte.prepared import PreparedQuery

from .enums import DeliveryStatus, IssueStatus, SectionKind, SheetStatus, SubscriberRole, SubscriberStatus

# --- Subscribers -----------------------------------------------------------------------------


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=SubscriberStatus.ACTIVE)


class Subscriber(TimeStampedModel):
    """One address that asked for the letter. Not necessarily a portal account: social workers
    subscribe with their professional address, which is only used once confirmed."""

    email = models.EmailField("adresse e-mail", unique=True)
    name = models.CharField("nom", max_length=150, blank=True)
    structure = models.CharField("structure", max_length=200, blank=True)
    role = models.CharField("fonction", max_length=30, choices=SubscriberRole.choices)
    commune = models.ForeignKey(
        "pacte.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    themes = models.ManyToManyField(
        "pacte.Theme", verbose_name="thèmes d'intérêt", blank=True, related_name="+"
    )
    # Set when a signed-in person subscribed with their account's address (no confirmation
    # needed: allauth verified it); erased with the account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
        db_index=True,
    )
    # Renewed on unsubscription and erasure: every personal link signed before stops working.
    key = models.UUIDField("clé des liens personnels", default=uuid.uuid4, editable=False)
    consent_text = models.TextField("texte accepté", blank=True)
    consent_at = models.DateTimeField("consentement le", null=True, blank=True)
    confirmation_sent_at = models.DateTimeField("lien de confirmation envoyé le", null=True, blank=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désabonné·e le", null=True, blank=True)
    deactivated_at = models.DateTimeField("désactivée le", null=True, blank=True)
    deactivation_reason = models.CharField("motif de désactivation", max_length=300, blank=True)
    # Consecutive temporary failures (reset by a successful delivery): past the limit, the
    # address is deactivated.
    failure_count = models.PositiveSmallIntegerField("échecs consécutifs", default=0)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = "abonné·e"
        verbose_name_plural = "abonné·es"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["role", "status"])]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        # One address, one subscription, whatever its case.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


# Compiled once per process (pacte.prepared): building the queryset on every request cost 0.7 ms
# of CPU, several times the query itself.
_SUBSCRIPTION_STATUS = PreparedQuery(
    lambda email: Subscriber.objects.filter(email=email).order_by().values("status")[:1], email=str
)


def subscription_status(email: str) -> str | None:
    """The status of the subscription of `email` (None when there is none): what the letter's page
    shows a signed-in person."""
    # Stored as Subscriber.save normalises it.
    found = _SUBSCRIPTION_STATUS.rows(email=(email or "").strip().lower())
    return found[0]["status"] if found else None


# --- Experience sheets -----------------------------------------------------------------------


class SheetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=SheetStatus.PUBLISHED)

    def visible_to(self, user):
        """Published sheets for everyone; the editors also see drafts and sheets in review."""
        if user is not None and user.has_perm("newsletter.change_experiencesheet"):
            from pacte.permissions import acts_as_staff

            if acts_as_staff(user):
                return self
        return self.published()

    def for_listing(self):
        return self.select_related("commune").prefetch_related("themes").order_by("-published_at", "-pk")


class ExperienceSheet(TimeStampedModel):
    """A "retour d'expériences": what a structure did, for whom, with whom, and what came of it."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(
        "en bref (langage clair)",
        max_length=600,
        help_text="Trois ou quatre phrases simples : ce qui a été fait, pour qui, ce que ça a changé.",
    )
    context = models.TextField("contexte")
    public = models.TextField("public concerné")
    action = models.TextField("l'action")
    partners = models.TextField("partenaires", blank=True)
    results = models.TextField("résultats")
    contact = models.TextField("contact", blank=True)
    themes = models.ManyToManyField("pacte.Theme", verbose_name="thèmes", blank=True, related_name="+")
    commune = models.ForeignKey(
        "pacte.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "statut", max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="rédaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche retour d'expériences"
        verbose_name_plural = "fiches retours d'expériences"
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("newsletter:sheet_detail", args=[self.slug])


# --- Issues ----------------------------------------------------------------------------------


class IssueQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status=IssueStatus.SENT)

    def with_progress(self):
        """Counts of deliveries by status, for the admin's progress (one query for a page)."""
        return self.annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            remaining=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
            ),
        )


class Issue(TimeStampedModel):
    """One monthly issue of the letter, written by the editors and sent to every subscriber."""

    number = models.PositiveIntegerField(
        "numéro", unique=True, validators=[MinValueValidator(1), MaxValueValidator(9999)]
    )
    month = models.DateField("mois", help_text="Le premier jour du mois de la lettre.")
    title = models.CharField("thème du numéro", max_length=200)
    theme = models.ForeignKey(
        "pacte.Theme",
        verbose_name="thème du PACTE",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    editorial = models.TextField("éditorial")
    sheets = models.ManyToManyField(
        ExperienceSheet, verbose_name="fiches retours d'expériences", blank=True, related_name="issues"
    )
    status = models.CharField(
        "statut", max_length=20, choices=IssueStatus.choices, default=IssueStatus.DRAFT, db_index=True
    )
    scheduled_at = models.DateTimeField("envoi programmé le", null=True, blank=True)
    sending_started_at = models.DateTimeField("envoi commencé le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = "numéro de la lettre"
        verbose_name_plural = "numéros de la lettre"
        ordering = ["-number"]
        permissions = [("send_issue", "Peut envoyer un numéro de la lettre")]

    def __str__(self):
        return f"Lettre n° {self.number} — {self.title}"

    def get_absolute_url(self):
        return reverse("newsletter:issue_detail", args=[self.number])


class Section(models.Model):
    """A block of an issue: a scheme to know, an aid, a training, an animation."""

    issue = models.ForeignKey(Issue, verbose_name="numéro", on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField("rubrique", max_length=20, choices=SectionKind.choices)
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte")
    link = models.URLField("lien pour en savoir plus", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0, validators=[MaxValueValidator(999)])

    class Meta:
        verbose_name = "article"
        verbose_name_plural = "articles"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


# --- Deliveries ------------------------------------------------------------------------------


class Delivery(TimeStampedModel):
    """One issue to one subscriber: the row a worker claims before sending (see services.py)."""

    issue = models.ForeignKey(
        Issue, verbose_name="numéro", on_delete=models.CASCADE, related_name="deliveries"
    )
    # Null once the subscriber was erased: the delivery stays counted.
    subscriber = models.ForeignKey(
        Subscriber, verbose_name="abonné·e", on_delete=models.SET_NULL, null=True, related_name="deliveries"
    )
    status = models.CharField(
        "statut", max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # A temporary failure is retried from this time on.
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    # The claim: which worker holds the row since when (a claim past the lease is taken back).
    claim_token = models.UUIDField("jeton de prise en charge", null=True, blank=True)
    claimed_at = models.DateTimeField("pris en charge le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=500, blank=True)

    class Meta:
        verbose_name = "envoi"
        verbose_name_plural = "envois"
        ordering = ["pk"]
        constraints = [
            # One delivery per subscriber and issue: re-running the start creates nothing twice.
            models.UniqueConstraint(fields=["issue", "subscriber"], name="newsletter_delivery_once"),
        ]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self):
        return f"{self.issue} → {self.subscriber or 'adresse effacée'}"

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt: should a crash make a retry send it again, the
        receiving side can recognise the duplicate (see services.deliveries_send_batch)."""
        return f"<lettre-{self.issue_id}-{self.pk}@pacte.metropole-rouen-normandie.fr>"
