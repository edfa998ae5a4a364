from django.core.validators import MaxValueValidator
from django.db import models

from ..collation import sort_key


class Commune(models.Model):
    """One of the 71 member communes of the Métropole (reference data, loaded by migration)."""

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    # French order in SQL without database collations: "Épinay" among the E's (pacte.collation).
    sort_name = models.CharField("nom pour le tri", max_length=100, db_index=True, editable=False, default="")
    slug = models.SlugField(max_length=100, unique=True)
    postal_codes = models.CharField(
        "codes postaux", max_length=60, help_text="Séparés par « ; », comme dans la source."
    )
    population = models.PositiveIntegerField(
        "population municipale", validators=[MaxValueValidator(10_000_000)]
    )
    latitude = models.DecimalField(max_digits=8, decimal_places=5)
    longitude = models.DecimalField(max_digits=8, decimal_places=5)

    class Meta:
        ordering = ["sort_name"]
        verbose_name = "commune"
        verbose_name_plural = "communes"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.sort_name = sort_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_name"}
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self) -> list[str]:
        return [code for code in self.postal_codes.split(";") if code]


class CommuneOutline(models.Model):
    """The commune's outline, kept apart: ~1 kB of JSON that only the maps read.

    On the Commune row it was loaded by every select_related("commune") and every commune
    drop-down, which made list pages parse 71 outlines per request.
    """

    commune = models.OneToOneField(
        Commune, primary_key=True, on_delete=models.CASCADE, related_name="outline"
    )
    # GeoJSON geometry (WGS84) from IGN ADMIN EXPRESS, for server-drawn maps without a tile server.
    geometry = models.JSONField("contour")

    class Meta:
        verbose_name = "contour de commune"
        verbose_name_plural = "contours des communes"

    def __str__(self):
        return f"Contour de {self.commune_id}"
