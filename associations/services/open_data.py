"""The awarded grants as open data, in the SCDL "subventions" schema (associations/opendata/)."""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Min

from ..enums import GRANTED_STATUSES
from ..models import SubsidyApplication

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
    """Grants whose convention is signed (SCDL makes its date mandatory), newest first: the values
    a row needs, in one query (the payments counted and dated by annotation, no instances: the
    file lists every grant ever signed)."""
    return (
        SubsidyApplication.objects.filter(status__in=GRANTED_STATUSES, convention_signed_on__isnull=False)
        .annotate(
            payments_count=Count("payments"),
            first_paid=Min("payments__paid_on"),
            last_paid=Max("payments__paid_on"),
        )
        .order_by("-convention_signed_on", "-pk")
        .values(
            "convention_signed_on",
            "programme_end",
            "decision_reference",
            "title",
            "granted_amount",
            "campaign__year",
            "organisation__name",
            "organisation__siret",
            "payments_count",
            "first_paid",
            "last_paid",
        )
    )


def scdl_row(grant: dict) -> dict:
    """One row of the file from one of `published_grants()`'s values."""
    payments = grant["payments_count"]
    signed_on = grant["convention_signed_on"]
    if payments == 1:
        period = grant["first_paid"].isoformat()
    elif payments > 1:
        period = f"{grant['first_paid'].isoformat()}/{grant['last_paid'].isoformat()}"
    else:
        end = max(grant["programme_end"] or signed_on, signed_on)
        period = f"{signed_on.isoformat()}/{end.isoformat()}"
    return {
        "nomAttribuant": GRANTOR_NAME,
        "idAttribuant": getattr(settings, "PACTE_GRANTOR_SIRET", DEFAULT_GRANTOR_SIRET),
        "dateConvention": signed_on.isoformat(),
        "referenceDecision": grant["decision_reference"],
        "nomBeneficiaire": grant["organisation__name"],
        "idBeneficiaire": grant["organisation__siret"].replace(" ", ""),
        "objet": " ".join(f"Relais COP21 {grant['campaign__year']} : {grant['title']}".split())[:256],
        "montant": f"{grant['granted_amount']:.2f}",
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
    for grant in published_grants():
        writer.writerow(scdl_row(grant))
    return out.getvalue()
