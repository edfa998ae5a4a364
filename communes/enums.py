from django.db import models


class ActionStage(models.TextChoices):
    """Where the action stands, as the commune says (the "statut" of a fiche action)."""

    PROJECT = "projet", "Projet"
    ONGOING = "en_cours", "En cours"
    DONE = "realisee", "Réalisée"


class ModerationStatus(models.TextChoices):
    """An action is public only once staff published it; a refusal carries its reason."""

    PENDING = "pending", "En attente de relecture"
    PUBLISHED = "published", "Publiée"
    REFUSED = "refused", "Refusée"


class PopulationBand(models.IntegerChoices):
    """Bands used to find similar communes (lower bound of each band, in inhabitants)."""

    VILLAGE = 0, "moins de 2 000 habitants"
    SMALL = 2000, "de 2 000 à 4 999 habitants"
    MEDIUM = 5000, "de 5 000 à 9 999 habitants"
    LARGE = 10000, "de 10 000 à 19 999 habitants"
    CITY = 20000, "20 000 habitants et plus"

    @classmethod
    def of(cls, population: int) -> "PopulationBand":
        band = cls.VILLAGE
        for candidate in cls:
            if population >= candidate.value:
                band = candidate
        return band

    def bounds(self) -> tuple[int, int | None]:
        values = [b.value for b in type(self)]
        index = values.index(self.value)
        return self.value, values[index + 1] - 1 if index + 1 < len(values) else None
