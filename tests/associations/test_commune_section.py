"""The associations' block of a commune's page (PortalApp.commune_sections): the labelled Relais
COP21 associations located there, and only them."""

import pytest

from tests.associations.factories import labelled_association
from tests.factories import OrganisationFactory, commune

pytestmark = pytest.mark.django_db


def test_commune_page_lists_the_labelled_associations_located_there(client, settings):
    settings.PACTE_PAGE_CACHE = False
    darnetal = commune("darnetal")
    labelled_association(name="Darnétal en transition", commune=darnetal)
    OrganisationFactory(name="Association sans label", commune=darnetal)
    labelled_association(name="Rouen à vélo", commune=commune("rouen"))
    page = client.get("/communes/darnetal/").content.decode()
    assert "Associations Relais COP21" in page
    assert "Darnétal en transition" in page
    assert "Association sans label" not in page and "Rouen à vélo" not in page
    empty = client.get("/communes/elbeuf/").content.decode()
    assert "Aucune association labellisée Relais COP21" in empty
