"""The Atelier's side of "the admin goes through the services": the venue, its spaces, opening
hours and closures, and a call's criteria and documents are saved and deleted through their
services. Each test checks the audit entry and the next anonymous page (cached before)."""

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from atelier.enums import ApplicationStatus, BookingStatus
from atelier.models import Call, Closure, Criterion, OpeningHours, RequiredDocument, Space, Venue
from atelier.services.calls import call_delete, review_save
from atelier.services.venue import (
    closure_create,
    criterion_delete,
    space_delete,
    space_update,
    venue_delete,
    venue_update,
)
from pacte.models import AuditEntry
from pacte.services.errors import RefusedError
from tests.admin_forms import anonymous_page, form_data, warm
from tests.atelier.factories import (
    ApplicationFactory,
    BookingFactory,
    CallFactory,
    SpaceFactory,
    VenueFactory,
    slot,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = "/atelier/"


@pytest.fixture
def manager(settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name="Gestion de l'Atelier"))
    return user


@pytest.fixture
def agent(client, manager):
    client.force_login(manager)
    return client


def change_url(obj):
    return reverse(f"admin:atelier_{obj._meta.model_name}_change", args=[obj.pk])


def delete_url(obj):
    return reverse(f"admin:atelier_{obj._meta.model_name}_delete", args=[obj.pk])


def entry(verb, target=None):
    entries = AuditEntry.objects.filter(verb=verb)
    if target is not None:
        entries = entries.for_object(target)
    return entries.get()


def add_row(data, prefix, **fields):
    """An extra inline row, as the admin's "add another" button makes it."""
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = n + 1
    for name, value in fields.items():
        data[f"{prefix}-{n}-{name}"] = value
    return data


def page(url=HOME):
    response, cache_state = anonymous_page(url)
    assert cache_state == "miss", "the change did not renew the cached page"
    return response.content.decode()


# --- Venue --------------------------------------------------------------------------------------


def test_venue_edit_is_audited_and_shown(agent, manager):
    venue = VenueFactory(summary="Un lieu prêté aux associations.")
    assert "Un lieu prêté aux associations." in warm(HOME)
    response = agent.post(
        change_url(venue), form_data(agent.get(change_url(venue)), summary="Un lieu ouvert sur le quartier.")
    )
    assert response.status_code == 302
    assert entry("atelier.venue.update", venue).actor == manager
    assert "Un lieu ouvert sur le quartier." in page()


def test_venue_added_in_the_admin_is_audited_and_shown(agent, manager):
    from tests.factories import commune as make_commune

    commune = make_commune()
    warm(HOME)
    add = reverse("admin:atelier_venue_add")
    data = form_data(
        agent.get(add),
        name="Atelier des Transitions",
        slug="atelier",
        address="12 rue de la Transition",
        commune=commune.pk,
        summary="Ouvert aux associations du PACTE.",
    )
    add_row(data, "opening_hours", weekday=1, opens_at="09:00", closes_at="12:30")
    assert agent.post(add, data).status_code == 302
    venue = Venue.objects.get(slug="atelier")
    assert entry("atelier.venue.create", venue).actor == manager
    assert entry("atelier.opening_hours.create").actor == manager
    html = page()
    assert "Ouvert aux associations du PACTE." in html and "09:00–12:30" in html


def test_venue_delete_is_audited_and_takes_it_off_the_page(agent, manager):
    venue = VenueFactory(summary="Un lieu éphémère.")
    assert "Un lieu éphémère." in warm(HOME)
    assert agent.post(delete_url(venue), {"post": "yes"}).status_code == 302
    assert not Venue.objects.exists()
    assert entry("atelier.venue.delete").object_id == str(venue.pk)
    assert "Un lieu éphémère." not in page()


def test_a_venue_whose_spaces_were_booked_is_not_deleted(agent, manager):
    venue = BookingFactory().space.venue
    # The admin's delete page names the protected bookings; the service refuses as well.
    response = agent.post(delete_url(venue), {"post": "yes"})
    assert response.status_code == 200 and Venue.objects.filter(pk=venue.pk).exists()
    with pytest.raises(RefusedError, match="déjà réservés"):
        venue_delete(venue=venue, by=manager)
    assert Venue.objects.filter(pk=venue.pk).exists()
    assert not AuditEntry.objects.filter(verb="atelier.venue.delete").exists()


# --- Spaces -------------------------------------------------------------------------------------


