"""Tasks go through a real Celery worker on Redis when CELERY_BROKER_URL is set (CI does)."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from pacte.celery import app
from pacte.models import Registration
from pacte.services.registrations import registration_create
from pacte.tasks import ping, send_event_reminders
from tests.factories import EventFactory, UserFactory

BROKER = os.environ.get("CELERY_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not BROKER, reason="needs CELERY_BROKER_URL (Redis) for a real worker"),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="a worker process cannot share the in-memory SQLite test database",
    ),
]


@pytest.fixture
def worker(django_db_serialized_rollback, transactional_db):
    """A real `celery worker` process on the test database, the suite's tasks sent to it."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "0",
        "PACTE_TESTING": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pacte",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "-Q",
            "pacte-test",
        ],
        cwd=ROOT,
        env=env,
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = "pacte-test"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert ping.delay().get(timeout=5) == "pong"
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
        yield process
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        process.terminate()
        process.wait(timeout=30)


def _database_url() -> str:
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def test_reminders_run_in_a_real_worker(worker):
    tomorrow = timezone.localtime() + timedelta(days=1)
    event = EventFactory(starts_at=tomorrow.replace(hour=10, minute=0))
    registration = registration_create(event=event, user=UserFactory())
    assert send_event_reminders.delay().get(timeout=60) == 1
    registration = Registration.objects.get(pk=registration.pk)
    assert registration.reminder_sent_at is not None
    # Safe to run twice: nothing left to send.
    assert send_event_reminders.delay().get(timeout=60) == 0
