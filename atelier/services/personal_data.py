"""What the Atelier holds about a person, for their export and their account's erasure.

Applications, residencies and bookings belong to the association, not to the person: they stay,
and only the link to the person goes (the association's history and occupancy figures remain).
"""

from django.db import transaction
from django.utils import timezone

from ..models import Application, Booking, Residency, Review


def _local(moment):
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else None


def atelier_export(user) -> dict:
    return {
        "candidatures_commencees": [
            {"appel": a.call.title, "association": a.organisation.name, "statut": a.get_status_display()}
            for a in Application.objects.filter(created_by=user).select_related("call", "organisation")
        ],
        "reservations": [
            {
                "espace": b.space.name,
                "association": b.organisation.name if b.organisation_id else None,
                "objet": b.title,
                "debut": _local(b.starts_at),
                "fin": _local(b.ends_at),
                "statut": b.get_status_display(),
            }
            for b in Booking.objects.filter(created_by=user).select_related("space", "organisation")
        ],
        "reglements_acceptes": [
            {"association": r.organisation.name, "le": _local(r.rules_accepted_at)}
            for r in Residency.objects.filter(rules_accepted_by=user).select_related("organisation")
        ],
        "evaluations": [
            {"candidature": str(r.application), "note_privee": r.private_note}
            for r in Review.objects.filter(reviewer=user).select_related(
                "application__organisation", "application__call"
            )
        ],
    }


@transaction.atomic
def atelier_erase(user) -> None:
    Application.objects.filter(created_by=user).update(created_by=None)
    Booking.objects.filter(created_by=user).update(created_by=None)
    Residency.objects.filter(rules_accepted_by=user).update(rules_accepted_by=None)
    # A reviewer's scores stay (the ranking rests on them); the name goes.
    Review.objects.filter(reviewer=user).update(reviewer=None)
