import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacte.settings")

app = Celery("pacte")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _declared_schedules(sender, **kwargs):
    # Each app declares its periodic tasks (PortalApp.beat_schedule); settings hold the kernel's.
    from .portal import beat_schedule

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **beat_schedule()}


@worker_init.connect
def _refuse_local_secret_key(**kwargs):
    # Workers sign links (unsubscribe, e-mail confirmation): never with the development key.
    from .checks import require_secret_key

    require_secret_key()
