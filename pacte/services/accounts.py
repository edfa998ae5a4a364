import uuid

from django.db import transaction
from django.utils import timezone

from ..models import Membership, Registration, User
from .audit import audit_log


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str, home_commune, category, by):
    user.first_name = first_name
    user.last_name = last_name
    user.home_commune = home_commune
    user.category = category
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "home_commune", "category"])
    audit_log(target=user, verb="user.profile", by=by)
    return user


def user_export_data(*, user: User) -> dict:
    """Everything the portal holds about the person, as plain JSON-ready data (RGPD art. 15/20)."""
    from allauth.account.models import EmailAddress

    registrations = Registration.objects.filter(user=user).select_related("event").order_by("created_at")
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    data = {
        "exporte_le": timezone.now().isoformat(),
        "compte": {
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "commune": user.home_commune.name if user.home_commune_id else None,
            "categorie": user.get_category_display(),
            "inscrit_le": user.date_joined.isoformat(),
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        },
        "adresses_email": [
            {"email": a.email, "verifiee": a.verified, "principale": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "inscriptions": [
            {
                "evenement": r.event.title,
                "date": r.event.starts_at.isoformat(),
                "statut": r.get_status_display(),
                "present": r.attended,
                "inscrit_le": r.created_at.isoformat(),
                "annulee_le": r.cancelled_at.isoformat() if r.cancelled_at else None,
            }
            for r in registrations
        ],
        "structures": [
            {
                "structure": m.organisation.name,
                "role": m.get_role_display(),
                "depuis": m.created_at.isoformat(),
            }
            for m in memberships
        ],
    }
    # Every app adds its own sections (practices, gardens, subscriptions...) through its declaration.
    from ..portal import export_personal_data

    data.update(export_personal_data(user))
    return data


@transaction.atomic
def user_delete_account(*, user: User, by) -> None:
    """Remove the person's identity; registrations and participation stay, counted anonymously.

    Registrations are detached from the user (user=NULL) rather than deleted, so indicators keep
    their counts; live future registrations are cancelled first so their places are freed. The
    account row stays, anonymised, so the change journal still says which account decided.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from .registrations import registration_cancel

    now = timezone.now()
    live = Registration.objects.active().filter(user=user, event__starts_at__gt=now)
    for registration in live.select_related("event"):
        registration_cancel(registration=registration, by=by, reason="Compte supprimé.")

    from ..portal import erase_personal_data

    erase_personal_data(user)
    Registration.objects.filter(user=user).update(user=None)
    Membership.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # The journal keeps pointing at the anonymised account: decisions on public money stay
    # attributable to a pseudonymous "Compte supprimé n° …", never to nobody.
    audit_log(target=user, verb="user.delete", by=None, reason="Suppression demandée par la personne.")

    user.email = f"supprime-{uuid.uuid4().hex}@invalid.local"
    user.first_name = ""
    user.last_name = ""
    user.home_commune = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = now
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
