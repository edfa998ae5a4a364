"""The findings of the security review, each with the test that proves it fixed (tests/clubs/
test_security.py holds the clubs' side)."""

import re
import struct
import time
import zlib
from unittest import mock

import icalendar
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from pacte.client_ip import client_ip
from pacte.images import process_image
from pacte.models import PrivateDocument
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


# --- 4. images decoded within bounds, bodies bounded -----------------------------------------


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG declaring `width` × `height` pixels (what a decompression bomb looks like)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (1, 39_000_000, "8000 pixels au plus de côté"),
        (8001, 10, "8000 pixels au plus de côté"),
        (10, 8001, "8000 pixels au plus de côté"),
        (6000, 5000, "25 millions de pixels au plus"),
        (4000, 150, "trop allongée"),
        (100_000, 100_000, "trop grande"),
    ],
)
def test_image_helper_refuses_costly_images_before_decoding(width, height, message):
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=message):
        process_image(SimpleUploadedFile("bombe.png", png_header(width, height), content_type="image/png"))
    assert time.perf_counter() - started < 1.0  # the header alone is read: milliseconds when idle


def test_request_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.PACTE_MAX_BODY_BYTES = 50 * 1024 * 1024
    client.force_login(UserFactory())
    response = client.generic(
        "POST",
        "/mon-espace/",
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "50 Mo au plus" in response.content.decode()


# --- 5. the client address behind the reverse proxy -----------------------------------------


def _login_from(client, forwarded_for, email, password):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, HTTP_X_FORWARDED_FOR=forwarded_for
    )


def _limited(response) -> bool:
    """allauth answers 429, or shows the form again saying there were too many attempts."""
    return response.status_code == 429 or "Trop de tentatives" in response.content.decode()


def test_behind_a_trusted_proxy_one_attacker_does_not_lock_everyone_out(client, settings):
    settings.PACTE_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]  # the test client is 127.0.0.1
    victim = UserFactory()
    responses = [
        _login_from(client, "203.0.113.5", f"inconnu{n}@exemple.fr", "mauvais-mot-de-passe")
        for n in range(45)
    ]
    assert _limited(responses[-1])  # the attacker's own address is limited
    response = _login_from(client, "198.51.100.7, 10.1.2.3", victim.email, PASSWORD)
    assert response.status_code == 302  # another visitor, through the same proxies, signs in


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, settings):
    settings.PACTE_TRUSTED_PROXIES = []
    responses = [
        # A new forged address each time changes nothing: the limit keys on REMOTE_ADDR.
        _login_from(client, f"203.0.113.{n}", f"inconnu{n}@exemple.fr", "mauvais-mot-de-passe")
        for n in range(25)
    ]
    assert _limited(responses[-1])


def test_client_ip_rules(rf, settings):
    settings.PACTE_TRUSTED_PROXIES = ["10.0.0.1"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert client_ip(request) == "5.6.7.8"  # the rightmost address the proxy saw
    request = rf.get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="5.6.7.8")
    assert client_ip(request) == "192.0.2.9"  # not from the proxy: the header is not believed
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="pas-une-ip")
    assert client_ip(request) == "10.0.0.1"


def test_per_account_limit_stays(client, settings):
    settings.PACTE_TRUSTED_PROXIES = ["127.0.0.1"]
    victim = UserFactory()
    for n in range(5):
        _login_from(client, f"203.0.113.{n}", victim.email, "mauvais-mot-de-passe")
    assert _limited(_login_from(client, "203.0.113.99", victim.email, PASSWORD))


# --- 9. the page cache keys on exactly what the view renders ---------------------------------


