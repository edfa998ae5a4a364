"""Accounts through django-allauth: sign-up, e-mail confirmation, login, rate limiting, password
reset, e-mail change, staff second factor, and every allauth page in the portal's layout."""

import base64
import hashlib
import hmac
import re
import struct
import time
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from pacte.models import User
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-solide-2026"  # the factories' password
URL_RE = re.compile(r"https?://\S+")


# --- helpers ------------------------------------------------------------------------------------


def signup_data(**overrides):
    data = {
        "email": "camille.martin@exemple.fr",
        "password1": "Compost-et-paillage-2026",
        "password2": "Compost-et-paillage-2026",
        "first_name": "Camille",
        "last_name": "Martin",
        "home_commune": str(commune("rouen").pk),
        "category": "association",
    }
    data.update(overrides)
    return data


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238 with allauth's defaults (SHA-1, 30 s, 6 digits), written independently of allauth
    so the test proves the codes an authenticator app would show are accepted."""
    if at is None:
        # allauth accepts only the current 30 s window: never hand out a code about to expire.
        if 30 - time.time() % 30 < 2:
            time.sleep(30 - time.time() % 30 + 0.05)
        at = time.time()
    counter = int(at) // 30
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again (within 5 minutes) before touching the second factor."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, body(response)
    return response


def links_in(message) -> list[str]:
    return URL_RE.findall(message.body)


def body(response) -> str:
    return response.content.decode()


class PageAudit(HTMLParser):
    """What the accessibility checks below need from a page: language, skip link, labels of the
    visible form controls, and anything the CSP would block (inline script or style)."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.hrefs = []
        self.label_for = set()
        self.controls = []  # (tag, id, type)
        self.inline_scripts = 0
        self.style_attributes = 0
        self.style_elements = 0
        self.ids = []
        self.in_label = 0
        self.labelled_by_wrapping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "style" in attrs:
            self.style_attributes += 1
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        elif tag == "label":
            self.in_label += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag == "script" and not attrs.get("src"):
            self.inline_scripts += 1
        elif tag == "style":
            self.style_elements += 1
        elif tag in {"input", "select", "textarea"}:
            kind = attrs.get("type", "text")
            if kind not in {"hidden", "submit", "button", "reset", "image"}:
                self.controls.append((tag, attrs.get("id"), kind, "hidden" in attrs))

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


def assert_portal_page(response):
    """allauth page in the portal's layout: French, skip link, labels, CSP-compatible."""
    assert response.status_code == 200
    html = body(response)
    audit = PageAudit()
    audit.feed(html)
    assert audit.lang == "fr"
    assert "#contenu" in audit.hrefs, "skip link missing"
    assert 'id="contenu"' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    for tag, control_id, kind, hidden in audit.controls:
        if hidden:
            continue
        assert control_id, f"<{tag} type={kind}> without id"
        assert control_id in audit.label_for, f"<{tag} id={control_id}> has no <label for>"
    assert audit.inline_scripts == 0, "inline <script> is blocked by the CSP"
    assert audit.style_attributes == 0 and audit.style_elements == 0, "inline style is blocked by the CSP"
    assert len(audit.ids) == len(set(audit.ids)), "duplicate id"
    # allauth's English must not leak through.
    for english in ["Sign In", "Sign Up", "Sign Out", "Email Address", "Password", "Forgot", "Authenticator"]:
        assert english not in html, english
    return html


# --- sign-up ------------------------------------------------------------------------------------


def test_signup_saves_names_commune_and_category(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="camille.martin@exemple.fr")
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert user.home_commune == commune("rouen")
    assert user.category == "association"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1


def test_signup_without_commune_means_outside_the_metropole(client):
    response = client.post(reverse("account_signup"), signup_data(home_commune=""))
    assert response.status_code == 302
    assert User.objects.get(email="camille.martin@exemple.fr").home_commune is None


def test_signup_form_fields_order_and_data_note(client):
    html = assert_portal_page(client.get(reverse("account_signup")))
    names = re.findall(r'<(?:input|select)[^>]* name="(\w+)"', html)
    names = [name for name in names if name != "csrfmiddlewaretoken"]
    assert names == ["email", "password1", "password2", "first_name", "last_name", "home_commune", "category"]
    assert "Hors de la Métropole ou non précisée" in html
    assert 'href="/donnees-personnelles/"' in html
    assert "Vos données servent uniquement au programme PACTE" in html
    assert '<label for="id_first_name">Prénom <span class="required">(obligatoire)</span></label>' in html
    # The commune is optional: no "(obligatoire)" on its label.
    assert '<label for="id_home_commune">Commune de résidence</label>' in html
    # The password rules are the input's description.
    assert 'aria-describedby="id_password1_helptext"' in html


