"""The clubs' side of the security review (tests/pacte/test_security.py holds the kernel's)."""

import pytest
from django.urls import reverse

from clubs.services import club_mailing_create
from pacte.services.errors import RefusedError
from tests.clubs.factories import ClubFactory, member
from tests.factories import UserFactory
from tests.pacte.test_allauth import login

pytestmark = pytest.mark.django_db


# --- 2. staff powers need the second factor -------------------------------------------------


def test_password_only_staff_cannot_run_a_club(client, settings, mailoutbox):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    club = ClubFactory()
    member(club)
    staff = UserFactory(staff=True, second_factor=False)
    urls = [
        reverse("clubs:manage", args=[club.slug]),
        reverse("clubs:edit", args=[club.slug]),
        reverse("clubs:meeting_create", args=[club.slug]),
        reverse("clubs:mailing_create", args=[club.slug]),
    ]
    assert login(client, staff.email).status_code == 302
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(urls[-1], {"subject": "Bonjour", "message": "Un message à tous."})
    assert response.status_code == 404
    # The service refuses the same account as well.
    with pytest.raises(RefusedError):
        club_mailing_create(club=club, subject="Bonjour", message="Un message.", by=staff)
    assert mailoutbox == []

    client.logout()
    client.force_login(UserFactory(staff=True))
    for url in urls:
        assert client.get(url).status_code == 200, url
