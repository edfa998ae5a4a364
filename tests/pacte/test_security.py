"""The findings of the security review, each with the test that proves it fixed (tests/clubs/
test_security.py holds the clubs' side)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pacte.permissions import acts_as_staff
from pacte.ratelimit import RateLimited, parse_limit, rate_limit
from pacte.services.documents import private_document_create
from pacte.services.exchanges import reply_create, topic_create
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

    # The password alone, through the real login: a citizen's powers. (The account is in the
    # DACTE group, so the documents' own permission is not what refuses it.)
    from django.contrib.auth.models import Group

    dacte = Group.objects.get(name="DACTE administration")
    staff = UserFactory(staff=True, second_factor=False)
    staff.groups.add(dacte)
    assert login(client, staff.email).status_code == 302
    for url, status in urls.items():
        assert client.get(url).status_code == status, url

    # The same account once its session passed the second factor.
    client.logout()
    with_second_factor = UserFactory(staff=True)
    with_second_factor.groups.add(dacte)
    client.force_login(with_second_factor)
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


# --- 7. per-account rate limits and grouped notifications -----------------------------------


def test_rate_limit_helper_counts_per_account_and_action_and_says_when_to_retry(settings):
    settings.PACTE_RATE_LIMITS = {"test.action": "3/10m", "test.off": ""}
    alice, bob = UserFactory(), UserFactory()
    for _ in range(3):
        rate_limit(by=alice, action="test.action")
    with pytest.raises(RateLimited) as refused:
        rate_limit(by=alice, action="test.action")
    assert "attendez 10 minutes avant de recommencer" in refused.value.messages[0]
    assert 590 <= refused.value.retry_after <= 600
    rate_limit(by=bob, action="test.action")  # another account has its own count
    for _ in range(50):
        rate_limit(by=alice, action="test.off")  # switched off by the setting
    with pytest.raises(RateLimited):
        rate_limit(by=bob, action="test.action", cost=3)  # a cost counts several at once
    assert parse_limit("5/h") == (5, 3600) and parse_limit("10/5m") == (10, 300)


def test_topics_and_replies_are_rate_limited_and_notices_grouped(
    django_capture_on_commit_callbacks, mailoutbox
):
    organisation = OrganisationFactory()
    opener, replier = (MembershipFactory(organisation=organisation).user for _ in range(2))
    topics = []
    for n in range(5):
        topics.append(
            topic_create(
                network="relais", organisation=organisation, title=f"S{n}", body="?", author=opener, by=opener
            )
        )
    with pytest.raises(RateLimited):
        topic_create(
            network="relais", organisation=organisation, title="S", body="?", author=opener, by=opener
        )

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            reply_create(topic=topics[0], body=f"Réponse {n}", author=replier, by=replier)
        with pytest.raises(RateLimited, match="avant de recommencer"):
            reply_create(topic=topics[0], body="Une de trop", author=replier, by=replier)
    # Ten replies, one e-mail to the topic's author: at most one per topic per quarter hour.
    assert [m.to for m in mailoutbox] == [[opener.email]]