def test_space_edit_is_audited_and_shown(agent, manager):
    space = SpaceFactory(name="Salle Seine")
    assert "Salle Seine" in warm(HOME)
    response = agent.post(change_url(space), form_data(agent.get(change_url(space)), name="Salle Robec"))
    assert response.status_code == 302
    assert entry("atelier.space.update", space).actor == manager
    html = page()
    assert "Salle Robec" in html and "Salle Seine" not in html


def test_space_added_in_the_admin_is_audited_and_shown(agent, manager):
    venue = VenueFactory()
    warm(HOME)
    add = reverse("admin:atelier_space_add")
    data = form_data(
        agent.get(add),
        venue=venue.pk,
        name="Atelier bois",
        slug="atelier-bois",
        kind=SpaceFactory._meta.model._meta.get_field("kind").choices[0][0],
        capacity=8,
    )
    assert agent.post(add, data).status_code == 302
    space = Space.objects.get(slug="atelier-bois")
    assert entry("atelier.space.create", space).actor == manager
    assert "Atelier bois" in page()


def test_space_delete_is_audited_and_booked_spaces_stay(agent, manager):
    space = SpaceFactory(name="Salle Seine")
    booked = BookingFactory(space=SpaceFactory(venue=space.venue, name="Salle Robec")).space
    html = warm(HOME)
    assert "Salle Seine" in html and "Salle Robec" in html
    assert agent.post(delete_url(space), {"post": "yes"}).status_code == 302
    assert entry("atelier.space.delete").object_id == str(space.pk)
    assert "Salle Seine" not in page()
    assert agent.post(delete_url(booked), {"post": "yes"}).status_code == 200
    with pytest.raises(RefusedError, match="réservable"):
        space_delete(space=booked, by=manager)
    assert Space.objects.filter(pk=booked.pk).exists()


# --- Opening hours and closures (inlines of the venue) ------------------------------------------


def test_opening_hours_changed_and_removed_in_the_venue_inline(agent, manager):
    venue = VenueFactory(hours=False)
    monday = OpeningHours.objects.create(venue=venue, weekday=0, opens_at=time(9), closes_at=time(12))
    tuesday = OpeningHours.objects.create(venue=venue, weekday=1, opens_at=time(14), closes_at=time(18))
    html = warm(HOME)
    assert "09:00–12:00" in html and "14:00–18:00" in html
    data = form_data(agent.get(change_url(venue)))
    rows = {data[f"opening_hours-{n}-id"]: n for n in range(int(data["opening_hours-TOTAL_FORMS"]))}
    data[f"opening_hours-{rows[monday.pk]}-closes_at"] = "12:30"
    data[f"opening_hours-{rows[tuesday.pk]}-DELETE"] = "on"
    assert agent.post(change_url(venue), data).status_code == 302
    assert entry("atelier.opening_hours.update", monday).actor == manager
    assert entry("atelier.opening_hours.delete").object_id == str(tuesday.pk)
    assert not OpeningHours.objects.filter(pk=tuesday.pk).exists()
    html = page()
    assert "09:00–12:30" in html and "14:00–18:00" not in html


def test_closure_added_and_removed_in_the_venue_inline(agent, manager):
    venue = VenueFactory()
    SpaceFactory(venue=venue)
    warm(HOME)
    starts = timezone.localdate() + timedelta(days=60)
    data = form_data(agent.get(change_url(venue)))
    add_row(
        data,
        "closures",
        starts_on=starts.strftime("%d/%m/%Y"),
        ends_on=(starts + timedelta(days=3)).strftime("%d/%m/%Y"),
        reason="Travaux de peinture",
    )
    assert agent.post(change_url(venue), data).status_code == 302
    closure = Closure.objects.get()
    assert entry("atelier.closure.create", closure).actor == manager
    assert "Travaux de peinture" in page()
    warm(HOME)
    data = form_data(agent.get(change_url(venue)), **{"closures-0-DELETE": "on"})
    assert agent.post(change_url(venue), data).status_code == 302
    assert not Closure.objects.exists()
    assert entry("atelier.closure.delete").object_id == str(closure.pk)
    assert "Travaux de peinture" not in page()


def test_a_closure_over_a_confirmed_booking_is_refused_naming_it(agent):
    booking = BookingFactory(starts_at=slot(days=10, hour=10), status=BookingStatus.CONFIRMED)
    venue = booking.space.venue
    day = timezone.localtime(booking.starts_at).date()
    data = form_data(agent.get(change_url(venue)))
    add_row(
        data, "closures", starts_on=day.strftime("%d/%m/%Y"), ends_on=day.strftime("%d/%m/%Y"), reason="Fuite"
    )
    response = agent.post(change_url(venue), data)
    assert response.status_code == 200  # the form again, the reason next to the row
    html = response.content.decode()
    assert "tombe sur des réservations" in html and booking.space.name in html
    assert "Fuite" in html  # what the agent typed is kept
    assert not Closure.objects.exists()
    assert not AuditEntry.objects.filter(verb="atelier.closure.create").exists()


