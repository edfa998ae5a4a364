"""The Atelier's pages validate as HTML (same checker as the kernel pages), for each role, and its
forms with errors too. The W3C Nu checker also crawls them from the demo (tests/test_html_crawl.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from atelier.models import Closure
from tests.atelier.factories import ApplicationFactory, BookingFactory, at, next_monday
from tests.pacte.test_html_validity import html_problems

pytestmark = pytest.mark.django_db


def _assert_valid(client, paths, method="get", data=None):
    for path in paths:
        response = client.post(path, data or {}) if method == "post" else client.get(path)
        assert response.status_code == 200, path
        problems = html_problems(response.content.decode())
        assert not problems, (path, problems)


def test_public_pages_valid(client, world):
    Closure.objects.create(
        venue=world.space.venue, starts_on=next_monday(), ends_on=next_monday(), reason="Inventaire"
    )
    _assert_valid(client, ["/atelier/", world.space.get_absolute_url(), world.call.get_absolute_url()])
    world.login(client, "non_resident")
    _assert_valid(client, [world.call.get_absolute_url()])


def test_application_pages_and_errors_valid(client, world):
    application = ApplicationFactory(
        call=world.call, organisation=world.non_resident_organisation, project=""
    )
    world.login(client, "non_resident")
    url = application.get_absolute_url()
    _assert_valid(
        client, [f"{url}?etape={step}" for step in ("projet", "besoins", "public", "documents", "depot")]
    )
    _assert_valid(client, [f"{url}?etape=besoins"], "post", {"hours_per_week": "999"})
    _assert_valid(client, [reverse("atelier:application_submit", args=[application.pk])], "post")


def test_resident_pages_and_errors_valid(client, world):
    monday = next_monday()
    booking = BookingFactory(
        space=world.space,
        residency=world.residency,
        organisation=world.residency.organisation,
        starts_at=at(monday, 10),
        ends_at=at(monday, 12),
    )
    world.login(client, "resident")
    slug = world.residency.organisation.slug
    _assert_valid(
        client,
        [
            reverse("atelier:residency", args=[slug]),
            reverse("atelier:week", args=[slug]) + f"?semaine={monday.isoformat()}",
            reverse("atelier:book", args=[slug]),
            booking.get_absolute_url(),
            reverse("atelier:booking_publish", args=[booking.pk]),
        ],
    )
    book = reverse("atelier:book", args=[slug])
    _assert_valid(client, [book], "post", {"title": ""})
    series = {
        "space": world.space.pk,
        "day": monday.isoformat(),
        "start": "10:00",
        "end": "11:00",
        "title": "Série",
        "expected_people": 2,
        "repeat": "on",
        "until": (monday + timedelta(days=14)).isoformat(),
    }
    _assert_valid(client, [book], "post", series)  # the preview with its conflict
    _assert_valid(client, [reverse("atelier:booking_publish", args=[booking.pk])], "post", {"title": ""})
