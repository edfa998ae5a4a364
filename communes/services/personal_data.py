"""The person's data held by the communes app (RGPD export and erasure).

Actions and replications are the commune's, not the person's: they stay on account deletion,
without the name of who posted them."""

from django.conf import settings

from ..models import CommuneAction, Replication


def communes_export(user) -> dict:
    return {
        "actions_deposees": [
            {
                "commune": action.commune.name,
                "titre": action.title,
                "description": action.description,
                "statut": action.get_stage_display(),
                "publication": action.get_status_display(),
                "motif_refus": action.refusal_reason,
                "deposee_le": action.created_at.isoformat(),
                "photos": [settings.SITE_URL + photo.image.url for photo in action.photos.all()],
                "documents": [document.title for document in action.documents.all()],
            }
            for action in CommuneAction.objects.filter(author=user)
            .select_related("commune")
            .prefetch_related("photos", "documents")
            .order_by("created_at")
        ],
        "nous_aussi": [
            {
                "commune": replication.commune.name,
                "action_reprise": replication.source.title,
                "le": replication.created_at.isoformat(),
            }
            for replication in Replication.objects.filter(created_by=user)
            .select_related("commune", "source")
            .order_by("created_at")
        ],
    }


def communes_erase(user) -> None:
    CommuneAction.objects.filter(author=user).update(author=None)
    Replication.objects.filter(created_by=user).update(created_by=None)
