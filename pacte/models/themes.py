from django.core.validators import MaxValueValidator
from django.db import models


class ThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Theme(models.Model):
    """A behaviour theme of the PACTE, used to tag clubs, events, practices, sheets..."""

    name = models.CharField("nom", max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField("description", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0, validators=[MaxValueValidator(1000)])
    is_active = models.BooleanField("actif", default=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "thème"
        verbose_name_plural = "thèmes"

    def __str__(self):
        return self.name