def test_the_closure_service_refuses_bookings_it_would_hit(manager):
    """The check under the service too: a booking made between the form and the save."""
    booking = BookingFactory(starts_at=slot(days=10, hour=10), status=BookingStatus.PENDING)
    other_space = SpaceFactory(venue=booking.space.venue)
    day = timezone.localtime(booking.starts_at).date()
    with pytest.raises(RefusedError) as refused:
        closure_create(
            closure=Closure(venue=booking.space.venue, starts_on=day, ends_on=day, reason="Fuite"), by=manager
        )
    assert booking.space.name in refused.value.messages[0] and "en attente" in refused.value.messages[0]
    # Another space of the venue, closed alone, does not touch the booking.
    closure = closure_create(
        closure=Closure(
            venue=other_space.venue, space=other_space, starts_on=day, ends_on=day, reason="Fuite"
        ),
        by=manager,
    )
    assert entry("atelier.closure.create", closure).actor == manager
    # A cancelled booking holds no slot: it does not stop a closure.
    booking.status = BookingStatus.CANCELLED
    booking.save()
    closure_create(
        closure=Closure(venue=booking.space.venue, starts_on=day, ends_on=day, reason="Fuite"), by=manager
    )


def test_the_venue_services_are_for_staff_only():
    space = SpaceFactory()
    citizen = UserFactory()
    with pytest.raises(RefusedError):
        venue_update(venue=space.venue, by=citizen)
    with pytest.raises(RefusedError):
        space_update(space=space, by=citizen)
    assert not AuditEntry.objects.exists()


# --- Criteria and required documents (inlines of the call) --------------------------------------


def test_criteria_and_documents_saved_in_the_call_inline(agent, manager):
    call = CallFactory(is_published=True, slug="appel-2027", criteria=False)
    kept = Criterion.objects.create(call=call, label="Ancrage local", weight=2, position=0)
    dropped = Criterion.objects.create(call=call, label="Budget", weight=1, position=1)
    url = reverse("atelier:call", args=[call.slug])
    html = warm(url)
    assert "Ancrage local" in html and "Budget" in html
    data = form_data(agent.get(change_url(call)))
    rows = {data[f"criteria-{n}-id"]: n for n in range(int(data["criteria-TOTAL_FORMS"]))}
    data[f"criteria-{rows[kept.pk]}-label"] = "Ancrage dans le quartier"
    data[f"criteria-{rows[dropped.pk]}-DELETE"] = "on"
    add_row(data, "criteria", label="Partenariats", weight=3, position=2)
    add_row(data, "required_documents", label="Budget prévisionnel", position=1)
    assert agent.post(change_url(call), data).status_code == 302
    assert entry("atelier.call.save", call).actor == manager
    assert entry("atelier.criterion.update", kept).actor == manager
    assert entry("atelier.criterion.delete").object_id == str(dropped.pk)
    assert entry("atelier.criterion.create", Criterion.objects.get(label="Partenariats")).actor == manager
    assert entry("atelier.required_document.create", RequiredDocument.objects.get()).actor == manager
    assert "Budget prévisionnel" in page(url)
    html = anonymous_page(url)[0].content.decode()
    assert "Ancrage dans le quartier" in html and "Partenariats" in html and "(×1)" not in html


def test_a_scored_criterion_is_not_deleted(manager):
    application = ApplicationFactory(call=CallFactory(criteria=False), status=ApplicationStatus.SUBMITTED)
    criterion = Criterion.objects.create(call=application.call, label="Ancrage local", weight=2)
    review_save(application=application, scores={criterion.pk: 4}, note="", by=manager)
    with pytest.raises(RefusedError):
        criterion_delete(criterion=criterion, by=manager)
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_a_call_is_deleted_through_the_service_unless_someone_applied(agent, manager):
    empty = CallFactory()
    assert agent.post(delete_url(empty), {"post": "yes"}).status_code == 302
    assert not Call.objects.filter(pk=empty.pk).exists()
    assert entry("atelier.call.delete").object_id == str(empty.pk)
    applied = ApplicationFactory(call=CallFactory()).call
    assert agent.post(delete_url(applied), {"post": "yes"}).status_code == 200
    with pytest.raises(RefusedError, match="dépubliez"):
        call_delete(call=applied, by=manager)
    assert Call.objects.filter(pk=applied.pk).exists()
