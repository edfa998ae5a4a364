"""The indicators the communes app declares, for a period and for one commune."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from communes.services import replication_create
from pacte.enums import Action
from pacte.metrics import Period, all_metrics, compute_all, get_metric
from tests.communes.factories import ActionFactory, CommitmentFactory, ConventionFactory, referent, theme
from tests.factories import commune

pytestmark = pytest.mark.django_db


def _period(commune_slug=None):
    today = timezone.localdate()
    return Period(
        start=today - timedelta(days=30), end=today, commune=commune(commune_slug) if commune_slug else None
    )


def test_declared_for_the_communes_action():
    keys = {m.key for m in all_metrics(Action.COMMUNES)}
    assert {
        "communes.conventions",
        "communes.commitments",
        "communes.commitments_progress",
        "communes.actions_by_stage",
        "communes.actions_by_theme",
        "communes.experiments",
        "communes.replications",
        "communes.actions_replicated",
    } <= keys


def test_figures():
    convention = ConventionFactory(starts_on=date(2024, 1, 1), ends_on=date(2099, 1, 1))
    CommitmentFactory(convention=convention, progress=20)
    CommitmentFactory(convention=convention, progress=100)
    ConventionFactory(commune=commune("rouen"), starts_on=date(2010, 1, 1), ends_on=date(2012, 1, 1))
    source = ActionFactory(theme=theme("mobilite"), stage="realisee", is_experiment=True)
    ActionFactory(theme=theme("mobilite"), stage="projet", commune=commune("canteleu"))
    ActionFactory(pending=True)
    ActionFactory(published_at=timezone.now() - timedelta(days=90))  # before the period
    replication_create(source=source, commune=commune("canteleu"), message="x", by=referent("canteleu"))
    replication_create(source=source, commune=commune("rouen"), message="x", by=referent("rouen"))

    figures = compute_all(_period(), Action.COMMUNES)
    assert figures["communes.conventions"] == 1
    assert figures["communes.commitments"] == 2 and figures["communes.commitments_progress"] == 60
    assert figures["communes.commitments_done"] == 1
    assert figures["communes.actions_published"] == 2
    assert figures["communes.actions_by_stage"] == {"Projet": 1, "En cours": 0, "Réalisée": 1}
    assert figures["communes.actions_by_theme"] == {"Mobilité": 2}
    assert figures["communes.experiments"] == 1
    assert figures["communes.replications"] == 2 and figures["communes.actions_replicated"] == 1
    # 3 posted in the period: the two published, the pending one, and the two "nous aussi" drafts.
    assert figures["communes.actions_submitted"] == 6

    darnetal = compute_all(_period("darnetal"), Action.COMMUNES)
    assert darnetal["communes.actions_published"] == 1 and darnetal["communes.replications"] == 0
    assert darnetal["communes.actions_replicated"] == 1
    assert get_metric("communes.replications").compute(_period("canteleu")) == 1
