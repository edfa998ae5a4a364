"""Blocks this app adds to an organisation's public page (/structures/<slug>/, kernel)."""

from pacte import portal

from ..enums import GRANTED_STATUSES
from ..models import RelaisLabel, SubsidyApplication


def organisation_sections(request, organisation):
    if organisation.kind != "association":
        return []
    label = RelaisLabel.objects.current().filter(organisation=organisation).order_by("-valid_until").first()
    programmes = list(
        SubsidyApplication.objects.filter(organisation=organisation, status__in=GRANTED_STATUSES)
        .select_related("campaign")
        .order_by("-campaign__year")[:5]
    )
    if label is None and not programmes:
        return []
    return [
        portal.PageSection(
            title="Relais COP21",
            template="associations/includes/_organisation_section.html",
            context={"organisation": organisation, "label": label, "programmes": programmes},
            position=30,
        )
    ]
