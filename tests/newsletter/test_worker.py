"""Exactly once through a worker crash and an SMTP outage: a real Celery worker process on Redis,
killed in the middle of a sending then restarted, against a real SMTP server that counts what it
accepts. Runs when CELERY_BROKER_URL is set, on PostgreSQL (CI does both)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from newsletter.enums import DeliveryStatus, IssueStatus
from newsletter.models import Delivery, Issue
from newsletter.services import issue_send_now
from newsletter.tasks import resume_sendings
from pacte.celery import app
from pacte.tasks import ping
from tests.newsletter.factories import IssueFactory, SectionFactory, SubscriberFactory, editor
from tests.newsletter.smtp import SMTPServer

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

QUEUE = "pacte-test-lettre"


def _database_url() -> str:
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


class Workers:
    """Start, kill (SIGKILL: no cleanup, like a lost machine) and restart `celery worker`."""

    def __init__(self, smtp_port: int):
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CONN_MAX_AGE": "0",
            "PACTE_TESTING": "0",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
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
                QUEUE,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                assert ping.delay().get(timeout=5) == "pong"
                return
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def workers(django_db_serialized_rollback, transactional_db, smtp):
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = QUEUE
    # Tasks left in the queue by an earlier run must not reach this test's worker.
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)
    pool = Workers(smtp.port)
    try:
        yield pool
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        pool.stop()


def _wait_until_sent(issue, *, timeout=90, lease=2):
    """What Celery beat does every minute, every few seconds: resume the sending issues."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Issue.objects.get(pk=issue.pk).status == IssueStatus.SENT:
            return
        resume_sendings.delay(lease_seconds=lease, pause=0, retry_base=1)
        time.sleep(lease + 1)
    raise AssertionError(dict(Delivery.objects.filter(issue=issue).values_list("pk", "status")))


def test_a_worker_killed_mid_send_then_restarted_delivers_each_issue_once(workers, smtp):
    subscribers = [SubscriberFactory() for _ in range(8)]
    issue = IssueFactory()
    SectionFactory(issue=issue)
    # The server holds the 4th message's SMTP conversation: the worker is stuck mid-send with a
    # claimed row, and dies there.
    smtp.handler.hold_after = 3
    workers.start()
    issue_send_now(issue=issue, by=editor())  # queues the sending on commit
    assert smtp.handler.holding.wait(timeout=60)
    workers.kill()
    smtp.handler.release.set()
    statuses = list(Delivery.objects.filter(issue=issue).values_list("status", flat=True))
    assert statuses.count(DeliveryStatus.SENT) == 3
    assert statuses.count(DeliveryStatus.SENDING) == 1  # claimed by the dead worker
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.SENDING

    workers.start()
    _wait_until_sent(issue)
    assert smtp.handler.per_recipient() == {s.email: 1 for s in subscribers}
    assert len(smtp.handler.messages) == 8
    assert set(Delivery.objects.filter(issue=issue).values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_an_smtp_server_down_then_failing_for_a_while_delivers_each_issue_once(workers, smtp):
    subscribers = [SubscriberFactory() for _ in range(6)]
    issue = IssueFactory()
    SectionFactory(issue=issue)
    smtp.stop()  # down: connections refused
    workers.start()
    issue_send_now(issue=issue, by=editor())
    time.sleep(3)
    assert Delivery.objects.filter(issue=issue, status=DeliveryStatus.SENT).count() == 0
    smtp.start()
    smtp.handler.fail_data = 3  # back, but answers 451 to the next three messages
    _wait_until_sent(issue)
    assert smtp.handler.per_recipient() == {s.email: 1 for s in subscribers}
    for subscriber in subscribers:
        subscriber.refresh_from_db()
        assert subscriber.status == "active" and subscriber.failure_count == 0