def test_hx_request_other_than_true_does_not_poison_the_fragment_key(client):
    EventFactory(title="Atelier vélo")
    # django-htmx treats only "true" as htmx: "1" gets the full page, under the full page's key.
    assert "<html" in client.get("/agenda/", HTTP_HX_REQUEST="1").content.decode()
    fragment = client.get("/agenda/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Atelier vélo" in fragment


def test_htmx_history_restore_gets_the_full_page_in_view_and_cache(client):
    EventFactory(title="Atelier vélo")
    assert "<html" not in client.get("/agenda/", HTTP_HX_REQUEST="true").content.decode()
    restore = client.get("/agenda/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()
    assert "HX-History-Restore-Request" in restore["Vary"]
    again = client.get("/agenda/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert again["X-Page-Cache"] == "hit" and "<html" in again.content.decode()


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("page=2", True),
        ("commune=rouen&page=1", True),
        ("commune=&theme=&date_from=", True),  # an untouched filter form
        ("date_from=2026-01-05", True),
        ("page=aaa1", False),
        ("page=99999", False),
        ("page=007", False),
        ("page=1&page=2", False),
        ("commune=nulle-part", False),
        ("date_from=2026-1-5", False),
        ("action=inconnue", False),
        ("places_left=oui", False),
    ],
)
def test_only_valid_normalised_parameters_are_cached(client, query, stored):
    response = client.get(f"/agenda/?{query}")
    assert response.status_code == 200
    assert ("public" in response["Cache-Control"]) is stored
    assert (response.get("X-Page-Cache") == "miss") is stored


def test_page_cache_header_is_not_sent_in_production(client, settings):
    settings.PACTE_PAGE_CACHE_HEADER = False
    client.get("/agenda/")
    response = client.get("/agenda/")
    assert "public" in response["Cache-Control"] and "X-Page-Cache" not in response


# --- 12 and the platform: check --deploy refuses the embedded runtime outside DEBUG ---------


def _deploy_errors():
    from django.core.checks import run_checks

    return {
        message.id
        for message in run_checks(include_deployment_checks=True)
        if message.id.startswith("pacte.")
    }


def test_check_deploy_fails_on_the_embedded_runtime_outside_debug(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert _deploy_errors() >= {"pacte.E001", "pacte.E002", "pacte.E003"}
    with pytest.raises(SystemCheckError, match="pacte.E001"):
        call_command("check", "--deploy", "--fail-level", "WARNING")

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert not _deploy_errors() & {"pacte.E001", "pacte.E002", "pacte.E003"}
    settings.DEBUG = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not _deploy_errors() & {"pacte.E001", "pacte.E002", "pacte.E003"}


# --- 13. /sante/: the mode for all, the reasons for staff or a token -------------------------


def test_health_shows_the_mode_and_keeps_failure_reasons_for_staff_or_token(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.PACTE_HEALTH_TOKEN = "jeton-de-supervision-0123456789"
    anonymous = client.get("/sante/")
    assert anonymous.status_code == 503
    assert anonymous.json()["mode"] == "embarqué"
    assert anonymous.json()["checks"]["broker"] == "erreur"  # no exception class for anyone
    assert "Error" not in anonymous.content.decode()
    assert client.get("/sante/", HTTP_X_HEALTH_TOKEN="mauvais").json()["checks"]["broker"] == "erreur"
    probe = client.get("/sante/", HTTP_X_HEALTH_TOKEN="jeton-de-supervision-0123456789")
    assert probe.json()["checks"]["broker"].startswith("erreur : ")
    client.force_login(UserFactory(staff=True))
    assert client.get("/sante/").json()["checks"]["broker"].startswith("erreur : ")
    client.logout()
    client.force_login(UserFactory(staff=True, second_factor=False))
    assert client.get("/sante/").json()["checks"]["broker"] == "erreur"


def test_personal_pages_and_data_export_are_private_no_store(client):
    client.force_login(UserFactory())
    for url in ("/mon-espace/", "/mon-espace/mes-donnees.json", "/comptes/email/", "/agenda/"):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url


def test_documents_uploaded_in_the_admin_are_checked_and_record_their_uploader(client, private_root):
    staff = UserFactory(staff=True, is_superuser=True)
    client.force_login(staff)
    add = reverse("admin:pacte_privatedocument_add")
    fake = SimpleUploadedFile("rib.pdf", b"MZ\x90\x00 un programme", content_type="application/pdf")
    response = client.post(add, {"title": "RIB", "file": fake})
    assert response.status_code == 200 and "pas un document accepté" in response.content.decode()
    client.post(
        add, {"title": "RIB", "file": SimpleUploadedFile("rib.pdf", PDF, content_type="application/pdf")}
    )
    document = PrivateDocument.objects.get()
    assert document.uploaded_by == staff and document.content_type == "application/pdf"


# --- 10. iCal written by the icalendar package; hostile text stays text -----------------------


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_ical_keeps_hostile_text_inside_its_property(client, newline):
    hostile = f"Atelier{newline}END:VEVENT{newline}BEGIN:VEVENT{newline}SUMMARY:Piège;, \\ fin"
    event = EventFactory(title=hostile, summary=hostile, place=f"Salle{newline}LOCATION:ailleurs")
    for url in (reverse("agenda:event_ical", args=[event.slug]), reverse("agenda:ical")):
        raw = client.get(url).content
        lines = raw.split(b"\r\n")
        assert all(b"\r" not in line and b"\n" not in line for line in lines), url
        assert lines.count(b"BEGIN:VEVENT") == 1 and lines.count(b"END:VEVENT") == 1, url
        parsed = icalendar.Calendar.from_ical(raw)
        (component,) = parsed.walk("VEVENT")
        assert str(component["SUMMARY"]) == hostile.replace("\r\n", "\n").replace("\r", "\n")


# --- 11. sign-up does the same work for a known and a new address ----------------------------


def test_signup_hashes_a_password_whether_or_not_the_address_is_known(client):
    from django.contrib.auth.hashers import MD5PasswordHasher

    from tests.pacte.test_allauth import signup_data

    known = UserFactory(email="deja.inscrite@exemple.fr")
    counts = {}
    for label, email in (("known", known.email), ("new", "nouvelle@exemple.fr")):
        client.logout()
        with mock.patch.object(
            MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
        ) as spy:
            response = client.post(reverse("account_signup"), signup_data(email=email))
        assert response.status_code == 302
        counts[label] = spy.call_count
    # The same page for both (allauth's enumeration prevention), and the same hashing work.
    assert counts["known"] == counts["new"] >= 1


# --- 8. every number has bounds: refused next to its field, never a 500 -----------------------

OUT_OF_RANGE = ["99999999999", "9223372036854775808", "99999999999999999999", "-1"]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_out_of_range_numbers_are_refused_by_the_kernel_forms(client, value):
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, referent=True).user
    event = EventFactory(organiser=organisation, past=True)
    client.force_login(referent)

    response = client.post(reverse("agenda:attendance", args=[event.slug]), {"walk_in_count": value})
    assert response.status_code == 200 and 'id="id_walk_in_count_error"' in response.content.decode()
    event.refresh_from_db()
    assert event.walk_in_count == 0

    response = client.post(
        reverse("organisation_event_propose", args=[organisation.slug]),
        {
            "title": "Atelier",
            "action": "communes",
            "capacity": value,
            "starts_at": "2030-05-14T18:00",
            "ends_at": "2030-05-14T20:00",
        },
    )
    assert response.status_code == 200 and 'id="id_capacity_error"' in response.content.decode()


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_out_of_range_numbers_are_refused_by_the_admin(client, value):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    cases = [
        (
            reverse("admin:pacte_theme_add"),
            {"name": "Thème", "slug": "theme-x", "position": value, "is_active": "on"},
            "position",
        ),
        (
            reverse("admin:pacte_event_add"),
            {
                "title": "Atelier",
                "slug": "atelier-x",
                "action": "communes",
                "capacity": value,
                "starts_at_0": "14/05/2030",
                "starts_at_1": "18:00",
                "ends_at_0": "14/05/2030",
                "ends_at_1": "20:00",
                "walk_in_count": value,
            },
            "capacity",
        ),
    ]
    for url, data, field in cases:
        response = client.post(url, data)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert re.search(rf'class="[^"]*errors[^"]*field-{field}\b', body), url


def test_event_model_bounds_counts_of_people():
    event = EventFactory()
    event.walk_in_count = 99999999999
    with pytest.raises(ValidationError, match="walk_in_count"):
        event.full_clean()


# --- 6. a stolen session cannot change the address or delete the account --------------------


def test_address_change_and_account_deletion_need_the_password_again(client):
    user = UserFactory(email="titulaire@exemple.fr")
    client.force_login(user)  # a session, without the password
    response = client.post(reverse("account_email"), {"email": "voleur@exemple.fr", "action_add": ""})
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    assert client.get(reverse("my_account_delete")).status_code == 200  # the page shows
    response = client.post(reverse("my_account_delete"), {"confirm": "on"})
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    user.refresh_from_db()
    assert user.anonymised_at is None
    assert not EmailAddress.objects.filter(email="voleur@exemple.fr").exists()
    # A wrong password does not reauthenticate either.
    response = client.post(reverse("account_reauthenticate"), {"password": "devine"})
    assert response.status_code == 200
    assert client.post(reverse("my_account_delete"), {"confirm": "on"}).status_code == 302
    user.refresh_from_db()
    assert user.anonymised_at is None


def test_second_factor_also_reauthenticates_for_account_deletion(client):
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client.force_login(user)
    response = client.post(reverse("my_account_delete"), {"confirm": "on"})
    assert response.url.startswith(reverse("account_reauthenticate"))
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.post(reverse("my_account_delete"), {"confirm": "on"}).status_code == 302
    user.refresh_from_db()
    assert user.anonymised_at is not None


def test_former_address_is_told_first_and_can_cancel_even_after_confirmation(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="titulaire@exemple.fr")
    login(client, user.email)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": "voleur@exemple.fr", "action_add": ""})
    notice = next(m for m in mailoutbox if m.to == ["titulaire@exemple.fr"])
    assert "voleur@exemple.fr" in notice.body
    cancel_url = re.search(r"http://testserver(/comptes/adresse/annuler/\S+/)", notice.body)
    cancel_url = (
        cancel_url.group(1)
        if cancel_url
        else re.search(r"https?://\S+?(/comptes/adresse/annuler/\S+/)", notice.body).group(1)
    )
    # The change goes through (the new address confirmed)...
    confirm = next(m for m in mailoutbox if m.to == ["voleur@exemple.fr"])
    confirm_url = re.search(r"https?://\S+?(/comptes/confirm-email/\S+/)", confirm.body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm_url)
    user.refresh_from_db()
    assert user.email == "voleur@exemple.fr"
    # ...and the former address takes the account back from its link, without signing in.
    other = Client()
    assert other.get(cancel_url).status_code == 200  # a GET changes nothing
    user.refresh_from_db()
    assert user.email == "voleur@exemple.fr"
    response = other.post(cancel_url)
    assert "C&#x27;est annulé" in response.content.decode() or "C'est annulé" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "titulaire@exemple.fr"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("titulaire@exemple.fr", True, True)
    ]
    assert Client().get("/comptes/adresse/annuler/faux/").status_code == 404


# --- the page cache cannot be poisoned with a fragment ------------------------------------------


@pytest.mark.parametrize("url", ["/associations/", "/lettre/fiches/", "/agenda/", "/clubs/"])
def test_an_htmx_history_restore_does_not_store_a_fragment_as_the_page(url):
    from django.test import Client

    # A history restore gets the full page (pacte.htmx.wants_fragment) and is stored under the
    # page's key: a view that rendered its fragment there would serve it to every visitor.
    restore = Client().get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert restore.status_code == 200 and "</html>" in restore.content.decode()
    fragment = Client().get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "</html>" not in fragment.content.decode()
    for headers in ({}, {"HX-Request": "1"}):
        page = Client().get(url, headers=headers)
        assert page.status_code == 200 and "</html>" in page.content.decode(), headers
