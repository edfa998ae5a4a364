from django.db import models


class LabelStatus(models.TextChoices):
    REQUESTED = "requested", "Demande en cours"
    GRANTED = "granted", "Accordé"
    REFUSED = "refused", "Refusé"


class ApplicationStatus(models.TextChoices):
    """The lifecycle of a subsidy application (Démarches Numériques' words where they fit)."""

    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposée"
    IN_REVIEW = "in_review", "En instruction"
    CORRECTION = "correction", "Correction demandée"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    DISMISSED = "dismissed", "Classée sans suite"
    CONVENTION_SIGNED = "convention_signed", "Convention signée"
    PAID = "paid", "Versée"
    BILAN_DUE = "bilan_due", "Bilan attendu"
    BILAN_SUBMITTED = "bilan_submitted", "Bilan déposé"
    CLOSED = "closed", "Clôturée"


# What the association may still change: a draft, or a file sent back for correction.
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.CORRECTION)
# Granted files: they count in the amounts granted and in the open data.
GRANTED_STATUSES = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.CONVENTION_SIGNED,
    ApplicationStatus.PAID,
    ApplicationStatus.BILAN_DUE,
    ApplicationStatus.BILAN_SUBMITTED,
    ApplicationStatus.CLOSED,
)
# The bilan may be written once money was paid.
BILAN_OPEN_STATUSES = (ApplicationStatus.PAID, ApplicationStatus.BILAN_DUE)


class TargetPublic(models.TextChoices):
    GENERAL = "grand_public", "Grand public"
    MEMBERS = "adherents", "Adhérents de l'association"
    YOUTH = "jeunes", "Enfants et jeunes"
    FAMILIES = "familles", "Familles"
    SENIORS = "seniors", "Personnes âgées"
    PRECARIOUS = "precarite", "Personnes en situation de précarité"
    PUPILS = "scolaires", "Scolaires"


class BudgetCategory(models.TextChoices):
    """Budget lines of the CERFA 12156's "budget du projet" (accounts 60 to 75)."""

    PURCHASES = "60", "Achats (fournitures, petit matériel)"
    SERVICES = "61", "Services extérieurs (locations, assurance)"
    OTHER_SERVICES = "62", "Autres services extérieurs (intervenants, communication, déplacements)"
    STAFF = "64", "Charges de personnel"
    OTHER_EXPENSES = "65", "Autres charges"
    SALES = "70", "Ventes, participations des usagers"
    REQUEST = "74m", "Subvention demandée à la Métropole Rouen Normandie"
    OTHER_PUBLIC = "74", "Autres subventions publiques (État, région, département, communes)"
    MEMBERSHIP = "75", "Cotisations, dons, mécénat"
    OWN_FUNDS = "auto", "Fonds propres de l'association"


EXPENSE_CATEGORIES = ("60", "61", "62", "64", "65")
INCOME_CATEGORIES = ("70", "74m", "74", "75", "auto")
