"""What action 3 holds about a person, for the export and the erasure (RGPD).

Subsidy files belong to the association and are records of public money: they stay when a
référent deletes their account, but the person's name is detached from them (their messages,
notes and requests then read "compte supprimé" in the journal)."""

from ..models import ApplicationMessage, InstructorNote, RelaisLabel, SubsidyApplication


def associations_export(user) -> dict:
    return {
        "demandes_de_label": [
            {
                "association": label.organisation.name,
                "statut": label.get_status_display(),
                "charte": label.charter_version,
                "charte_acceptee_le": label.charter_accepted_at.isoformat(),
            }
            for label in RelaisLabel.objects.filter(requested_by=user).select_related("organisation")
        ],
        "demandes_de_subvention_creees": [
            {
                "reference": application.reference,
                "titre": application.title,
                "statut": application.get_status_display(),
            }
            for application in SubsidyApplication.objects.filter(created_by=user).select_related("campaign")
        ],
        "messages": [
            {
                "dossier": message.application.reference,
                "le": message.created_at.isoformat(),
                "message": message.body,
            }
            for message in ApplicationMessage.objects.filter(author=user).select_related(
                "application__campaign"
            )
        ],
    }


def associations_erase(user) -> None:
    RelaisLabel.objects.filter(requested_by=user).update(requested_by=None)
    RelaisLabel.objects.filter(decided_by=user).update(decided_by=None)
    SubsidyApplication.objects.filter(created_by=user).update(created_by=None)
    SubsidyApplication.objects.filter(instructor=user).update(instructor=None)
    ApplicationMessage.objects.filter(author=user).update(author=None)
    InstructorNote.objects.filter(author=user).update(author=None)
