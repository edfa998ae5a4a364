from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve or sign anything with the local development key outside DEBUG."""
    if settings.SECRET_KEY_IS_LOCAL and not settings.DEBUG:
        raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")
