"""Tools of the network's library, their photos, files and physical copies, and the loans of
those copies with their hand-offs from one borrower to the next.

Two loans of one copy never overlap: the service checks under a row lock of the copy, and on
PostgreSQL an exclusion constraint (btree_gist over the date range) holds even against writes
that bypass the service (migration 00xx_tool_library, added only on PostgreSQL).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pacte.models import TimeStampedModel
from pacte.models.documents import private_storage
from pacte.permissions import acts_as_staff

from ...enums import TargetPublic
from ..access import network_organisations, referent_organisations
from .enums import BLOCKING_STATUSES, CopyCondition, LoanStatus, ToolKind

__all__ = ["Loan", "LoanHandoff", "Tool", "ToolCopy", "ToolFile", "ToolPhoto"]

METROPOLE = "Métropole Rouen Normandie"
MAX_AGE = 99
MAX_PHOTOS = 6
MAX_FILES = 10
MAX_COPIES = 20
# A loan lasts at most this many days, and is asked at most this far ahead.
MAX_LOAN_DAYS = 60
MAX_LEAD_DAYS = 365


class ToolQuerySet(models.QuerySet):
    def offered(self):
        """What the catalogue shows: tools not withdrawn."""
        return self.filter(is_withdrawn=False)

    def visible_to(self, user):
        """The catalogue is public; a withdrawn tool stays visible to its owner's référents and staff."""
        if user.is_authenticated and acts_as_staff(user):
            return self
        if not user.is_authenticated:
            return self.offered()
        return self.filter(Q(is_withdrawn=False) | Q(owner__in=referent_organisations(user)))

    def editable_by(self, user):
        """Référents of a labelled owner association; the Métropole's tools (no owner) are staff's."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(owner__in=referent_organisations(user))

    def for_listing(self):
        return self.select_related("owner", "owner__commune").prefetch_related("themes", "photos")


class Tool(TimeStampedModel):
    """An animation tool of the library, owned by a labelled association or by the Métropole."""

    # Null means the Métropole owns it (managed by staff).
    owner = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="propriétaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reseau_tools",
    )
    title = models.CharField("titre", max_length=150)
    kind = models.CharField("type", max_length=12, choices=ToolKind.choices, db_index=True)
    summary = models.CharField("résumé", max_length=300)
    description = models.TextField("description", max_length=10000)
    themes = models.ManyToManyField("pacte.Theme", verbose_name="thèmes", blank=True, related_name="+")
    public = models.CharField("public visé", max_length=20, choices=TargetPublic.choices, db_index=True)
    age_min = models.PositiveSmallIntegerField(
        "âge minimum", null=True, blank=True, validators=[MaxValueValidator(MAX_AGE)]
    )
    age_max = models.PositiveSmallIntegerField(
        "âge maximum", null=True, blank=True, validators=[MaxValueValidator(MAX_AGE)]
    )
    is_withdrawn = models.BooleanField("retiré du catalogue", default=False)
    created_by = models.ForeignKey(
        "pacte.User",
        verbose_name="ajouté par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ToolQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = "outil d'animation"
        verbose_name_plural = "outils d'animation"
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_max__gte=models.F("age_min")),
                name="reseau_tool_age_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("associations:reseau_tools:detail", args=[self.pk])

    @property
    def owner_name(self) -> str:
        return self.owner.name if self.owner_id else METROPOLE

    @property
    def age_range(self) -> str:
        if self.age_min is not None and self.age_max is not None:
            return f"de {self.age_min} à {self.age_max} ans"
        if self.age_min is not None:
            return f"à partir de {self.age_min} ans"
        if self.age_max is not None:
            return f"jusqu'à {self.age_max} ans"
        return "tous âges"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.age_min is not None and self.age_max is not None and self.age_max < self.age_min:
            raise ValidationError({"age_max": "L'âge maximum doit être supérieur ou égal à l'âge minimum."})


class ToolPhoto(models.Model):
    """A photo re-encoded by pacte.images.process_image: no EXIF, no GPS position survives."""

    tool = models.ForeignKey(Tool, verbose_name="outil", on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        "photo", upload_to="reseau/outils/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField("vignette", upload_to="reseau/outils/%Y/%m/")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(
        "ordre", default=0, validators=[MaxValueValidator(MAX_PHOTOS)]
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "photo d'outil"
        verbose_name_plural = "photos d'outils"

    def __str__(self):
        return f"Photo {self.position + 1} · {self.tool_id}"


class ToolFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Public files for everyone; network-only files for network members and staff."""
        from ..access import in_network

        if in_network(user):
            return self
        return self.filter(is_public=True)


class ToolFile(TimeStampedModel):
    """A downloadable file of a tool, checked by content (pacte.documents) and kept in private
    storage: it is served only by a view that checks who may read it."""

    tool = models.ForeignKey(Tool, verbose_name="outil", on_delete=models.CASCADE, related_name="files")
    title = models.CharField("titre", max_length=150)
    file = models.FileField("fichier", storage=private_storage, upload_to="reseau/outils/%Y/%m/")
    content_type = models.CharField(max_length=100, editable=False)
    is_public = models.BooleanField(
        "public", default=False, help_text="Sinon, réservé aux membres du réseau Relais COP21."
    )

    objects = ToolFileQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = "fichier d'outil"
        verbose_name_plural = "fichiers d'outils"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("associations:reseau_tools:file", args=[self.tool_id, self.pk])


