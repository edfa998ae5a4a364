"""Blocks of Mon espace (AssociationsConfig.my_space_sections) and the admin home's "À traiter"."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from pacte import portal
from pacte.permissions import acts_as_staff

from ..access import referent_organisations
from .enums import LoanStatus
from .models import Loan

GROUP = "Réseau Relais COP21"


def my_space_sections(request):
    user = request.user
    if not user.is_authenticated or acts_as_staff(user):
        # Staff find loans waiting and overdue on the admin home.
        return []
    organisations = list(referent_organisations(user))
    if not organisations:
        return []
    live = [LoanStatus.REQUESTED, LoanStatus.ACCEPTED, LoanStatus.OUT]
    loans = list(
        Loan.objects.filter(status__in=live)
        .filter(Q(copy__tool__owner__in=organisations) | Q(borrower__in=organisations))
        .for_listing()
    )
    ids = {organisation.pk for organisation in organisations}
    to_decide = [
        loan for loan in loans if loan.status == LoanStatus.REQUESTED and loan.copy.tool.owner_id in ids
    ]
    borrowed = [loan for loan in loans if loan.borrower_id in ids and loan.status != LoanStatus.REQUESTED]
    todo = []
    if to_decide:
        todo.append(
            portal.TodoItem(
                len(to_decide),
                "demande de prêt d'outil à décider",
                "demandes de prêt d'outil à décider",
                reverse("associations:reseau_tools:loans"),
            )
        )
    if not (to_decide or borrowed):
        return []
    return [
        portal.MySpaceSection(
            title="Prêts d'outils du réseau",
            template="associations/reseau/tools/includes/_my_space.html",
            context={"to_decide": to_decide, "borrowed": borrowed, "today": timezone.localdate()},
            todo=todo,
            position=36,
        )
    ]


def admin_todo(request):
    if not acts_as_staff(request.user):
        return []
    counts = Loan.objects.aggregate(
        waiting=_count(status=LoanStatus.REQUESTED, copy__tool__owner__isnull=True),
        overdue=_count(status=LoanStatus.OUT, end_on__lt=timezone.localdate()),
    )
    url = reverse("admin:associations_loan_changelist")
    items = []
    if counts["waiting"]:
        items.append(
            portal.TodoItem(
                counts["waiting"],
                "demande de prêt d'un outil de la Métropole",
                "demandes de prêt d'outils de la Métropole",
                f"{url}?status__exact={LoanStatus.REQUESTED}&proprietaire=metropole",
                group=GROUP,
            )
        )
    if counts["overdue"]:
        items.append(
            portal.TodoItem(
                counts["overdue"],
                "outil prêté en retard",
                "outils prêtés en retard",
                f"{url}?retard=oui",
                group=GROUP,
            )
        )
    return items


def _count(**conditions):
    return Count("pk", filter=Q(**conditions))
