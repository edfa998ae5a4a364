from django.apps import AppConfig


class ClubsConfig(AppConfig):
    name = "clubs"
    verbose_name = "Clubs COP21 et jardiniers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Personal data (export, erasure), demo content and exchange URLs are registered with
        # the kernel here: the kernel cannot import the action apps (DESIGN.md §3).
        from . import registrations  # noqa: F401
