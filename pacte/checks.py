from django.conf import settings
from django.core.checks import Error, Tags, register
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


# The embedded runtime (docs/architecture.md) is for `make run` and tests; outside DEBUG each of its parts
# is a production fault, refused by `check --deploy`.
_PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}
_NON_DELIVERING_EMAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, Tags.caches, deploy=True)
def production_runtime(app_configs, **kwargs):
    """`check --deploy` fails when DEBUG is off and the embedded runtime is still in place."""
    if settings.DEBUG:
        return []
    errors = []
    if settings.CACHES["default"]["BACKEND"] in _PROCESS_LOCAL_CACHES:
        errors.append(
            Error(
                "Le cache est propre à chaque processus : les limites de tentatives de connexion, "
                "les limites d'envoi et le cache des pages ne sont pas partagés entre les workers.",
                hint="Définir REDIS_URL.",
                id="pacte.E001",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "Les tâches Celery s'exécutent dans le processus web (mode embarqué) : envois "
                "d'e-mails et rappels ralentissent les requêtes, et rien n'est réessayé.",
                hint="Définir CELERY_BROKER_URL (Redis) et lancer un worker et beat.",
                id="pacte.E002",
            )
        )
    if settings.EMAIL_BACKEND in _NON_DELIVERING_EMAIL:
        errors.append(
            Error(
                "Les e-mails ne partent pas : ils sont écrits dans la console ou gardés en mémoire.",
                hint="Définir EMAIL_URL (smtp://, smtp+tls:// ou smtps://).",
                id="pacte.E003",
            )
        )
    return errors


def runtime_mode() -> str:
    """ "production" when every part of the runtime is the shared one (database server, shared
    cache, Celery workers, real e-mail), "embarqué" otherwise (docs/architecture.md)."""
    embedded = (
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        or settings.CACHES["default"]["BACKEND"] in _PROCESS_LOCAL_CACHES
        or settings.CELERY_TASK_ALWAYS_EAGER
        or settings.EMAIL_BACKEND in _NON_DELIVERING_EMAIL
    )
    return "embarqué" if embedded else "production"