class ToolCopy(TimeStampedModel):
    """A physical copy of a tool, where it is now and in which state."""

    tool = models.ForeignKey(Tool, verbose_name="outil", on_delete=models.CASCADE, related_name="copies")
    label = models.CharField("exemplaire", max_length=80)
    # Who has it now (null: the Métropole); a loan that goes out moves it to the borrower.
    holder = models.ForeignKey(
        "pacte.Organisation",
        verbose_name="détenu par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    condition = models.CharField(
        "état", max_length=8, choices=CopyCondition.choices, default=CopyCondition.GOOD
    )
    location = models.CharField("lieu de retrait", max_length=200)
    is_active = models.BooleanField("prêtable", default=True)

    class Meta:
        ordering = ["tool", "label", "id"]
        verbose_name = "exemplaire"
        verbose_name_plural = "exemplaires"

    def __str__(self):
        return f"{self.tool} · {self.label}"

    @property
    def holder_name(self) -> str:
        return self.holder.name if self.holder_id else METROPOLE


class LoanQuerySet(models.QuerySet):
    def blocking(self):
        return self.filter(status__in=BLOCKING_STATUSES)

    def overlapping(self, start_on, end_on):
        """Loans whose inclusive date range meets [start_on, end_on]."""
        return self.filter(start_on__lte=end_on, end_on__gte=start_on)

    def overdue(self, today=None):
        return self.filter(status=LoanStatus.OUT, end_on__lt=today or timezone.localdate())

    def visible_to(self, user):
        """Staff; the référents and members of the borrowing or lending association (labelled)."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        mine = network_organisations(user)
        return self.filter(Q(borrower__in=mine) | Q(copy__tool__owner__in=mine))

    def decidable_by(self, user):
        """Loans the person decides on: the owner's référents, or staff (all, and the Métropole's)."""
        if not user.is_authenticated:
            return self.none()
        if acts_as_staff(user):
            return self
        return self.filter(copy__tool__owner__in=referent_organisations(user))

    def borrowed_by(self, user):
        """Loans of the associations the person is a référent of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(borrower__in=referent_organisations(user))

    def for_listing(self):
        return self.select_related("copy", "copy__tool", "copy__tool__owner", "borrower", "event").order_by(
            "start_on", "id"
        )


class Loan(TimeStampedModel):
    """A labelled association borrows a copy for inclusive dates, for an event it may name."""

    copy = models.ForeignKey(
        ToolCopy, verbose_name="exemplaire", on_delete=models.PROTECT, related_name="loans"
    )
    borrower = models.ForeignKey(
        "pacte.Organisation", verbose_name="emprunteur", on_delete=models.PROTECT, related_name="reseau_loans"
    )
    requested_by = models.ForeignKey(
        "pacte.User",
        verbose_name="demandé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        "pacte.Event",
        verbose_name="événement servi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reseau_loans",
    )
    start_on = models.DateField("du")
    end_on = models.DateField("au")
    message = models.TextField("message", max_length=2000, blank=True)
    status = models.CharField(
        "statut", max_length=8, choices=LoanStatus.choices, default=LoanStatus.REQUESTED, db_index=True
    )
    decided_by = models.ForeignKey(
        "pacte.User",
        verbose_name="décidé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    reason = models.TextField("motif", max_length=2000, blank=True)
    picked_up_at = models.DateTimeField("sorti le", null=True, blank=True)
    returned_at = models.DateTimeField("rendu le", null=True, blank=True)
    return_note = models.TextField("état au retour", max_length=2000, blank=True)
    start_reminder_sent_at = models.DateTimeField("rappel avant le début", null=True, blank=True)
    end_reminder_sent_at = models.DateTimeField("rappel après la fin", null=True, blank=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["start_on", "id"]
        verbose_name = "prêt"
        verbose_name_plural = "prêts"
        indexes = [models.Index(fields=["copy", "status", "start_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="reseau_loan_dates_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.copy} · {self.borrower} du {self.start_on:%d/%m/%Y} au {self.end_on:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("associations:reseau_tools:loan", args=[self.pk])

    @property
    def days(self) -> int:
        return (self.end_on - self.start_on).days + 1

    @property
    def is_overdue(self) -> bool:
        return self.status == LoanStatus.OUT and self.end_on < timezone.localdate()


class LoanHandoff(TimeStampedModel):
    """A copy passing straight from one borrower to the next, recorded by both sides: the giver
    (the out loan's association) and the receiver (the next accepted loan's). It takes effect once
    both confirmed."""

    from_loan = models.OneToOneField(
        Loan, verbose_name="prêt qui se termine", on_delete=models.CASCADE, related_name="handoff_out"
    )
    to_loan = models.OneToOneField(
        Loan, verbose_name="prêt suivant", on_delete=models.CASCADE, related_name="handoff_in"
    )
    giver_by = models.ForeignKey(
        "pacte.User",
        verbose_name="confirmé par (remise)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    giver_at = models.DateTimeField("remise confirmée le", null=True, blank=True)
    giver_note = models.TextField("état à la remise", max_length=2000, blank=True)
    receiver_by = models.ForeignKey(
        "pacte.User",
        verbose_name="confirmé par (réception)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    receiver_at = models.DateTimeField("réception confirmée le", null=True, blank=True)
    receiver_note = models.TextField("état à la réception", max_length=2000, blank=True)
    photo = models.ImageField("photo", upload_to="reseau/passages/%Y/%m/", blank=True)
    thumbnail = models.ImageField("vignette", upload_to="reseau/passages/%Y/%m/", blank=True)

    class Meta:
        verbose_name = "passage de relais"
        verbose_name_plural = "passages de relais"

    def __str__(self):
        return f"Passage {self.from_loan_id} → {self.to_loan_id}"

    @property
    def is_complete(self) -> bool:
        return self.giver_at is not None and self.receiver_at is not None


# Bounds used by the forms too.
AGE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(MAX_AGE)]
