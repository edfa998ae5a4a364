from django.db import models


class Action(models.TextChoices):
    """The six actions of axis VIII of the PACTE (docs/architecture.md)."""

    CLUBS = "clubs", "Clubs COP21 et jardiniers"
    ATELIER = "atelier", "Atelier des Transitions"
    ASSOCIATIONS = "associations", "Associations Relais COP21"
    RELAIS_NETWORK = "reseau_relais", "Réseau des assos relais"
    NEWSLETTER = "lettre", "Lettre aux travailleurs sociaux"
    COMMUNES = "communes", "Réseau des communes"


class PublicCategory(models.TextChoices):
    HABITANT = "habitant", "Habitant ou habitante"
    ASSOCIATION = "association", "Membre d'une association"
    COMMUNE = "commune", "Élu ou agent d'une commune"
    SOCIAL = "acteur_social", "Acteur social"
    PARTNER = "partenaire", "Partenaire"
    METROPOLE = "metropole", "Agent de la Métropole"


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", "Association"
    COMMUNE = "commune", "Commune"
    CLUB = "club", "Club"
    PARTNER = "partenaire", "Partenaire"
    SOCIAL = "structure_sociale", "Structure sociale"


class MembershipRole(models.TextChoices):
    REFERENT = "referent", "Référent"
    MEMBER = "membre", "Membre"


class EventAudience(models.TextChoices):
    """Who an event is for; registration is restricted accordingly (Event.registration_refusal)."""

    EVERYONE = "tout_public", "Tout public"
    PROFESSIONALS = "professionnels", "Professionnels"
    MEMBERS = "membres", "Membres de la structure organisatrice"


# The profiles an event "for professionals" accepts: everyone but residents.
PROFESSIONAL_CATEGORIES = frozenset(
    {
        PublicCategory.ASSOCIATION,
        PublicCategory.COMMUNE,
        PublicCategory.SOCIAL,
        PublicCategory.PARTNER,
        PublicCategory.METROPOLE,
    }
)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmée"
    WAITLISTED = "waitlisted", "Liste d'attente"
    CANCELLED = "cancelled", "Annulée"


class StaffGroup(models.TextChoices):
    """Groups seeded by migration; their names are what the admin shows."""

    DACTE_ADMIN = "DACTE administration", "DACTE administration"
    SUBSIDY = "Instruction des subventions", "Instruction des subventions"
    ATELIER = "Gestion de l'Atelier", "Gestion de l'Atelier"
    LETTER = "Édition de la lettre", "Édition de la lettre"
    INDICATORS = "Lecture des indicateurs", "Lecture des indicateurs"
