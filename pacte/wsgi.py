import os

from django.core.wsgi import get_wsgi_application

from pacte.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacte.settings")
application = get_wsgi_application()
# Serving people with the local development key would make sessions and signed links forgeable.
require_secret_key()
