from django.db import models


class ClubType(models.TextChoices):
    COP21 = "cop21", "Club COP21"
    GARDENERS = "jardiniers", "Club des jardiniers"
    LOCAL = "groupe_local", "Groupe local"


class PracticeStatus(models.TextChoices):
    """A practice is public only while published; a report takes it off until an animator decides."""

    PUBLISHED = "published", "Publiée"
    REPORTED = "reported", "Signalée, en attente de modération"
    HIDDEN = "hidden", "Masquée"


class MailingStatus(models.TextChoices):
    QUEUED = "queued", "En file d'envoi"
    SENT = "sent", "Envoyé"
