"""The demo of action 3 is believable, gives the demo accounts their roles, and is idempotent."""

import io

import pytest
from django.core.management import call_command

from associations.enums import ApplicationStatus, LabelStatus
from associations.models import RelaisLabel, SubsidyApplication
from associations.models.applications import is_instructor
from associations.services.label import labelled_organisations
from pacte.models import User
from pacte.permissions import staff_for_operator_command

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_each_account_its_role(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    counts = (RelaisLabel.objects.count(), SubsidyApplication.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (RelaisLabel.objects.count(), SubsidyApplication.objects.count()) == counts

    jardins = SubsidyApplication.objects.filter(organisation__slug="les-jardins-partages-du-petit-quevilly")
    assert set(jardins.values_list("status", flat=True)) == {
        ApplicationStatus.CORRECTION,
        ApplicationStatus.BILAN_DUE,
    }
    asso = User.objects.get(email="asso@demo.pacte.fr")
    assert set(SubsidyApplication.objects.of_referent(asso)) == set(jardins)
    closed = SubsidyApplication.objects.get(organisation__slug="atelier-velo-solidaire-rouennais")
    assert closed.status == ApplicationStatus.CLOSED and closed.bilan.people_reached == 218
    assert {o.slug for o in labelled_organisations()} == {
        "les-jardins-partages-du-petit-quevilly",
        "atelier-velo-solidaire-rouennais",
        "seine-zero-dechet",
    }
    assert RelaisLabel.objects.filter(
        status=LabelStatus.REQUESTED, organisation__slug="repair-cafe-de-sotteville"
    ).exists()
    assert is_instructor(staff_for_operator_command(User.objects.get(email="dacte@demo.pacte.fr")))
    # The bilan due is prefilled with the association's own events on the portal.
    from associations.services.bilans import portal_figures

    figures = portal_figures(jardins.get(status=ApplicationStatus.BILAN_DUE))
    assert figures["events"] == 4 and figures["attended"] > 0 and figures["walk_ins"] == 4 + 5 + 6 + 7


def test_scale_data_for_the_bench(client):
    from django.apps import apps

    from associations.services.open_data import scdl_csv

    apps.get_app_config("associations").seed_scale(1)
    apps.get_app_config("associations").seed_scale(1)  # idempotent
    assert labelled_organisations().filter(slug__startswith="charge-asso-").count() == 2
    assert scdl_csv().count("\r\n") == 3  # header and two grants
    assert client.get("/associations/").status_code == 200
