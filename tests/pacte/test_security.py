"""The findings of the security review, each with the test that proves it fixed (tests/clubs/
test_security.py holds the clubs' side)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pacte.permissions import acts_as_staff
from pacte.services.documents import private_document_create
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.pacte.test_allauth import PASSWORD, login, totp_code

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def private_root(settings, tmp_path):
    from django.core.files.storage import storages

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)


def staff_with_totp(**kwargs):
    staff = UserFactory(staff=True, second_factor=False, is_superuser=True, **kwargs)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return staff, secret


# --- 1. /admin/login/ and the staff second factor ------------------------------------------------


def test_admin_login_page_hands_over_to_the_portal_login(client):
    staff, _secret = staff_with_totp()
    response = client.get("/admin/login/?next=/admin/pacte/user/")
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/admin/pacte/user/"

    # Posting the e-mail and password there opens no session at all, however often it is tried.
    for _ in range(25):
        response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    response = client.get("/admin/pacte/user/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_admin_needs_a_session_that_passed_totp(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    staff, secret = staff_with_totp()
    # A session opened with the password alone (as /admin/login/ used to open one).
    client.force_login(staff)
    for url in ("/admin/", "/admin/pacte/user/", "/admin/pacte/privatedocument/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('mfa_reauthenticate')}?next={url}"

    # A real TOTP code in this session opens the admin.
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/pacte/user/").status_code == 200


def test_portal_login_with_totp_opens_the_admin_and_password_alone_does_not(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    staff, secret = staff_with_totp()
    response = login(client, staff.email, next="/admin/")
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.url == "/admin/"
    assert client.get("/admin/pacte/user/").status_code == 200


def test_signed_in_citizen_on_admin_login_is_refused_not_looped(client):
    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403


# --- 2. staff powers on the site need the second factor -------------------------------------


def test_password_only_staff_has_no_staff_power_on_the_site(client, settings, private_root):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, referent=True).user
    document = private_document_create(
        title="RIB", uploaded=SimpleUploadedFile("rib.pdf", PDF), organisation=organisation, by=referent
    )
    event = EventFactory(organiser=organisation)
    draft = EventFactory(organiser=organisation, is_published=False)
    urls = {
        document.get_absolute_url(): 404,
        reverse("agenda:attendance", args=[event.slug]): 404,
        reverse("agenda:detail", args=[draft.slug]): 404,
    }

    # The password alone, through the real login: a citizen's powers.
    staff = UserFactory(staff=True, second_factor=False)
    assert login(client, staff.email).status_code == 302
    for url, status in urls.items():
        assert client.get(url).status_code == status, url

    # The same account once its session passed the second factor.
    client.logout()
    client.force_login(UserFactory(staff=True))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_acts_as_staff_is_the_one_decision(settings):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    assert acts_as_staff(UserFactory(staff=True))
    assert not acts_as_staff(UserFactory(staff=True, second_factor=False))
    assert not acts_as_staff(UserFactory(staff=True, is_active=False))
    assert not acts_as_staff(UserFactory())
    settings.PACTE_STAFF_REQUIRE_2FA = False
    assert acts_as_staff(UserFactory(staff=True, second_factor=False))
