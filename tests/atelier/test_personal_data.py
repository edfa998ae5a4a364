"""A person's Atelier data is in their download; deleting the account keeps the association's history."""

import pytest

from atelier.models import Application, Booking, Residency
from atelier.services.bookings import booking_create
from pacte.services.accounts import user_delete_account, user_export_data
from tests.atelier.factories import ApplicationFactory, SpaceFactory, at, next_monday, resident

pytestmark = pytest.mark.django_db


def test_export_and_erasure():
    space = SpaceFactory(name="Salle Seine")
    residency, person = resident(space)
    Residency.objects.filter(pk=residency.pk).update(rules_accepted_by=person)
    booking_create(
        space=space,
        residency=residency,
        starts_at=at(next_monday(), 10),
        ends_at=at(next_monday(), 12),
        title="Réunion du bureau",
        by=person,
    )
    ApplicationFactory(organisation=residency.organisation, created_by=person)
    data = user_export_data(user=person)["atelier"]
    assert data["reservations"][0]["objet"] == "Réunion du bureau"
    assert data["reservations"][0]["espace"] == "Salle Seine"
    assert data["candidatures_commencees"][0]["association"] == residency.organisation.name
    assert data["reglements_acceptes"][0]["association"] == residency.organisation.name
    user_delete_account(user=person, by=person)
    booking = Booking.objects.get()
    assert booking.created_by is None and booking.title == "Réunion du bureau"  # the association keeps it
    assert Application.objects.get().created_by is None
    assert Residency.objects.get(pk=residency.pk).rules_accepted_by is None