def test_signup_error_keeps_everything_but_passwords(client):
    data = signup_data(email="pas-une-adresse", password2="autre-chose-2026")
    response = client.post(reverse("account_signup"), data)
    html = assert_portal_page(response)
    assert not User.objects.filter(last_name="Martin").exists()
    # French messages, a summary announced to screen readers, errors tied to their input.
    assert 'role="alert"' in html
    assert "Le formulaire contient des erreurs" in html
    assert 'href="#id_email"' in html
    assert "Saisissez une adresse de courriel valide." in html
    assert re.search(
        r'<input[^>]*name="email"[^>]*aria-invalid="true"[^>]*aria-describedby="id_email_error"', html
    )
    assert 'id="id_email_error"' in html
    # What was typed is still there...
    assert 'value="pas-une-adresse"' in html
    assert 'value="Camille"' in html and 'value="Martin"' in html
    assert re.search(rf'<option value="{commune("rouen").pk}" selected>Rouen</option>', html)
    assert '<option value="association" selected>' in html
    # ...except the passwords.
    assert "Compost-et-paillage-2026" not in html
    assert "autre-chose-2026" not in html


def test_signup_with_an_existing_address_is_refused_without_revealing_it(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="deja@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data(email="deja@exemple.fr"))
    # allauth answers as for a new account (no account enumeration) and mails the owner.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="deja@exemple.fr").count() == 1
    [message] = mailoutbox
    assert message.to == ["deja@exemple.fr"]
    assert message.subject == "[PACTE] Ce compte existe déjà"
    assert "Un compte existe déjà pour cette adresse." in message.body


# --- e-mail confirmation and login ---------------------------------------------------------------


def test_confirmation_link_confirms_logs_in_and_lands_on_my_space(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data())
    assert_portal_page(client.get(reverse("account_email_verification_sent")))
    # Signed up, not yet signed in.
    assert client.get(reverse("my_space")).status_code == 302

    message = mailoutbox[0]
    assert message.to == ["camille.martin@exemple.fr"]
    assert message.subject == "[PACTE] Confirmez votre adresse e-mail pour activer votre compte"
    assert message.body.startswith("Bonjour Camille,")
    assert "portail du PACTE de la Métropole Rouen Normandie" in message.body
    assert "L'équipe du PACTE" in message.body
    html_part = message.alternatives[0]
    assert html_part[1] == "text/html" and '<html lang="fr">' in html_part[0]
    [confirm_url] = [link for link in links_in(message) if "/comptes/confirm-email/" in link]
    assert confirm_url in html_part[0]
    path = confirm_url.split("testserver", 1)[1]

    # GET does not confirm (ACCOUNT_CONFIRM_EMAIL_ON_GET is off): it shows a button.
    response = client.get(path)
    html = assert_portal_page(response)
    assert "camille.martin@exemple.fr" in html
    assert "Confirmer mon adresse e-mail</button>" in html
    assert not EmailAddress.objects.get(email="camille.martin@exemple.fr").verified

    response = client.post(path)
    assert response.status_code == 302
    assert response.url == "/mon-espace/"
    assert EmailAddress.objects.get(email="camille.martin@exemple.fr").verified
    response = client.get("/mon-espace/")
    assert response.status_code == 200
    assert "Camille" in body(response)


def test_invalid_confirmation_link_explains_what_to_do(client):
    html = assert_portal_page(client.get(reverse("account_confirm_email", args=["pas-une-cle"])))
    assert "Ce lien de confirmation a expiré ou n'est pas valide." in html


def test_unverified_user_cannot_log_in_and_gets_a_new_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("my_space")).status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]


def test_login_lands_on_my_space(client):
    user = UserFactory()
    response = login(client, user.email)
    assert response.status_code == 302
    assert response.url == "/mon-espace/"


def test_login_with_wrong_password_shows_a_french_error(client):
    user = UserFactory()
    response = login(client, user.email, "pas-le-bon-mot-de-passe")
    html = assert_portal_page(response)
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in html
    assert '<div class="form-errors" role="alert" tabindex="-1">' in html
    assert f'value="{user.email}"' in html  # the address stays typed
    assert client.get(reverse("my_space")).status_code == 302


def test_sixth_failed_login_within_five_minutes_is_refused(client):
    """ACCOUNT_RATE_LIMITS["login_failed"] = 5 per 5 min per address: allauth then refuses the
    form (HTTP 200, French message) even with the right password."""
    user = UserFactory()
    for _attempt in range(5):
        html = body(login(client, user.email, "mauvais-mot-de-passe"))
        assert "sont incorrects" in html
    response = login(client, user.email, PASSWORD)
    html = assert_portal_page(response)
    assert "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement." in html
    assert client.get(reverse("my_space")).status_code == 302
    # Another address is not affected by this one's limit.
    other = UserFactory()
    assert login(client, other.email).status_code == 302


