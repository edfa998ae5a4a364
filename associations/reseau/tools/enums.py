from django.db import models


class ToolKind(models.TextChoices):
    GAME = "jeu", "Jeu"
    EXHIBITION = "exposition", "Exposition"
    KIT = "kit", "Malle ou kit d'animation"
    GUIDE = "guide", "Guide"
    VIDEO = "video", "Vidéo"


class CopyCondition(models.TextChoices):
    NEW = "neuf", "Neuf"
    GOOD = "bon", "Bon état"
    WORN = "use", "Usé"
    DAMAGED = "abime", "Abîmé, à réparer"


class LoanStatus(models.TextChoices):
    REQUESTED = "demande", "Demandé"
    ACCEPTED = "accepte", "Accepté"
    REFUSED = "refuse", "Refusé"
    CANCELLED = "annule", "Annulé"
    OUT = "sorti", "Sorti"
    HANDED_OFF = "passe", "Passé à l'emprunteur suivant"
    RETURNED = "rendu", "Rendu"


# The loans that hold their dates on the copy: no other loan may overlap them.
BLOCKING_STATUSES = (LoanStatus.REQUESTED, LoanStatus.ACCEPTED, LoanStatus.OUT)
# The loans that took place or will: what the indicators count.
SERVED_STATUSES = (LoanStatus.ACCEPTED, LoanStatus.OUT, LoanStatus.HANDED_OFF, LoanStatus.RETURNED)
