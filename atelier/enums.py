from django.db import models


class SpaceKind(models.TextChoices):
    MEETING_ROOM = "reunion", "Salle de réunion"
    SHARED_DESKS = "bureaux", "Bureaux partagés"
    WORKSHOP = "atelier", "Atelier"
    EXHIBITION = "exposition", "Espace d'exposition"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "lundi"
    TUESDAY = 1, "mardi"
    WEDNESDAY = 2, "mercredi"
    THURSDAY = 3, "jeudi"
    FRIDAY = 4, "vendredi"
    SATURDAY = 5, "samedi"
    SUNDAY = 6, "dimanche"


class Frequency(models.TextChoices):
    WEEKLY = "hebdomadaire", "Chaque semaine"
    FORTNIGHTLY = "quinzaine", "Toutes les deux semaines"
    MONTHLY = "mensuelle", "Chaque mois"
    OCCASIONAL = "ponctuelle", "Ponctuellement"


class ApplicationStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "deposee", "Déposée"
    RETAINED = "retenue", "Retenue"
    WAITLISTED = "liste_attente", "Liste d'attente"
    REJECTED = "non_retenue", "Non retenue"


DECISIONS = (ApplicationStatus.RETAINED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED)


class BookingStatus(models.TextChoices):
    PENDING = "en_attente", "En attente de validation"
    CONFIRMED = "confirmee", "Confirmée"
    CANCELLED = "annulee", "Annulée"
    REFUSED = "refusee", "Refusée"
    # Not checked in within 30 minutes of its start: the slot is freed, counted as a no-show.
    RELEASED = "liberee", "Libérée (absence)"


# Bookings that hold their slot: no two of them overlap on one space.
LIVE_BOOKING_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)
