from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PacteConfig(AppConfig):
    name = "pacte"
    verbose_name = "Noyau du portail PACTE"

    def ready(self):
        from . import signals  # noqa: F401
        from .personal_data import register_eraser, register_exporter
        from .services.exchanges import exchanges_erase, exchanges_export

        # The kernel's own personal data beyond the account (exports and erasure).
        register_exporter("echanges", exchanges_export)
        register_eraser(exchanges_erase)

        # Each app exposes its figures in an `indicators.py`, discovered like `admin.py`.
        autodiscover_modules("indicators")
