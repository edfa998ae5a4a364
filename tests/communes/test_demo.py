"""The communes demo content is believable, idempotent, and gives the demo accounts their roles."""

import io

import pytest
from django.core.management import call_command

from communes.enums import ActionStage, ModerationStatus
from communes.models import CommuneAction, Convention, Replication
from communes.models.access import communes_of
from pacte.models import ExchangeNetwork, Topic, User

pytestmark = pytest.mark.django_db


def test_seed_demo_twice():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (CommuneAction.objects.count(), Replication.objects.count(), Convention.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (CommuneAction.objects.count(), Replication.objects.count(), Convention.objects.count()) == counts

    sophie = User.objects.get(email="commune@demo.pacte.fr")
    assert [c.slug for c in communes_of(sophie)] == ["darnetal"]
    darnetal = CommuneAction.objects.filter(commune__slug="darnetal")
    published_stages = set(darnetal.published().values_list("stage", flat=True))
    assert published_stages == set(ActionStage.values)  # an action in every stage
    assert darnetal.filter(status=ModerationStatus.PENDING).exists()
    assert Convention.objects.get(commune__slug="darnetal").commitments.count() >= 3

    oissel = User.objects.get(email="commune.oissel@demo.pacte.fr")
    assert [c.slug for c in communes_of(oissel)] == ["oissel-sur-seine"]
    replication = Replication.objects.get(source__commune__slug="darnetal", commune__slug="oissel-sur-seine")
    assert replication.topic.replies.filter(author=sophie).exists()
    assert replication.action.status == ModerationStatus.PUBLISHED
    assert CommuneAction.objects.published().values("commune").distinct().count() >= 5
    assert CommuneAction.objects.filter(status=ModerationStatus.REFUSED).exclude(refusal_reason="").exists()
    assert Topic.objects.filter(network=ExchangeNetwork.COMMUNES).count() >= 4


def test_seed_scale_adds_load_data():
    from communes.demo import seed_scale

    seed_scale(1)
    seed_scale(1)
    assert CommuneAction.objects.filter(title__startswith="Action de charge").count() == 20
    assert Convention.objects.count() == 71 and Replication.objects.count() == 4
