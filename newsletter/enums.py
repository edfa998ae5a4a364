from django.db import models


class SubscriberRole(models.TextChoices):
    SOCIAL_WORKER = "travailleur_social", "Travailleur·se social·e"
    CCAS = "ccas", "CCAS"
    CAF = "caf", "CAF"
    DEPARTEMENT = "departement", "Département"
    ASSOCIATION = "association", "Association"
    OTHER = "autre", "Autre"


class SubscriberStatus(models.TextChoices):
    # Nothing is sent to a pending address but the confirmation link (double opt-in).
    PENDING = "pending", "En attente de confirmation"
    ACTIVE = "active", "Abonné·e"
    UNSUBSCRIBED = "unsubscribed", "Désabonné·e"
    # Set by the sending (hard bounce, repeated failures) or by the editors, with a reason.
    DEACTIVATED = "deactivated", "Adresse désactivée"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SCHEDULED = "scheduled", "Programmée"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyée"


class SectionKind(models.TextChoices):
    WATCH = "veille", "Veille des dispositifs"
    AIDS = "aides", "Aides"
    TRAININGS = "formations", "Formations"
    ANIMATIONS = "animations", "Animations"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    REVIEW = "review", "En relecture"
    PUBLISHED = "published", "Publiée"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    # Claimed by a worker; a claim older than the lease is taken back (the worker died).
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec définitif"
    # The address left (unsubscribed, deactivated, erased) before its turn came.
    SKIPPED = "skipped", "Non envoyé (désabonné·e)"
