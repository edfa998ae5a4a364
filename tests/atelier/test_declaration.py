"""What the Atelier declares to the kernel: nav, home card and figure, Mon espace with what waits,
the admin's to-do, its periodic tasks, and its block on a resident's organisation page."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import RequestFactory

from atelier.enums import ApplicationStatus, BookingStatus
from pacte import portal
from tests.atelier.factories import (
    ApplicationFactory,
    BookingFactory,
    CallFactory,
    SpaceFactory,
    referent,
    resident,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_nav_home_card_key_figure_and_beat(client):
    space = SpaceFactory()
    resident(space)
    body = client.get("/").content.decode()
    assert 'href="/atelier/"' in body and "Atelier des Transitions" in body
    assert "<strong>1</strong> association résidente" in body
    schedule = portal.beat_schedule()
    assert schedule["atelier-release-no-shows"]["task"] == "atelier.tasks.release_no_shows"
    assert schedule["atelier-booking-reminders"]["task"] == "atelier.tasks.send_booking_reminders"


def test_my_space_says_what_waits(client):
    space = SpaceFactory()
    residency, person = resident(space, rules_accepted_at=None)
    draft = ApplicationFactory(call=CallFactory(), organisation=OrganisationFactory())
    referent(draft.organisation, person)
    client.force_login(person)
    body = client.get("/mon-espace/").content.decode()
    assert f"règlement de l&#x27;Atelier à accepter ({residency.organisation.name})" in body
    assert "candidature à l&#x27;Atelier à terminer" in body
    assert f"{residency.organisation.name} est résidente de l'Atelier" in body


def test_nothing_for_people_without_an_atelier_role():
    request = RequestFactory().get("/mon-espace/")
    request.user = UserFactory()
    assert list(apps.get_app_config("atelier").my_space_sections(request)) == []


def test_admin_todo_for_the_atelier_group():
    ApplicationFactory(status=ApplicationStatus.SUBMITTED)
    BookingFactory(status=BookingStatus.PENDING)
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(staff=True)
    request.user.groups.add(Group.objects.get(name="Gestion de l'Atelier"))
    labels = [item.label for item in apps.get_app_config("atelier").admin_todo(request)]
    assert labels == ["candidature à l'Atelier à examiner", "réservation à valider"]
    request.user = UserFactory(staff=True)  # another team
    assert list(apps.get_app_config("atelier").admin_todo(request)) == []


def test_resident_block_on_the_organisation_page(client):
    residency, _ = resident(SpaceFactory())
    body = client.get(f"/structures/{residency.organisation.slug}/").content.decode()
    assert "est résidente de l" in body and "Atelier des Transitions" in body
