"""The change journal: `audit_log` writes an entry; the registries below give each verb and state
the French words the journal is read in (the admin's "journal des changements"). Apps declare
their verbs' labels in `PortalApp.audit_verbs`, or register them here with `register_verbs`.

Verbs are "<subject>.<what happened>" ("practice.hide"); states are short codes ("queued", "sent").
A state label may depend on the subject, since French agrees in gender ("publié" for an event,
"publiée" for a practice): a key "<subject>:<state>" wins over the plain "<state>".
"""

from ..models import AuditEntry

_VERB_LABELS: dict[str, str] = {}
_STATE_LABELS: dict[str, str] = {}


def register_verbs(labels: dict[str, str]) -> None:
    """Add French labels for journal verbs: {"practice.hide": "Pratique masquée", ...}."""
    _VERB_LABELS.update(labels)


def register_states(labels: dict[str, str]) -> None:
    """Add French labels for journal states: {"queued": "en attente", "practice:published":
    "publiée", ...}; the "<subject>:" prefix is the first part of the verb."""
    _STATE_LABELS.update(labels)


def verb_labels() -> dict[str, str]:
    """Every known label: those registered here, then those the apps declare
    (`PortalApp.audit_verbs`)."""
    from django.utils.text import capfirst

    from ..portal import audit_verbs

    declared = {verb: capfirst(label) for verb, label in audit_verbs().items()}
    return {**declared, **_VERB_LABELS}


def verb_label(verb: str) -> str:
    """The verb in French; an unknown verb shows as is (rather than hiding the entry)."""
    return _VERB_LABELS.get(verb) or verb_labels().get(verb, verb)


def state_label(state: str, verb: str = "") -> str:
    if not state:
        return ""
    subject = verb.split(".", 1)[0]
    return _STATE_LABELS.get(f"{subject}:{state}") or _STATE_LABELS.get(state) or state


def audit_log(*, target, verb: str, by=None, from_state="", to_state="", reason="", data=None):
    """Record who did what to `target`; called inside the caller's transaction."""
    from django.contrib.contenttypes.models import ContentType

    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor,
        verb=verb,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target)[:250],
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        data=data or {},
    )


# The kernel's own verbs and states.
register_verbs(
    {
        "event.create": "Événement créé",
        "event.update": "Événement modifié",
        "event.publish": "Événement publié",
        "event.unpublish": "Événement dépublié",
        "event.capacity": "Nombre de places changé",
        "event.delete": "Événement supprimé",
        "event.attendance": "Présences saisies",
        "event.propose": "Événement proposé par une structure",
        "organisation.create": "Structure créée",
        "organisation.update": "Structure modifiée",
        "organisation.activate": "Structure réactivée",
        "organisation.deactivate": "Structure désactivée",
        "organisation.invite": "Invitation à rejoindre une structure",
        "organisation.invitation_withdraw": "Invitation retirée",
        "registration.create": "Inscription",
        "registration.cancel": "Inscription annulée",
        "registration.promote": "Sortie de la liste d'attente",
        "registration.attendance": "Présence corrigée",
        "membership.add": "Membre ajouté",
        "membership.remove": "Membre retiré",
        "membership.role": "Rôle changé",
        "topic.create": "Sujet ouvert",
        "topic.edit": "Sujet corrigé",
        "topic.hide": "Sujet masqué",
        "topic.restore": "Sujet rétabli",
        "reply.create": "Réponse publiée",
        "reply.edit": "Réponse corrigée",
        "reply.hide": "Réponse masquée",
        "reply.restore": "Réponse rétablie",
        "exchange.opt_out": "Notifications coupées",
        "exchange.opt_in": "Notifications rétablies",
        "document.create": "Document déposé",
        "document.update": "Document modifié",
        "document.delete": "Document supprimé",
        "theme.create": "Thème créé",
        "theme.update": "Thème modifié",
        "theme.activate": "Thème réactivé",
        "theme.deactivate": "Thème retiré",
        "commune.update": "Commune corrigée",
        "user.profile": "Profil modifié",
        "user.delete": "Compte supprimé",
        "user.rights": "Droits d'un compte modifiés",
        "user.email_change_requested": "Changement d'adresse e-mail demandé",
        "user.email_change_cancel": "Changement d'adresse e-mail annulé depuis l'ancienne adresse",
    }
)
register_states(
    {
        "published": "publié",
        "unpublished": "non publié",
        "visible": "visible",
        "hidden": "masqué",
        "reply:hidden": "masquée",
        "confirmed": "confirmée",
        "waitlisted": "en liste d'attente",
        "cancelled": "annulée",
        "present": "présent·e",
        "absent": "absent·e",
        "membre": "membre",
        "referent": "référent·e",
        "active": "active",
        "inactive": "désactivée",
        "theme:active": "actif",
        "theme:inactive": "retiré",
        "queued": "en attente",
        "sent": "envoyé",
    }
)
