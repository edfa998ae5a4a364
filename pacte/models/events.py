from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from ..enums import PROFESSIONAL_CATEGORIES, Action, EventAudience, RegistrationStatus
from ..permissions import acts_as_staff
from .base import TimeStampedModel
from .organisations import referent_q

# Bound of every count of people at one event (places, walk-ins): far above any real event, far
# below what the indicators could be skewed by, or the database overflow on.
MAX_PEOPLE = 10_000


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def with_places_left(self):
        return self.filter(Q(capacity__isnull=True) | Q(seats_taken__lt=F("capacity")))

    def for_listing(self):
        return self.select_related("commune", "organiser").prefetch_related("themes")

    def awaiting_attendance(self, now=None):
        """Published events that have ended, had confirmed registrations, and whose attendance
        nobody has recorded yet (the last 90 days: older ones are not going to be)."""
        now = now or timezone.now()
        return self.filter(
            is_published=True,
            ends_at__lt=now,
            ends_at__gte=now - timedelta(days=90),
            attendance_recorded_at__isnull=True,
            registrations__status=RegistrationStatus.CONFIRMED,
        ).distinct()

    def visible_to(self, user):
        """Published events for everyone; drafts for staff and the organiser's référents."""
        if acts_as_staff(user):
            return self
        published = Q(is_published=True)
        if not user.is_authenticated:
            return self.filter(published)
        return self.filter(published | referent_q(user, "organiser__")).distinct()

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(referent_q(user, "organiser__")).distinct()


class Event(TimeStampedModel):
    """One date of the programme's single agenda, whichever of the six actions runs it."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    action = models.CharField("action du PACTE", max_length=20, choices=Action.choices)
    summary = models.CharField("résumé", max_length=300, blank=True)
    description = models.TextField("description", blank=True)
    # Null organiser means the Métropole (DACTE) itself runs the event.
    organiser = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="organisateur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="Laisser vide si la Métropole organise.",
    )
    themes = models.ManyToManyField("pacte.Theme", verbose_name="thèmes", blank=True)
    commune = models.ForeignKey(
        "pacte.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    place = models.CharField("lieu", max_length=200, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    starts_at = models.DateTimeField("début", db_index=True)
    ends_at = models.DateTimeField("fin", db_index=True)
    capacity = models.PositiveIntegerField(
        "places",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PEOPLE)],
        help_text="Laisser vide pour un nombre illimité.",
    )
    registration_opens_at = models.DateTimeField("ouverture des inscriptions", null=True, blank=True)
    registration_closes_at = models.DateTimeField(
        "clôture des inscriptions",
        null=True,
        blank=True,
        help_text="Par défaut, les inscriptions ferment au début de l'événement.",
    )
    registration_required = models.BooleanField("sur inscription", default=True)
    audience = models.CharField(
        "public",
        max_length=20,
        choices=EventAudience.choices,
        default=EventAudience.EVERYONE,
        help_text="Les inscriptions sont réservées en conséquence : professionnels (selon le profil "
        "indiqué par la personne) ou membres de la structure organisatrice.",
    )
    is_published = models.BooleanField("publié", default=False, db_index=True)
    # Kept in step with confirmed registrations by the services, under the event's row lock:
    # lists filter on places left without counting registrations.
    seats_taken = models.PositiveIntegerField("places prises", default=0, editable=False)
    walk_in_count = models.PositiveIntegerField(
        "venus sans inscription",
        default=0,
        validators=[MaxValueValidator(MAX_PEOPLE)],
        help_text="Personnes venues sans s'être inscrites.",
    )
    attendance_recorded_at = models.DateTimeField("présences saisies le", null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "événement"
        verbose_name_plural = "événements"
        indexes = [models.Index(fields=["is_published", "ends_at", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agenda:detail", args=[self.slug])

    @property
    def organiser_name(self) -> str:
        return self.organiser.name if self.organiser_id else "Métropole Rouen Normandie"

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.seats_taken >= self.capacity

    @property
    def closes_at(self):
        return self.registration_closes_at or self.starts_at

    @property
    def has_ended(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def audience_label(self) -> str:
        if self.audience == EventAudience.MEMBERS:
            return f"Réservé aux membres de « {self.organiser_name} »"
        if self.audience == EventAudience.PROFESSIONALS:
            return "Réservé aux professionnels (associations, communes, acteurs sociaux, partenaires)"
        return "Tout public"

    def registration_refusal(self, now=None, user=None) -> str | None:
        """Why nobody (or `user`, when given) can register now, in French; None when open."""
        now = now or timezone.now()
        if not self.is_published:
            return "Cet événement n'est pas publié."
        if not self.registration_required:
            return "Cet événement est en accès libre, sans inscription."
        if self.ends_at < now:
            return "Événement terminé : les inscriptions sont closes."
        if self.starts_at <= now:
            return "L'événement a commencé : les inscriptions sont closes."
        if self.registration_opens_at and now < self.registration_opens_at:
            opens = timezone.localtime(self.registration_opens_at).strftime("%d/%m/%Y à %H:%M")
            return f"Les inscriptions ouvriront le {opens}."
        if now >= self.closes_at:
            return "Les inscriptions sont closes."
        if user is not None and user.is_authenticated:
            return self.audience_refusal(user)
        return None

    def audience_refusal(self, user) -> str | None:
        """Why `user` is not among the event's public, or None."""
        if self.audience == EventAudience.PROFESSIONALS and user.category not in PROFESSIONAL_CATEGORIES:
            return (
                "Cet événement est réservé aux professionnels (associations, communes, acteurs sociaux, "
                "partenaires, agents de la Métropole). Si c'est votre cas, indiquez-le dans votre profil "
                "(« Vous êtes ») depuis Mon espace."
            )
        if self.audience == EventAudience.MEMBERS:
            from .organisations import Membership

            if not (
                self.organiser_id
                and Membership.objects.filter(organisation_id=self.organiser_id, user=user).exists()
            ):
                return f"Cet événement est réservé aux membres de « {self.organiser_name} »."
        return None


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=RegistrationStatus.WAITLISTED)

    def queue_order(self):
        return self.order_by("created_at", "id")

    def of_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Registration(TimeStampedModel):
    event = models.ForeignKey(
        Event, verbose_name="événement", on_delete=models.CASCADE, related_name="registrations"
    )
    # Null once the person deleted their account: the registration stays counted anonymously.
    user = models.ForeignKey(
        "pacte.User",
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    status = models.CharField("statut", max_length=12, choices=RegistrationStatus.choices, db_index=True)
    attended = models.BooleanField("présent", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    promoted_at = models.DateTimeField("sortie de liste d'attente le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        constraints = [
            # One live registration per person and event; cancelled ones are history.
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="registration_one_active_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            # The people present at each event, read from the index alone: the indicators count
            # the distinct people of a month over a million registrations (indicators/people.py).
            models.Index(
                fields=["event", "user"],
                condition=Q(attended=True, status=RegistrationStatus.CONFIRMED),
                name="registration_attended",
            ),
        ]

    def __str__(self):
        return f"{self.user or 'Anonyme'} → {self.event} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED

    def waitlist_position(self) -> int | None:
        if self.status != RegistrationStatus.WAITLISTED:
            return None
        ahead = (
            Registration.objects.filter(event_id=self.event_id, status=RegistrationStatus.WAITLISTED)
            .filter(Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, id__lt=self.id))
            .count()
        )
        return ahead + 1
