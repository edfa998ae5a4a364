"""The "Associations Relais COP21" block of Mon espace, for référents of an association."""

from django.urls import reverse

from pacte import portal
from pacte.enums import OrganisationKind
from pacte.models import Organisation
from pacte.models.organisations import referent_q

from ..enums import ApplicationStatus, LabelStatus
from ..models import Campaign, RelaisLabel, SubsidyApplication


def my_space_section(request):
    user = request.user
    organisations = list(
        Organisation.objects.active()
        .filter(kind=OrganisationKind.ASSOCIATION)
        .filter(referent_q(user))
        .distinct()
        .order_by("name")
    )
    if not organisations:
        return None
    current = {
        label.organisation_id: label
        for label in RelaisLabel.objects.current()
        .filter(organisation__in=organisations)
        .order_by("valid_until")
    }
    pending = set(
        RelaisLabel.objects.filter(organisation__in=organisations, status=LabelStatus.REQUESTED).values_list(
            "organisation_id", flat=True
        )
    )
    applications = list(
        SubsidyApplication.objects.filter(organisation__in=organisations)
        .select_related("campaign", "organisation")
        .order_by("-campaign__year", "organisation__name")
    )
    rows = [
        {
            "organisation": organisation,
            "label": current.get(organisation.pk),
            "pending": organisation.pk in pending,
            "applications": [a for a in applications if a.organisation_id == organisation.pk],
        }
        for organisation in organisations
    ]
    corrections = [a for a in applications if a.status == ApplicationStatus.CORRECTION]
    bilans = [a for a in applications if a.status in (ApplicationStatus.PAID, ApplicationStatus.BILAN_DUE)]
    drafts = [a for a in applications if a.status == ApplicationStatus.DRAFT]
    todo = []
    if corrections:
        todo.append(
            portal.TodoItem(
                len(corrections),
                "dossier de subvention à corriger",
                "dossiers de subvention à corriger",
                reverse("associations:application_detail", args=[corrections[0].pk]),
            )
        )
    if bilans:
        todo.append(
            portal.TodoItem(
                len(bilans),
                "bilan à déposer",
                "bilans à déposer",
                reverse("associations:bilan", args=[bilans[0].pk]),
            )
        )
    if drafts:
        todo.append(
            portal.TodoItem(
                len(drafts),
                "demande de subvention en brouillon",
                "demandes de subvention en brouillon",
                reverse("associations:application_step", args=[drafts[0].pk, "programme"]),
            )
        )
    return portal.MySpaceSection(
        title="Associations Relais COP21",
        template="associations/includes/_my_space.html",
        context={"rows": rows, "campaign": Campaign.objects.open().first()},
        todo=todo,
        position=30,
    )
