"""What a person posted to the showcase and reported is in their export and leaves with them."""

import pytest

from associations.reseau.models import ShowcaseAction, ShowcaseReport
from associations.reseau.services import showcase_report
from pacte.portal import export_personal_data
from pacte.services.accounts import user_delete_account
from tests.associations.reseau.conftest import post

pytestmark = pytest.mark.django_db


def test_export_and_erase(net):
    lead, citizen = net.people["referent"], net.people["citizen"]
    post(net.association, lead, title="Avec photo", photos=1)
    showcase_report(action=net.published, reporter=citizen, reason="Doublon", by=citizen)

    exported = export_personal_data(lead)["associations"]
    titles = [a["titre"] for a in export_personal_data(lead)["reseau_relais"]["actions_de_la_vitrine"]]
    assert "Avec photo" in titles and "Fête des récoltes" in titles
    assert exported is not None
    reports = export_personal_data(citizen)["reseau_relais"]["signalements_de_la_vitrine"]
    assert reports == [{"action": "Fête des récoltes", "motif": "Doublon", "le": reports[0]["le"]}]

    user_delete_account(user=lead, by=lead)
    user_delete_account(user=citizen, by=citizen)
    # The posts are the association's: they stay, without an author; the report stays counted.
    assert ShowcaseAction.objects.filter(organisation=net.association, author=None).count() == 3
    assert ShowcaseReport.objects.filter(reporter=None).count() == 1
