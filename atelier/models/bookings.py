from datetime import timedelta

from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from pacte.models import TimeStampedModel
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff

from ..enums import LIVE_BOOKING_STATUSES, BookingStatus
from .constraints import PostgresExclusionConstraint, TsTzRange

# A booking not checked in this long after its start is released and counted as a no-show.
NO_SHOW_AFTER = timedelta(minutes=30)
# Check-in opens a little before the start, so people arriving early can say so.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=15)


class ResidencyQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(is_active=True, starts_on__lte=day, ends_on__gte=day)

    def active(self):
        return self.filter(is_active=True)

    def editable_by(self, user):
        """Staff, and the référents of the resident association."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(referent_q(user, "organisation__")).distinct()


class Residency(TimeStampedModel):
    """A resident association: what it may book, when, and how much per week."""

    organisation = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="association",
        on_delete=models.PROTECT,
        related_name="atelier_residencies",
    )
    application = models.OneToOneField(
        "atelier.Application",
        verbose_name="candidature",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residency",
    )
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    spaces = models.ManyToManyField(
        "atelier.Space", verbose_name="espaces autorisés", related_name="residencies"
    )
    weekly_quota_hours = models.PositiveSmallIntegerField(
        "quota hebdomadaire (heures)", validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    rules_accepted_at = models.DateTimeField("règlement accepté le", null=True, blank=True)
    rules_accepted_by = models.ForeignKey(
        "pacte.User",
        verbose_name="règlement accepté par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField("active", default=True)

    objects = ResidencyQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "résidence"
        verbose_name_plural = "résidences"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="atelier_residency_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("atelier:residency", args=[self.organisation.slug])


class BookingSeries(TimeStampedModel):
    """A weekly recurring booking: each occurrence is a Booking checked on its own."""

    residency = models.ForeignKey(
        Residency, verbose_name="résidence", on_delete=models.CASCADE, related_name="series"
    )
    space = models.ForeignKey(
        "atelier.Space", verbose_name="espace", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("objet", max_length=200)
    first_starts_at = models.DateTimeField("première occurrence")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    until = models.DateField("jusqu'au")
    created_by = models.ForeignKey(
        "pacte.User",
        verbose_name="créée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "série de réservations"
        verbose_name_plural = "séries de réservations"

    def __str__(self):
        return f"{self.title} (chaque semaine jusqu'au {self.until:%d/%m/%Y})"


class BookingQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_BOOKING_STATUSES)

    def overlapping(self, space, starts_at, ends_at):
        """Live bookings of `space` sharing some time with [starts_at, ends_at)."""
        return self.live().filter(space=space, starts_at__lt=ends_at, ends_at__gt=starts_at)

    def editable_by(self, user):
        """Staff, and the référents of the booking association."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(referent_q(user, "organisation__")).distinct()

    def for_listing(self):
        return self.select_related("space", "organisation", "event")


class Booking(TimeStampedModel):
    space = models.ForeignKey(
        "atelier.Space", verbose_name="espace", on_delete=models.PROTECT, related_name="bookings"
    )
    residency = models.ForeignKey(
        Residency,
        verbose_name="résidence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    # Null for the Atelier team's own bookings.
    organisation = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="association",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="atelier_bookings",
    )
    series = models.ForeignKey(
        BookingSeries,
        verbose_name="série",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    title = models.CharField("objet", max_length=200)
    starts_at = models.DateTimeField("début", db_index=True)
    ends_at = models.DateTimeField("fin")
    status = models.CharField("statut", max_length=20, choices=BookingStatus.choices, db_index=True)
    expected_people = models.PositiveSmallIntegerField(
        "personnes attendues", default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    checked_in_at = models.DateTimeField("arrivée signalée le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True, editable=False)
    refusal_reason = models.CharField("motif du refus", max_length=300, blank=True)
    event = models.OneToOneField(
        "pacte.Event",
        verbose_name="événement publié",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="atelier_booking",
    )
    created_by = models.ForeignKey(
        "pacte.User",
        verbose_name="réservée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        indexes = [models.Index(fields=["space", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="atelier_booking_ends_after_start"
            ),
            # Two live bookings of one space never share a minute, even under concurrent requests
            # (btree_gist lets the integer space_id sit in the GiST index with the range).
            PostgresExclusionConstraint(
                name="atelier_booking_no_overlap",
                expressions=[
                    ("space", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_BOOKING_STATUSES),
                violation_error_message="Cet espace est déjà réservé sur ce créneau.",
            ),
        ]

    def __str__(self):
        when = timezone.localtime(self.starts_at)
        return f"{self.space} · {when:%d/%m/%Y %H:%M} · {self.title}"

    def get_absolute_url(self):
        return reverse("atelier:booking", args=[self.pk])

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_BOOKING_STATUSES

    def can_check_in(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == BookingStatus.CONFIRMED
            and self.checked_in_at is None
            and self.starts_at - CHECK_IN_OPENS_BEFORE
            <= now
            < min(self.ends_at, self.starts_at + NO_SHOW_AFTER)
        )
