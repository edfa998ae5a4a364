"""The demo: believable issues, sheets and subscribers in real communes; idempotent; a demo editor."""

import io

import pytest
from django.core.management import call_command

from newsletter.enums import IssueStatus, SheetStatus, SubscriberStatus
from newsletter.models import ExperienceSheet, Issue, Subscriber
from pacte.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_twice(client):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Issue.objects.count(), ExperienceSheet.objects.count(), Subscriber.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Issue.objects.count(), ExperienceSheet.objects.count(), Subscriber.objects.count()) == counts
    assert Issue.objects.filter(status=IssueStatus.SENT).count() == 3
    assert Issue.objects.filter(status=IssueStatus.DRAFT).count() == 1
    assert ExperienceSheet.objects.filter(status=SheetStatus.PUBLISHED).count() >= 3
    assert ExperienceSheet.objects.exclude(status=SheetStatus.PUBLISHED).count() >= 2
    assert Subscriber.objects.filter(status=SubscriberStatus.ACTIVE, commune__isnull=False).count() >= 8
    editor = User.objects.get(email="redaction@demo.pacte.fr")
    assert editor.is_staff and editor.groups.filter(name="Édition de la lettre").exists()
    assert editor.check_password("demo-pacte-2026")
    assert client.get("/lettre/1/").status_code == 200


def test_seed_scale_adds_load_data():
    from newsletter.demo import seed_scale

    seed_scale(1)
    seed_scale(1)
    assert ExperienceSheet.objects.filter(slug__startswith="charge-").count() == 10
    assert Subscriber.objects.filter(email__startswith="charge-").count() == 100
    assert Issue.objects.filter(title__startswith="Numéro de charge").count() == 1


def test_bench_measures_the_letter_pages(client):
    from bench.prepare import pages
    from tests.newsletter.factories import IssueFactory, SheetFactory

    issue = IssueFactory(sent=True)
    sheet = SheetFactory()
    paths = dict(pages()).values()
    for path in ["/lettre/", "/lettre/fiches/", issue.get_absolute_url(), sheet.get_absolute_url()]:
        assert path in paths
        assert client.get(path).status_code == 200
