from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve or sign anything with the local development key outside DEBUG."""
    if settings.SECRET_KEY_IS_LOCAL and not settings.DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")


@register()
def portal_declarations(app_configs, **kwargs):
    """An app whose apps.py declares a PortalApp must be loaded with it.

    Django picks the AppConfig of an app automatically only when its apps.py holds exactly one
    AppConfig subclass: importing `PortalApp` itself by name into apps.py would make two, and the
    app would silently run without its declaration (no URLs, no personal-data erasure).
    """
    import inspect

    from django.apps import apps

    from .portal import PortalApp

    errors = []
    for config in apps.get_app_configs():
        module = getattr(config.module, "apps", None)
        if module is None or isinstance(config, PortalApp):
            continue
        declared = [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, PortalApp) and obj is not PortalApp
        ]
        if declared:
            errors.append(
                Error(
                    f"L'app {config.label} déclare {declared[0].__name__} mais Django ne l'a pas chargée.",
                    hint="Dans apps.py, écrire `from pacte import portal` et hériter de portal.PortalApp.",
                    id="pacte.E010",
                )
            )
    return errors