def test_too_many_login_requests_get_a_french_429_page(client, settings):
    """Past ACCOUNT_RATE_LIMITS["login"] (per IP), allauth answers HTTP 429 with templates/429.html."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    user = UserFactory()
    for _attempt in range(2):
        assert login(client, user.email, "mauvais-mot-de-passe").status_code == 200
    response = login(client, user.email)
    assert response.status_code == 429
    html = body(response)
    assert '<html lang="fr">' in html and 'href="#contenu"' in html
    assert "Trop de tentatives" in html and "patientez quelques minutes" in html


# --- password reset and change -------------------------------------------------------------------


def test_password_reset_mail_and_link(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(first_name="Léa")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert_portal_page(client.get(response.url))

    message = mailoutbox[0]
    assert message.subject == "[PACTE] Choisir un nouveau mot de passe"
    assert message.body.startswith("Bonjour Léa,")
    assert "portail PACTE de la Métropole Rouen Normandie" in message.body
    [reset_url] = [link for link in links_in(message) if "/comptes/password/reset/key/" in link]
    path = reset_url.split("testserver", 1)[1]

    # allauth moves the key into the session and redirects to a key-less URL.
    response = client.get(path, follow=True)
    html = assert_portal_page(response)
    assert "Choisir un nouveau mot de passe" in html
    new_password = "Un-nouveau-mot-de-passe-2026"
    response = client.post(
        response.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    user.refresh_from_db()
    assert user.check_password(new_password)
    # The link only works once.
    html = assert_portal_page(client.get(path, follow=True))
    assert "Lien non valide" in html


def test_password_reset_for_unknown_address_says_nothing_but_mails_it(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "inconnu@exemple.fr"})
    assert response.url == reverse("account_reset_password_done")
    assert mailoutbox[0].subject == "[PACTE] Aucun compte pour cette adresse"


def test_password_change_and_its_security_notice(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(first_name="Inès")
    login(client, user.email)
    new_password = "Encore-un-mot-de-passe-2026"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
        )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    [notice] = mailoutbox
    assert notice.to == [user.email]
    assert notice.subject == "[PACTE] Mot de passe modifié"
    assert notice.body.startswith("Bonjour Inès,")
    assert "Votre mot de passe a été modifié." in notice.body


def test_password_change_errors_are_french_and_tied_to_fields(client):
    user = UserFactory()
    login(client, user.email)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "faux", "password1": "court", "password2": "autre"},
    )
    html = assert_portal_page(response)
    assert "indiquer votre mot de passe actuel." in html
    assert "Ce mot de passe est trop court." in html
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html


# --- e-mail change -------------------------------------------------------------------------------


def test_email_change_flow(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="ancienne@exemple.fr")
    login(client, user.email)
    # A session alone cannot change the address: allauth asks for the password again first.
    response = client.post(reverse("account_email"), {"email": "nouvelle@exemple.fr", "action_add": ""})
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"email": "nouvelle@exemple.fr", "action_add": ""})
    assert response.status_code == 302
    html = assert_portal_page(client.get(reverse("account_email")))
    assert "Changement en attente" in html and "nouvelle@exemple.fr" in html
    # Until it is confirmed, the old address stays the account's.
    user.refresh_from_db()
    assert user.email == "ancienne@exemple.fr"

    # The current address hears of it before the change takes effect (tests/pacte/test_security.py).
    assert [m.to for m in mailoutbox] == [["nouvelle@exemple.fr"], ["ancienne@exemple.fr"]]
    message = mailoutbox[0]
    assert message.to == ["nouvelle@exemple.fr"]
    assert message.subject == "[PACTE] Confirmez votre adresse e-mail"
    [confirm_url] = [link for link in links_in(message) if "/comptes/confirm-email/" in link]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url.split("testserver", 1)[1])
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "nouvelle@exemple.fr"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("nouvelle@exemple.fr", True, True)
    ]
    # The old address is told (ACCOUNT_EMAIL_NOTIFICATIONS).
    notice = mailoutbox[-1]
    assert notice.to == ["ancienne@exemple.fr"]
    assert notice.subject == "[PACTE] Adresse e-mail modifiée"
    assert "ancienne@exemple.fr" in notice.body and "nouvelle@exemple.fr" in notice.body
    assert "Si vous n'êtes pas à l'origine de cette modification" in notice.body


def test_email_change_to_an_invalid_address_shows_the_error(client):
    user = UserFactory()
    login(client, user.email)
    response = client.post(reverse("account_email"), {"email": "pas-une-adresse", "action_add": ""})
    html = assert_portal_page(response)
    assert 'role="alert"' in html and "Saisissez une adresse de courriel valide." in html
    assert 'value="pas-une-adresse"' in html


# --- staff second factor -------------------------------------------------------------------------


def test_staff_without_totp_must_set_it_up_before_reaching_admin(client, settings, mailoutbox):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    staff = UserFactory(staff=True)
    assert login(client, staff.email).status_code == 302

    response = client.get("/admin/")
    assert response.status_code == 302
    activate_url = response.url
    assert activate_url == f"{reverse('mfa_activate_totp')}?next=/admin/"

    # Adding a factor needs a fresh confirmation of the password (allauth's reauthentication).
    response = client.get(activate_url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))
    html = assert_portal_page(client.get(response.url))
    assert "Confirmer votre identité" in html
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302 and response.url == activate_url

    response = client.get(activate_url)
    html = assert_portal_page(response)
    assert "L'accès à l'administration du portail demande une double authentification" in html
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="Code QR', html)
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7=]+)"', html).group(1)

    # A wrong code is refused in French, next to the field.
    response = client.post(
        reverse("mfa_activate_totp"), {"code": "000000" if totp_code(secret) != "000000" else "111111"}
    )
    html = assert_portal_page(response)
    assert 'aria-invalid="true"' in html and 'id="id_code_error"' in html
    assert "Code incorrect." in html
    assert client.get("/admin/").status_code == 302

    # The code just given proves the device: this session counts as having passed the factor.
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    # allauth shows the recovery codes just generated; they lead on to the administration.
    html = assert_portal_page(client.get(response.url))
    assert "Codes de récupération" in html and 'href="/admin/"' in html

    assert client.get("/admin/").status_code == 200


def test_staff_login_with_totp_asks_for_the_code(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = True
    staff = UserFactory(staff=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = login(client, staff.email, next="/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    html = assert_portal_page(client.get(response.url))
    assert "Code de vérification" in html
    assert '<label for="id_code">' in html
    # Password alone does not sign in.
    assert client.get("/admin/").status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert "Code incorrect." in assert_portal_page(response)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_requirement_off_lets_staff_in_without_totp(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    staff = UserFactory(staff=True)
    login(client, staff.email)
    assert client.get("/admin/").status_code == 200


def test_citizen_can_turn_totp_on_and_off(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    login(client, user.email)
    reauthenticate(client)
    html = assert_portal_page(client.get(reverse("mfa_activate_totp")))
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7=]+)"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert [message.subject for message in mailoutbox] == ["[PACTE] Application d'authentification activée"]
    html = assert_portal_page(client.get(reverse("mfa_index")))
    assert reverse("mfa_deactivate_totp") in html
    assert_portal_page(client.get(reverse("mfa_deactivate_totp")))
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# --- every allauth page in the portal's layout ---------------------------------------------------

ANONYMOUS_PAGES = [
    "/comptes/signup/",
    "/comptes/login/",
    "/comptes/password/reset/",
    "/comptes/password/reset/done/",
    "/comptes/password/reset/key/done/",
    "/comptes/confirm-email/",
    "/comptes/inactive/",
]
SIGNED_IN_PAGES = [
    "/comptes/logout/",
    "/comptes/email/",
    "/comptes/password/change/",
    "/comptes/reauthenticate/",
    "/comptes/2fa/",
    "/comptes/2fa/totp/activate/",
    "/comptes/2fa/reauthenticate/",  # with TOTP on
    "/comptes/2fa/totp/deactivate/",  # with TOTP on
    "/comptes/2fa/recovery-codes/",  # with TOTP on
    "/comptes/2fa/recovery-codes/generate/",  # with TOTP on
]
NEED_TOTP = {
    "/comptes/2fa/reauthenticate/",
    "/comptes/2fa/totp/deactivate/",
    "/comptes/2fa/recovery-codes/",
    "/comptes/2fa/recovery-codes/generate/",
}


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_anonymous_account_pages_in_portal_layout(client, url):
    assert_portal_page(client.get(url))


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_signed_in_account_pages_in_portal_layout(client, url):
    user = UserFactory()
    if url in NEED_TOTP:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
        login(client, user.email)
        client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    else:
        login(client, user.email)
    reauthenticate(client)
    html = assert_portal_page(client.get(url))
    if url != "/comptes/reauthenticate/" and url != "/comptes/2fa/reauthenticate/":
        assert '<nav class="breadcrumb" aria-label="Fil d\'Ariane">' in html


def test_confirmation_and_reset_pages_with_valid_keys_in_portal_layout(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data())
        client.post(reverse("account_reset_password"), {"email": UserFactory().email})
    confirm, reset = (links_in(message)[0].split("testserver", 1)[1] for message in mailoutbox)
    assert_portal_page(client.get(confirm))
    assert_portal_page(client.get(reset, follow=True))


def test_mfa_authenticate_page_in_portal_layout(client):
    user = UserFactory()
    TOTP.activate(user, generate_totp_secret())
    login(client, user.email)
    html = assert_portal_page(client.get(reverse("mfa_authenticate")))
    assert "Annuler la connexion" in html
