"""The awarded grants as open data, in the SCDL "subventions" schema (associations/opendata/)."""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Min, Prefetch

from ..enums import GRANTED_STATUSES
from ..models import Payment, SubsidyApplication

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "opendata" / "scdl_subventions_schema.json"
COLUMNS = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
]
GRANTOR_NAME = "Métropole Rouen Normandie"
# SIREN 200023414: the Métropole in INSEE's SIRENE register (annuaire-entreprises.data.gouv.fr,
# recherche "200023414") and in the DGCL's EPCI list (pacte/data/README.md). NIC 00010 is its
# first establishment; a SIRET's last digit is a Luhn key, so the "20002341400016" sometimes quoted
# cannot be a valid SIRET (the test checks the key). Confirm the headquarters' NIC with the finance
# department, and set PACTE_GRANTOR_SIRET if it differs; see opendata/README.md.
DEFAULT_GRANTOR_SIRET = "20002341400010"


def published_grants():
    """Grants whose convention is signed (SCDL makes its date mandatory), newest first."""
    return (
        SubsidyApplication.objects.filter(status__in=GRANTED_STATUSES, convention_signed_on__isnull=False)
        .select_related("organisation", "campaign")
        .annotate(first_paid=Min("payments__paid_on"), last_paid=Max("payments__paid_on"))
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.only("id", "application_id")))
        .order_by("-convention_signed_on", "-pk")
    )


def scdl_row(application) -> dict:
    payments = len(application.payments.all())
    if payments == 1:
        period = application.first_paid.isoformat()
    elif payments > 1:
        period = f"{application.first_paid.isoformat()}/{application.last_paid.isoformat()}"
    else:
        end = max(
            application.programme_end or application.convention_signed_on, application.convention_signed_on
        )
        period = f"{application.convention_signed_on.isoformat()}/{end.isoformat()}"
    return {
        "nomAttribuant": GRANTOR_NAME,
        "idAttribuant": getattr(settings, "PACTE_GRANTOR_SIRET", DEFAULT_GRANTOR_SIRET),
        "dateConvention": application.convention_signed_on.isoformat(),
        "referenceDecision": application.decision_reference,
        "nomBeneficiaire": application.organisation.name,
        "idBeneficiaire": application.organisation.siret.replace(" ", ""),
        "objet": " ".join(f"Relais COP21 {application.campaign.year} : {application.title}".split())[:256],
        "montant": f"{application.granted_amount:.2f}",
        "nature": "aide en numéraire",
        "conditionsVersement": "échelonné" if payments > 1 else "unique",
        "datesPeriodeVersement": period,
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
    }


def scdl_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for application in published_grants():
        writer.writerow(scdl_row(application))
    return out.getvalue()
