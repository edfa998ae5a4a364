"""The instructor board: the queues of the instruction, counted and listed (Démarches Numériques'
"tableau de bord de l'instructeur"), and the admin home's "À traiter"."""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from pacte import portal

from ..enums import ApplicationStatus as S
from ..enums import LabelStatus
from ..models import Payment, RelaisLabel, SubsidyApplication
from ..models.applications import is_instructor

# queue slug -> (title, condition on applications annotated with `paid_total`)
QUEUES = {
    "a-instruire": ("À instruire", Q(status=S.SUBMITTED)),
    "en-correction": ("En correction", Q(status=S.CORRECTION)),
    "a-decider": ("À décider", Q(status=S.IN_REVIEW)),
    "a-payer": (
        "À payer",
        Q(status__in=[S.ACCEPTED, S.CONVENTION_SIGNED])
        | Q(status=S.PAID, paid_total__lt=F("granted_amount")),
    ),
    "bilan-attendu": (
        "Bilan attendu",
        Q(status=S.BILAN_DUE) | Q(status=S.PAID, paid_total__gte=F("granted_amount")),
    ),
    "bilan-a-valider": ("Bilan à valider", Q(status=S.BILAN_SUBMITTED)),
}


def with_paid_total(queryset):
    """`paid_total` by a subquery (not a join): it can be filtered and counted in one query."""
    paid = (
        Payment.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    amount = DecimalField(max_digits=11, decimal_places=2)
    return queryset.annotate(
        paid_total=Coalesce(Subquery(paid, output_field=amount), Value(Decimal(0)), output_field=amount)
    )


def board_counts(queryset=None) -> dict[str, int]:
    """{queue: count} in one query."""
    queryset = with_paid_total(
        (queryset if queryset is not None else SubsidyApplication.objects.all()).order_by()
    )
    return queryset.aggregate(
        **{key: Count("pk", filter=condition) for key, (_title, condition) in QUEUES.items()}
    )


def board_todo(request):
    if not is_instructor(request.user):
        return []
    counts = board_counts()
    url = reverse("admin:associations_subsidyapplication_changelist")
    wanted = {
        "a-instruire": ("dossier à instruire", "dossiers à instruire"),
        "a-decider": ("dossier à décider", "dossiers à décider"),
        "a-payer": ("subvention à payer", "subventions à payer"),
        "bilan-a-valider": ("bilan à valider", "bilans à valider"),
    }
    items = [
        portal.TodoItem(counts[key], singular, plural, f"{url}?file={key}", group="Subventions Relais COP21")
        for key, (singular, plural) in wanted.items()
        if counts[key]
    ]
    labels = RelaisLabel.objects.filter(status=LabelStatus.REQUESTED).count()
    if labels:
        items.append(
            portal.TodoItem(
                labels,
                "demande de label à examiner",
                "demandes de label à examiner",
                reverse("admin:associations_relaislabel_changelist")
                + f"?status__exact={LabelStatus.REQUESTED}",
                group="Subventions Relais COP21",
            )
        )
    return items
