from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PacteConfig(AppConfig):
    name = "pacte"
    verbose_name = "Noyau du portail PACTE"

    def ready(self):
        from . import signals  # noqa: F401

        # Each app exposes its figures in an `indicators.py`, discovered like `admin.py`.
        autodiscover_modules("indicators")
