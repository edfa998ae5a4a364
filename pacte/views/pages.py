import hmac
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.views.decorators.http import require_safe

from .. import portal
from ..cache import anonymous_page_cache, lazy_context, public_contexts
from ..checks import runtime_mode
from ..enums import Action
from ..models import Event
from ..permissions import acts_as_staff

ACTIONS = [
    {
        "action": Action.CLUBS,
        "number": 1,
        "title": "Club COP21 et Club des jardiniers",
        "text": "Des groupes d'habitants pour échanger, partager et valoriser leurs pratiques, "
        "et le réseau des jardiniers de la nature.",
    },
    {
        "action": Action.ATELIER,
        "number": 2,
        "title": "Atelier des Transitions",
        "text": "Un lieu pour les associations de la transition : appels à candidatures, "
        "espaces partagés et réservations.",
    },
    {
        "action": Action.ASSOCIATIONS,
        "number": 3,
        "title": "Associations Relais COP21",
        "text": "Le label Relais COP21, les campagnes de subvention annuelles et le bilan des actions.",
    },
    {
        "action": Action.RELAIS_NETWORK,
        "number": 4,
        "title": "Réseau d'échange des assos relais",
        "text": "Partage de pratiques, vitrine des actions et outils d'animation mutualisés.",
    },
    {
        "action": Action.NEWSLETTER,
        "number": 5,
        "title": "Lettre aux travailleurs sociaux",
        "text": "Une lettre thématique mensuelle et des fiches retours d'expériences.",
    },
    {
        "action": Action.COMMUNES,
        "number": 6,
        "title": "Réseau des communes du PACTE",
        "text": "Les conventions PACTE des communes, leurs actions, leurs expérimentations et leurs échanges.",
    },
]


def key_figures() -> list:
    """The figures every app declares, cached: the home page must not count rows on each visit.

    Each app's figures are kept under its own page-cache area, all read in one round trip: a
    registration (the agenda's area) recounts the agenda's figures, not the six other apps'.
    """
    entries = {
        f"key-figures:{app.label}": ([app.get_cache_area()], lambda app=app: list(app.key_figures()))
        for app in portal.portal_apps()
    }
    figures = [figure for found in public_contexts(entries, timeout=600).values() for figure in found]
    return sorted(figures, key=lambda figure: figure.position)


def _home_data() -> dict:
    next_events = list(Event.objects.published().upcoming().for_listing()[:4])
    cards = portal.home_cards()
    actions = []
    for item in ACTIONS:
        card = cards.get(item["action"])
        actions.append(
            {
                **item,
                **({"title": card.title, "text": card.text, "url": reverse(card.url_name)} if card else {}),
                "agenda_url": f"/agenda/?action={item['action'].value}",
            }
        )
    return {"actions": actions, "next_events": next_events, "figures": key_figures()}


@login_not_required
@require_safe
@anonymous_page_cache(60)
def home(request):
    # Below the hero (whose "Créer un compte" depends on the visitor), the page is the same for
    # everyone: one public fragment of every area (the figures and cards come from every app),
    # built only on a miss (docs/conventions.md, Performance).
    return render(request, "pacte/home.html", lazy_context(_home_data, ["actions", "next_events", "figures"]))


def _static_page(template, context=dict):
    @login_not_required
    @require_safe
    @anonymous_page_cache(3600, areas=["agenda"])
    def view(request):
        return render(request, template, context())

    return view


accessibility = _static_page("pacte/accessibilite.html")
# Each app says what personal data it keeps (PortalApp.personal_data_sections).
personal_data = _static_page(
    "pacte/donnees_personnelles.html", lambda: {"app_sections": portal.personal_data_sections()}
)
legal_notice = _static_page("pacte/mentions_legales.html")


@lru_cache(maxsize=8)
def _open_data_files(script_prefix: str) -> str:
    # The list only depends on the installed apps' declarations: rendered once per process (its
    # four `reverse()` and its loop were half of the page's own CPU, signed in).
    files = [{"file": item, "url": reverse(item.url_name)} for item in portal.open_data()]
    return render_to_string("pacte/includes/_open_data_files.html", {"files": files})


setting_changed.connect(lambda **kwargs: _open_data_files.cache_clear(), weak=False)


@login_not_required
@require_safe
@anonymous_page_cache(600)
def open_data(request):
    """The portal's open-data page: the files every app declares (`PortalApp.open_data`)."""
    return render(request, "pacte/open_data.html", {"files_html": _open_data_files(get_script_prefix())})


@login_not_required
@require_safe
def health(request):
    """State of the database, the cache and the broker, for operators (HTTP 503 when one is down),
    and the runtime mode (embarqué or production).

    Anyone sees the status, the mode and each check's verdict; the reason of a failure (the
    exception's class, which tells about the infrastructure) only staff, or a monitoring probe
    sending PACTE_HEALTH_TOKEN in the X-Health-Token header.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 — any failure is a failed check
        checks["database"] = f"erreur : {exc.__class__.__name__}"
    try:
        cache.set("pacte:health", "1", 10)
        checks["cache"] = "ok" if cache.get("pacte:health") == "1" else "erreur : lecture"
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"erreur : {exc.__class__.__name__}"
    checks["broker"] = _broker_state()
    healthy = all(value in ("ok", "embarqué") for value in checks.values())
    if not _may_see_health_details(request):
        checks = {name: value.split(" : ")[0] for name, value in checks.items()}
    response = JsonResponse(
        {"status": "ok" if healthy else "erreur", "mode": runtime_mode(), "checks": checks},
        status=200 if healthy else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


def _may_see_health_details(request) -> bool:
    if acts_as_staff(request.user):
        return True
    token = settings.PACTE_HEALTH_TOKEN
    given = request.headers.get("X-Health-Token", "")
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def _broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embarqué"
    from kombu import Connection

    # A fresh connection to the configured broker: the app's pool could hide an outage.
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"erreur : {exc.__class__.__name__}"
