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
def user_rights_changed(*, user: User, fields: list[str], by) -> None:
    """Record who gave or took an account's powers (active, staff, groups, permissions): the staff
    edit them in the admin's user form, and the journal keeps it."""
    audit_log(target=user, verb="user.rights", by=by, data={"champs": fields})


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


EMAIL_CHANGE_SALT = "pacte.email-change-cancel"
# How long the former address may cancel a change of address.
EMAIL_CHANGE_CANCEL_MAX_AGE = 30 * 24 * 3600


def email_change_cancel_token(*, user: User, old_email: str, new_email: str) -> str:
    from django.core import signing

    return signing.dumps({"u": user.pk, "o": old_email, "n": new_email}, salt=EMAIL_CHANGE_SALT)


def read_email_change_cancel_token(token: str) -> tuple[int, str, str] | None:
    from django.core import signing

    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_CANCEL_MAX_AGE)
        return int(data["u"]), str(data["o"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def email_change_requested(*, user: User, old_email: str, new_email: str) -> None:
    """Tell the account's current address, before the new one is confirmed, that a change was
    asked for, with a link that cancels it (user_email_change_cancel)."""
    from django.conf import settings
    from django.urls import reverse

    from ..emails import send_templated_email

    token = email_change_cancel_token(user=user, old_email=old_email, new_email=new_email)
    send_templated_email(
        to=old_email,
        template="email_change_requested",
        context={
            "user": user,
            "new_email": new_email,
            "cancel_url": settings.SITE_URL + reverse("email_change_cancel", args=[token]),
        },
    )
    audit_log(target=user, verb="user.email_change_requested", by=user)


@transaction.atomic
def user_email_change_cancel(*, user: User, old_email: str, new_email: str, by=None) -> bool:
    """Undo a change of address from the former address's link: the new address goes, the former
    one is the account's verified primary address again (even if the change was confirmed
    meanwhile). Returns False when there was nothing to undo."""
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(user=user)
    if user.email.lower() == old_email.lower() and not addresses.filter(email__iexact=new_email).exists():
        return False
    if EmailAddress.objects.filter(email__iexact=old_email).exclude(user=user).exists():
        return False  # the former address now belongs to another account: leave it there
    addresses.filter(email__iexact=new_email).delete()
    addresses.update(primary=False)
    address, _ = EmailAddress.objects.get_or_create(user=user, email=old_email)
    address.verified = True
    address.primary = True
    address.save(update_fields=["verified", "primary"])
    user.email = old_email
    user.save(update_fields=["email"])
    audit_log(target=user, verb="user.email_change_cancel", by=by)
    return True


def on_email_added(sender, request, user, email_address, **kwargs) -> None:
    """allauth's email_added: a new address of an account that already has a verified one is a
    change of address (ACCOUNT_CHANGE_EMAIL); its current address hears of it first."""
    from allauth.account.models import EmailAddress

    current = EmailAddress.objects.filter(user=user, primary=True, verified=True).first()
    if current is not None and current.email.lower() != email_address.email.lower():
        email_change_requested(user=user, old_email=current.email, new_email=email_address.email)
