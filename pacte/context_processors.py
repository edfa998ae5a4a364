from django.conf import settings


def portal(request):
    return {
        "portal_name": "PACTE · Métropole Rouen Normandie",
        "installed_actions": {app for app in ("clubs",) if app in settings.INSTALLED_APPS},
    }
