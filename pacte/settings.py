"""Settings of the PACTE portal.

One module driven by environment variables. The defaults are the embedded runtime of docs/architecture.md
(SQLite, Celery eager, local-memory cache, console e-mail); production sets the variables listed in
the README. Nothing exists only in production.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Without SECRET_KEY, management commands (makemigrations, shell...) still run with a local key
# that `check --deploy` flags, but the processes that serve people or sign links refuse to start
# with it unless DEBUG is on (pacte.checks.require_secret_key, called by wsgi.py and the worker).
SECRET_KEY_IS_LOCAL = not SECRET_KEY and not env_bool("PACTE_ALLOW_INSECURE_KEY", False)
SECRET_KEY = SECRET_KEY or "django-insecure-local-key-only-for-development-and-tests-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "pacte",
    # django.contrib.admin with the portal's AdminSite (second factor, portal login).
    "pacte.admin_site.PacteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    # The action apps: each imports `pacte` only and plugs in through its declaration
    # (pacte/portal.py). Removing a line removes the app from the portal.
    "clubs",
    "atelier",
    "associations",
    "newsletter",
    "communes",
    # Reads the others through their declarations only; keep it last.
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pacte.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pacte.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pacte.middleware.SessionFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pacte.middleware.PrivateResponsesMiddleware",
    "pacte.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pacte.middleware.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "pacte.urls"
WSGI_APPLICATION = "pacte.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pacte.context_processors.portal",
            ],
            # After Django's: its {% url %} replaced by one that reverses each URL once per
            # process (pacte/urls_cache.py).
            "builtins": ["pacte.templatetags.portal_builtins"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let runserver and the in-process tasks share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            # IMMEDIATE makes every transaction take the write lock first, so the capacity check
            # of a registration is serialised on SQLite as the row lock does on PostgreSQL.
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, keeping one client per process (pacte/cache_backends.py).
            "BACKEND": "pacte.cache_backends.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pacte",
        }
    }
    # Sessions read from Redis, written through to the database: one query less per signed-in
    # request. Only with a shared cache: a per-process cache would keep a logged-out session alive
    # in the other workers. Django's cached_db, reading the page's versions and the session's user
    # in the same round trip (pacte/cached_sessions.py).
    SESSION_ENGINE = "pacte.cached_sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker, tasks run in-process: the embedded runtime needs no worker. The test suite
# stays eager even with a broker; its worker test switches to the real queue on its own.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or env_bool("PACTE_TESTING", False)
CELERY_TASK_EAGER_PROPAGATES = True
# Results are kept on Redis only when there is one (the health check and worker test read them).
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else None
)
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic tasks are declared by each app (PortalApp.beat_schedule), the kernel included.
CELERY_BEAT_SCHEDULE = {}

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "PACTE Métropole Rouen Normandie <pacte@metropole-rouen-normandie.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _email_settings(url: str) -> dict:
    """Read an EMAIL_URL such as smtp+tls://user:password@host:587."""
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or 25,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": parsed.scheme in {"smtp+tls", "submission"} or "tls" in query,
        "EMAIL_USE_SSL": parsed.scheme == "smtps" or "ssl" in query,
    }


EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL.startswith(("smtp", "submission")):
    globals().update(_email_settings(EMAIL_URL))
elif EMAIL_URL == "memory://":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Auth and accounts ----------------------------------------------------------------------
AUTH_USER_MODEL = "pacte.User"
# Django's and allauth's backends, loading the session's user with a statement compiled once per
# process (pacte/auth_backends.py).
AUTHENTICATION_BACKENDS = [
    "pacte.auth_backends.ModelBackend",
    "pacte.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/mon-espace/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
# Changing the address or the password, and deleting the account (pacte.views.my_space), need the
# password or the second factor again, within the last five minutes: a stolen session alone
# cannot take the account over.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PACTE] "
# Tell the account's address when its e-mail or password changes (security notice).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_SIGNUP_FORM_CLASS = "pacte.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "pacte.adapters.AccountAdapter"
# Brute-force protection on login (allauth's cache-based limiter; Redis in production).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/m/ip",
    "signup": "20/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "confirm_email": "3/m/key",
}
# A monitoring probe sending this in X-Health-Token sees why a /sante/ check failed.
PACTE_HEALTH_TOKEN = os.environ.get("PACTE_HEALTH_TOKEN", "")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# empty: the header is ignored and REMOTE_ADDR is the client (pacte.client_ip).
PACTE_TRUSTED_PROXIES = env_list("PACTE_TRUSTED_PROXIES")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PACTE Métropole Rouen Normandie"
# Staff must have a TOTP second factor before reaching /admin/. On by default whenever DEBUG is
# off; `make run` relaxes it for the local demo by setting PACTE_STAFF_REQUIRE_2FA=0.
PACTE_STAFF_REQUIRE_2FA = env_bool("PACTE_STAFF_REQUIRE_2FA", not DEBUG)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Private documents (subsidy files, RIB) live outside MEDIA_ROOT and are only served by a view
# that checks permission.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "pacte.staticfiles.PortalStaticFilesStorage"  # WhiteNoise's, URLs kept per process
            if not DEBUG and not env_bool("PACTE_TESTING", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if os.environ.get("S3_BUCKET"):
    # S3-compatible storage for public media (needs django-storages installed in that deployment).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL"),
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The body of a request without its files (form fields): nothing the portal posts comes close.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A whole request body, files included (six 8 MB photos and the form): larger ones are refused
# with 413 before they are read (pacte.middleware.RequestBodyLimitMiddleware). The reverse proxy
# should refuse them first (client_max_body_size, README).
PACTE_MAX_BODY_BYTES = int(os.environ.get("PACTE_MAX_BODY_BYTES", str(50 * 1024 * 1024)))
# Images (pacte.images): refused from their header when any limit is passed.
PACTE_IMAGE_MAX_BYTES = 8 * 1024 * 1024
PACTE_IMAGE_MAX_PIXELS = 25_000_000
PACTE_IMAGE_MAX_SIDE = 8000
PACTE_IMAGE_MAX_RATIO = 20
# Pixels one form may decode in all (several photos at once): bounds a request's time and memory.
PACTE_IMAGE_FORM_PIXELS = 60_000_000

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

PACTE_PAGE_SIZE = 20
# X-Page-Cache (hit or miss) on cached pages: for DEBUG, the tests and `make bench` only.
PACTE_PAGE_CACHE_HEADER = env_bool("PACTE_PAGE_CACHE_HEADER", DEBUG or env_bool("PACTE_TESTING", False))
# Reports from this many distinct people take a shared item (a club practice) off public pages
# until its moderators decide; they may hide it themselves at any time.
PACTE_REPORTS_TO_HIDE = int(os.environ.get("PACTE_REPORTS_TO_HIDE", "3"))
# Per-account limits on posting actions, action -> "count/period" (pacte.ratelimit).
PACTE_RATE_LIMITS = {}
# Mounts /_bench/minimal/, the baseline view of `make bench` (bench/run.sh); off everywhere else.
# The anonymous page cache (pacte/cache.py). Off only where a measure must see the views
# themselves: the query-count tests.
PACTE_PAGE_CACHE = env_bool("PACTE_PAGE_CACHE", True)
PACTE_BENCH = env_bool("PACTE_BENCH", False)

TESTING = env_bool("PACTE_TESTING", False)
if TESTING:
    # Hashing speed only matters for tests; production keeps Django's default hashers.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
