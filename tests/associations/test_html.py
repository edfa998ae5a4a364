"""Every page of action 3 parses as valid HTML with consistent ids (the W3C crawl of the demo site,
tests/test_html_crawl.py, also runs the Nu checker over them): public pages, the association's
space, every step of an application (with completeness errors shown), the bilan, and the admin's
decision pages' own markup is Django's."""

import pytest
from django.urls import reverse

from associations.enums import ApplicationStatus as S
from tests.associations.factories import paid
from tests.pacte.test_html_validity import assert_valid

pytestmark = pytest.mark.django_db


def _ok(client, url, expected=200, method="get", data=None):
    response = getattr(client, method)(url, data or {})
    assert response.status_code == expected, url
    assert_valid(response.content.decode(), url)


def test_public_pages(client, world):
    paid(world.people["instructor"], organisation=world.other, campaign=world.campaign)
    for url in [
        "/associations/",
        "/associations/?commune=rouen",
        "/associations/charte/",
        "/associations/programmes-finances/",
        f"/associations/{world.other.slug}/",
        f"/associations/campagnes/{world.campaign.year}/",
        "/donnees/",
    ]:
        _ok(client, url)


def test_referent_pages(client, world):
    client.force_login(world.people["referent"])
    application = world.application
    _ok(client, reverse("associations:space", args=[world.association.slug]))
    _ok(client, reverse("associations:application_detail", args=[application.pk]))
    _ok(client, "/mon-espace/")
    _ok(client, f"/associations/campagnes/{world.campaign.year}/")
    application.status = S.CORRECTION
    application.save()
    for step in ["programme", "actions", "budget", "documents", "questions"]:
        _ok(client, reverse("associations:application_step", args=[application.pk, step]) + "?verifier=1")
    _ok(client, reverse("associations:application_submit", args=[application.pk]))
    # With errors next to the fields.
    _ok(
        client,
        reverse("associations:application_step", args=[application.pk, "programme"]),
        200,
        "post",
        {"programme_start": "2030-02-30", "title": "x"},
    )
    _ok(client, reverse("associations:application_message", args=[application.pk]), 200, "post", {"body": ""})


def test_label_request_page_with_errors(client, world):
    world.association.relais_labels.all().delete()
    client.force_login(world.people["referent"])
    url = reverse("associations:label_request", args=[world.association.slug])
    _ok(client, url)
    _ok(client, url, 200, "post", {"rna": "X12", "siret": "123"})


def test_bilan_page(client, world):
    application = paid(world.people["instructor"])
    client.force_login(application.organisation.memberships.get().user)
    _ok(client, reverse("associations:bilan", args=[application.pk]))
    _ok(client, reverse("associations:bilan", args=[application.pk]) + "?verifier=1")
