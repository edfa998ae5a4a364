"""The demo fills the network: asso@demo.pacte.fr's association has published actions and one
waiting; one is refused; topics, replies and two network meetings."""

import pytest
from django.core.management import call_command

from associations.reseau.access import referent_organisations
from associations.reseau.models import ShowcaseAction, ShowcaseStatus
from pacte.enums import Action
from pacte.models import Event, ExchangeNetwork, Reply, Topic, User

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_the_network(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    asso = User.objects.get(email="asso@demo.pacte.fr")
    (association,) = referent_organisations(asso)
    own = ShowcaseAction.objects.filter(organisation=association)

    assert own.filter(status=ShowcaseStatus.PUBLISHED).count() >= 2
    assert own.filter(status=ShowcaseStatus.PENDING).count() == 1
    assert (
        ShowcaseAction.objects.filter(status=ShowcaseStatus.REFUSED).exclude(refusal_reason="").count() == 1
    )
    assert all(a.photos.exists() for a in ShowcaseAction.objects.published())
    assert Topic.objects.filter(network=ExchangeNetwork.RELAIS).count() >= 3
    assert Reply.objects.filter(topic__network=ExchangeNetwork.RELAIS).count() >= 3
    assert Event.objects.published().upcoming().filter(action=Action.RELAIS_NETWORK).count() >= 2

    before = ShowcaseAction.objects.count()
    call_command("seed_demo", verbosity=0)
    assert ShowcaseAction.objects.count() == before  # idempotent


def test_seed_scale_adds_published_showcase_actions():
    from django.apps import apps

    apps.get_app_config("associations").seed_scale(1)
    assert ShowcaseAction.objects.published().filter(title__startswith="Action de charge").count() == 10
    apps.get_app_config("associations").seed_scale(1)
    assert ShowcaseAction.objects.filter(title__startswith="Action de charge").count() == 10
