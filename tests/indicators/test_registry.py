"""The registry: every app's metrics plus the people mobilised; the public category honoured."""

from datetime import timedelta

import pytest
from django.utils import timezone

from indicators.registry import PEOPLE_TOTAL, count_metrics, labels, people_key, registry
from pacte import portal
from pacte.enums import Action, PublicCategory
from pacte.metrics import Period, get_metric
from tests.clubs.factories import ClubFactory, member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_metric_has_a_key_label_action_unit_and_function():
    found = registry()
    assert PEOPLE_TOTAL in found
    for action in Action:
        assert people_key(action) in found
    assert {
        "clubs.members",
        "atelier.events",
        "associations.labelled",
        "lettre.subscribers",
        "communes.conventions",
    } <= set(found)
    for key, metric in found.items():
        assert metric.key == key and metric.label and callable(metric.compute)
        assert metric.action is None or metric.action in Action.values
        assert metric.over_months in ("sum", "last", "mean", "distinct")
    assert found[PEOPLE_TOTAL].unit == ("personne", "personnes")
    assert all(metric.kind == "count" for metric in count_metrics())
    assert labels()["personnes_annee.total"].startswith("Personnes mobilisées depuis le 1er janvier")


def test_every_action_app_declares_where_it_reaches_people():
    sources = portal.participations()
    labels_ = {source.label for source in sources}
    assert {
        "Présents aux événements (inscrits)",
        "Personnes venues sans inscription",
        "Membres des clubs",
        "Jardiniers de la nature",
        "Candidatures à l'Atelier",
        "Demandes de label Relais COP21",
        "Demandes de subvention",
        "Abonné·es à la lettre",
        "Référents des communes",
    } <= labels_
    for source in sources:
        assert source.at and (source.person or source.headcount)
        assert source.action in Action.values or source.action_field


def test_metrics_that_count_people_honour_the_public_category():
    club = ClubFactory()
    member(club, UserFactory(category=PublicCategory.ASSOCIATION))
    member(club)
    today = timezone.localdate()
    period = Period(today - timedelta(days=1), today)
    metric = get_metric("clubs.members")
    assert metric.counts_people
    assert metric.compute(period) == 2
    assert metric.compute(Period(period.start, period.end, category=PublicCategory.ASSOCIATION)) == 1
    # A metric about things, not people, ignores it and keeps its old signature.
    assert get_metric("clubs.meetings").compute(period) == 0
    assert (
        registry()[PEOPLE_TOTAL].compute(
            Period(period.start, period.end, category=PublicCategory.ASSOCIATION)
        )
        == 1
    )
