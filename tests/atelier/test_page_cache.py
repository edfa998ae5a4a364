"""The Atelier's public pages are cached for anonymous visitors and renewed by the services."""

import pytest

from atelier.enums import ApplicationStatus
from atelier.services.calls import application_decide
from tests.atelier.factories import ApplicationFactory, CallFactory, SpaceFactory
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_decision_renews_the_residents_list(client):
    space = SpaceFactory()
    application = ApplicationFactory(
        call=CallFactory(),
        organisation=OrganisationFactory(name="Les Amis du Compost"),
        status=ApplicationStatus.SUBMITTED,
    )
    application.needed_spaces.set([space])
    assert "Les Amis du Compost" not in client.get("/atelier/").content.decode()
    assert client.get("/atelier/")["X-Page-Cache"] == "hit"
    application_decide(
        application=application, decision=ApplicationStatus.RETAINED, by=UserFactory(staff=True)
    )
    response = client.get("/atelier/")
    assert response["X-Page-Cache"] == "miss" and "Les Amis du Compost" in response.content.decode()


def test_signed_in_pages_are_never_cached(client):
    SpaceFactory()
    client.force_login(UserFactory())
    response = client.get("/atelier/")
    assert "private" in response["Cache-Control"] and "X-Page-Cache" not in response
