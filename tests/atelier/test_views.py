"""Permission matrix of every Atelier view for the roles the issue names: anonymous, citizen, a
non-resident association's référent, a resident's référent (and another resident's), staff.
Another organisation's object is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from atelier.enums import ApplicationStatus, BookingStatus
from atelier.models import Application, Booking, Residency
from tests.atelier.conftest import matrix
from tests.atelier.factories import ApplicationFactory, BookingFactory, at, next_monday

pytestmark = pytest.mark.django_db
LOGIN = "/comptes/login/"


def status_of(response):
    if response.status_code == 302 and response["Location"].startswith(LOGIN):
        return "login"
    return response.status_code


# --- Public pages ---------------------------------------------------------------------------


@matrix(anonymous=200, citizen=200, non_resident=200, other_resident=200, resident=200, staff=200)
def test_home(client, world, role, status):
    world.login(client, role)
    response = client.get("/atelier/")
    assert response.status_code == status
    body = response.content.decode()
    assert "Salle Seine" in body and "Appel à résidence 2027" in body
    assert world.residency.organisation.name in body  # residents are listed
    assert world.non_resident_organisation.name not in body


@matrix(anonymous=200, citizen=200, non_resident=200, other_resident=200, resident=200, staff=200)
def test_space_page_and_ical(client, world, role, status):
    world.login(client, role)
    response = client.get(world.space.get_absolute_url())
    assert response.status_code == status and "Vidéoprojecteur" in response.content.decode()
    BookingFactory(
        space=world.space,
        residency=world.residency,
        organisation=world.residency.organisation,
        title="Bureau secret",
    )
    ical = client.get(reverse("atelier:space_ical", args=[world.space.slug]))
    assert ical.status_code == 200 and ical["Content-Type"].startswith("text/calendar")
    text = ical.content.decode()
    assert f"SUMMARY:Réservé — {world.residency.organisation.name}" in text.replace("\r\n ", "")
    assert "Bureau secret" not in text  # the public feed says who, not what for


@matrix(anonymous=200, citizen=200, non_resident=200, other_resident=200, resident=200, staff=200)
def test_call_page(client, world, role, status):
    world.login(client, role)
    response = client.get(world.call.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == status and "Contribution au PACTE" in body
    if role == "anonymous":
        assert "Se connecter pour candidater" in body
    elif role == "non_resident":
        assert f"Candidater pour {world.non_resident_organisation.name}" in body
    elif role == "citizen":
        assert "Pour candidater, il faut être référent" in body


def test_unpublished_call_is_404(client, world):
    world.call.is_published = False
    world.call.save()
    assert client.get(world.call.get_absolute_url()).status_code == 404


# --- Applications ---------------------------------------------------------------------------


@matrix(anonymous="login", citizen=404, non_resident=302, other_resident=302, resident=302, staff=302)
def test_apply_for_own_association_only(client, world, role, status):
    person = world.login(client, role)
    organisation = world.non_resident_organisation
    if role in ("other_resident", "resident"):
        organisation = (world.other_residency if role == "other_resident" else world.residency).organisation
    response = client.post(
        reverse("atelier:apply", args=[world.call.slug]), {"organisation": organisation.pk}
    )
    assert status_of(response) == status
    if status == 302:
        application = Application.objects.get(organisation=organisation)
        assert response["Location"] == application.get_absolute_url()
        assert application.created_by == person


def test_apply_for_someone_elses_association_is_404(client, world):
    world.login(client, "non_resident")
    response = client.post(
        reverse("atelier:apply", args=[world.call.slug]), {"organisation": world.residency.organisation.pk}
    )
    assert response.status_code == 404 and not Application.objects.exists()


@matrix(anonymous="login", citizen=404, non_resident=200, other_resident=404, resident=404, staff=200)
def test_application_pages(client, world, role, status):
    application = ApplicationFactory(call=world.call, organisation=world.non_resident_organisation)
    world.login(client, role)
    for step in ("projet", "besoins", "public", "documents", "depot"):
        response = client.get(application.get_absolute_url(), {"etape": step})
        assert status_of(response) == status, step


def test_application_steps_save_draft_and_submit(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    application = ApplicationFactory(
        call=world.call, organisation=world.non_resident_organisation, project="", hours_per_week=None
    )
    world.login(client, "non_resident")
    url = application.get_absolute_url()
    response = client.post(f"{url}?etape=projet", {"project_title": "Compost de quartier", "project": ""})
    assert response.status_code == 302 and response["Location"].endswith("?etape=besoins")
    application.refresh_from_db()
    assert application.project_title == "Compost de quartier"  # saved as a draft
    # Out-of-range hours: French message next to the field, nothing typed lost.
    response = client.post(
        f"{url}?etape=besoins",
        {"needed_spaces": [world.space.pk], "frequency": "hebdomadaire", "hours_per_week": "99"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "inférieure ou égale à 60" in body and 'value="99"' in body
    # Submitting with gaps: the recap says what is missing next to each field.
    response = client.post(reverse("atelier:application_submit", args=[application.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Décrivez le projet." in body and "Choisissez au moins un espace." in body
    assert "Joignez : Statuts de l&#x27;association." in body
    client.post(
        f"{url}?etape=projet", {"project_title": "Compost de quartier", "project": "Un composteur partagé"}
    )
    client.post(
        f"{url}?etape=besoins",
        {"needed_spaces": [world.space.pk], "frequency": "hebdomadaire", "hours_per_week": "4"},
    )
    from pacte.models import Theme

    client.post(
        f"{url}?etape=public",
        {"themes": [Theme.objects.first().pk], "expected_public": "Voisins", "partners": ""},
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    required = world.call.required_documents.get()
    response = client.post(
        f"{url}?etape=documents",
        {
            f"document-{required.pk}": SimpleUploadedFile(
                "statuts.pdf", b"%PDF-1.4 x", content_type="application/pdf"
            )
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("atelier:application_submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert mailoutbox and mailoutbox[0].to == [world.people["non_resident"].email]


# --- Residency and bookings -----------------------------------------------------------------


@matrix(anonymous="login", citizen=404, non_resident=404, other_resident=404, resident=200, staff=200)
@pytest.mark.parametrize("name", ["residency", "week", "book"])
def test_residency_pages(client, world, role, status, name):
    world.login(client, role)
    response = client.get(reverse(f"atelier:{name}", args=[world.residency.organisation.slug]))
    assert status_of(response) == status


def test_rules_accepted_on_first_visit(client, world):
    residency = world.residency
    residency.rules_accepted_at = None
    residency.save()
    world.login(client, "resident")
    url = reverse("atelier:residency", args=[residency.organisation.slug])
    assert "Accepter le règlement" in client.get(url).content.decode()
    # The calendar sends back to the rules until they are accepted.
    assert client.get(reverse("atelier:week", args=[residency.organisation.slug]))["Location"] == url
    client.post(reverse("atelier:accept_rules", args=[residency.organisation.slug]), {"accept": "1"})
    residency.refresh_from_db()
    assert residency.rules_accepted_at and residency.rules_accepted_by == world.people["resident"]


def test_week_calendar_shows_free_taken_and_own_slots(client, world):
    monday = next_monday()
    BookingFactory(
        space=world.space,
        residency=world.other_residency,
        organisation=world.other_residency.organisation,
        starts_at=at(monday, 10),
        ends_at=at(monday, 12),
        title="Autre",
    )
    BookingFactory(
        space=world.space,
        residency=world.residency,
        organisation=world.residency.organisation,
        starts_at=at(monday, 14),
        ends_at=at(monday, 15),
        title="Notre bureau",
    )
    world.login(client, "resident")
    response = client.get(
        reverse("atelier:week", args=[world.residency.organisation.slug]),
        {"semaine": monday.isoformat(), "espace": "salle-seine"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("atelier-slot-reserve") == 2  # 10–11 and 11–12
    assert "Votre réservation : Notre bureau" in body
    assert "Autre" not in body  # another association's purpose stays private
    assert (
        f"?espace=salle-seine&amp;debut={monday.isoformat()}T09%3A00%3A00%2B01%3A00" in body
        or "debut=" in body
    )


def test_booking_form_refuses_overlap_with_reason(client, world):
    monday = next_monday()
    BookingFactory(
        space=world.space,
        residency=world.other_residency,
        organisation=world.other_residency.organisation,
        starts_at=at(monday, 10),
        ends_at=at(monday, 12),
    )
    world.login(client, "resident")
    url = reverse("atelier:book", args=[world.residency.organisation.slug])
    data = {
        "space": world.space.pk,
        "day": monday.isoformat(),
        "start": "11:00",
        "end": "12:30",
        "title": "Bureau",
        "expected_people": 4,
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "L&#x27;espace « Salle Seine » est déjà réservé de 10:00 à 12:00 ce jour-là." in body
    assert 'value="Bureau"' in body  # nothing typed is lost
    data["start"], data["end"] = "13:00", "14:30"
    response = client.post(url, data)
    booking = Booking.objects.get(residency=world.residency)
    assert response["Location"] == booking.get_absolute_url() and booking.status == BookingStatus.CONFIRMED


def test_series_preview_then_confirm(client, world):
    monday = next_monday()
    BookingFactory(
        space=world.space,
        residency=world.other_residency,
        organisation=world.other_residency.organisation,
        starts_at=at(monday + timedelta(days=7), 10),
        ends_at=at(monday + timedelta(days=7), 12),
    )
    world.login(client, "resident")
    url = reverse("atelier:book", args=[world.residency.organisation.slug])
    data = {
        "space": world.space.pk,
        "day": monday.isoformat(),
        "start": "10:00",
        "end": "12:00",
        "title": "Permanence",
        "expected_people": 3,
        "repeat": "on",
        "until": (monday + timedelta(days=21)).isoformat(),
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert (
        response.status_code == 200
        and "3 occurrences sur 4 peuvent être réservées" in body
        and "Conflit" in body
    )
    assert not Booking.objects.filter(residency=world.residency).exists()  # nothing before confirming
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302
    assert Booking.objects.filter(residency=world.residency, series__isnull=False).count() == 3


@matrix(anonymous="login", citizen=404, non_resident=404, other_resident=404, resident=200, staff=200)
def test_booking_pages(client, world, role, status):
    booking = BookingFactory(
        space=world.space, residency=world.residency, organisation=world.residency.organisation
    )
    world.login(client, role)
    assert status_of(client.get(booking.get_absolute_url())) == status
    assert status_of(client.get(reverse("atelier:booking_publish", args=[booking.pk]))) == status


@matrix(anonymous="login", citizen=404, non_resident=404, other_resident=404, resident=302, staff=302)
def test_cancel_booking(client, world, role, status):
    booking = BookingFactory(
        space=world.space, residency=world.residency, organisation=world.residency.organisation
    )
    world.login(client, role)
    assert status_of(client.post(reverse("atelier:booking_cancel", args=[booking.pk]))) == status
    booking.refresh_from_db()
    assert (booking.status == BookingStatus.CANCELLED) == (status == 302)


def test_publish_event_in_two_clicks(client, world):
    booking = BookingFactory(
        space=world.space,
        residency=world.residency,
        organisation=world.residency.organisation,
        title="Atelier zéro déchet",
        expected_people=12,
    )
    world.login(client, "resident")
    page = client.get(booking.get_absolute_url()).content.decode()
    assert reverse("atelier:booking_publish", args=[booking.pk]) in page  # click 1
    form = client.get(reverse("atelier:booking_publish", args=[booking.pk])).content.decode()
    assert 'value="Atelier zéro déchet"' in form and 'value="12"' in form
    response = client.post(  # click 2: the form comes filled in
        reverse("atelier:booking_publish", args=[booking.pk]),
        {"title": "Atelier zéro déchet", "capacity": "12", "registration_required": "on"},
    )
    booking.refresh_from_db()
    assert booking.event and response["Location"] == booking.event.get_absolute_url()
    assert booking.event.capacity == 12


def test_organisation_ical_needs_its_token(client, world):
    BookingFactory(
        space=world.space,
        residency=world.residency,
        organisation=world.residency.organisation,
        title="Bureau du jeudi",
    )
    world.login(client, "resident")
    page = client.get(reverse("atelier:residency", args=[world.residency.organisation.slug])).content.decode()
    start = page.index("http://testserver/atelier/residence/")
    url = page[start : page.index(".ics", start) + 4].replace("http://testserver", "")
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and "Bureau du jeudi" in response.content.decode()
    assert client.get(url.replace("/calendrier/", "/calendrier/x")).status_code == 404
    other = reverse(
        "atelier:organisation_ical",
        args=[world.other_residency.organisation.slug, url.rsplit("/", 1)[1][:-4]],
    )
    assert client.get(other).status_code == 404


@matrix(anonymous="login", citizen=404, non_resident=200, other_resident=404, resident=404, staff=404)
def test_application_documents_are_private(client, world, role, status):
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile

    from atelier.services.calls import application_attach_document

    application = ApplicationFactory(call=world.call, organisation=world.non_resident_organisation)
    attachment = application_attach_document(
        application=application,
        required=world.call.required_documents.get(),
        uploaded=SimpleUploadedFile("statuts.pdf", b"%PDF-1.4 statuts"),
        by=world.people["non_resident"],
    )
    world.login(client, role)
    # A plain staff account (no Atelier group) does not read applications' files.
    assert status_of(client.get(attachment.get_absolute_url())) == status
    if role == "staff":
        world.people["staff"].groups.add(Group.objects.get(name="Gestion de l'Atelier"))
        response = client.get(attachment.get_absolute_url())
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


@matrix(anonymous="login", citizen=404, non_resident=302, other_resident=404, resident=404, staff=302)
def test_submit_application(client, world, role, status):
    application = ApplicationFactory(call=world.call, organisation=world.non_resident_organisation)
    world.login(client, role)
    # The form is incomplete: allowed people are sent back to it (302 then the recap), others 404.
    response = client.post(reverse("atelier:application_submit", args=[application.pk]))
    got = status_of(response)
    if status == 302:
        assert got == 200 and "Il manque" in response.content.decode()
    else:
        assert got == status
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


@matrix(anonymous="login", citizen=404, non_resident=404, other_resident=404, resident=302, staff=302)
def test_accept_rules(client, world, role, status):
    Residency.objects.filter(pk=world.residency.pk).update(rules_accepted_at=None)
    person = world.login(client, role)
    response = client.post(
        reverse("atelier:accept_rules", args=[world.residency.organisation.slug]), {"accept": "1"}
    )
    assert status_of(response) == status
    world.residency.refresh_from_db()
    # Only a référent accepts for the association; staff are told so.
    assert (world.residency.rules_accepted_at is not None) == (role == "resident")
    assert person is None or (world.residency.rules_accepted_by == person) == (role == "resident")


@matrix(anonymous="login", citizen=404, non_resident=404, other_resident=404, resident=302, staff=302)
def test_check_in(client, world, role, status):
    start = timezone.now() + timedelta(minutes=5)
    booking = BookingFactory(
        space=world.space,
        residency=world.residency,
        organisation=world.residency.organisation,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    world.login(client, role)
    assert status_of(client.post(reverse("atelier:booking_check_in", args=[booking.pk]))) == status
    booking.refresh_from_db()
    assert (booking.checked_in_at is not None) == (status == 302)


@matrix(anonymous="login", citizen=404, non_resident=404, other_resident=404, resident=302, staff=302)
def test_publish_event(client, world, role, status):
    booking = BookingFactory(
        space=world.space, residency=world.residency, organisation=world.residency.organisation
    )
    world.login(client, role)
    response = client.post(
        reverse("atelier:booking_publish", args=[booking.pk]), {"title": "Portes ouvertes"}
    )
    assert status_of(response) == status
    booking.refresh_from_db()
    assert (booking.event_id is not None) == (status == 302)
