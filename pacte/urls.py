from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .portal import portal_apps
from .views import agenda, documents, my_space, pages

agenda_patterns = (
    [
        path("", agenda.event_list, name="list"),
        path("agenda.ics", agenda.event_list_ical, name="ical"),
        path("<slug:slug>/", agenda.event_detail, name="detail"),
        path("<slug:slug>/evenement.ics", agenda.event_ical, name="event_ical"),
        path("<slug:slug>/inscription/", agenda.event_register, name="register"),
        path("<slug:slug>/annulation/", agenda.event_cancel, name="cancel"),
        path("<slug:slug>/presences/", agenda.event_attendance, name="attendance"),
    ],
    "agenda",
)

admin.site.site_header = "Administration du portail PACTE"
admin.site.site_title = "PACTE · administration"
admin.site.index_title = "Gestion du programme"

urlpatterns = [
    path("", pages.home, name="home"),
    path("agenda/", include(agenda_patterns)),
    path("mon-espace/", my_space.my_space, name="my_space"),
    path("mon-espace/mes-donnees.json", my_space.my_data_export, name="my_data_export"),
    path("mon-espace/supprimer-mon-compte/", my_space.my_account_delete, name="my_account_delete"),
    path("documents/<int:pk>/", documents.private_document, name="private_document"),
    path("comptes/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("donnees-personnelles/", pages.personal_data, name="personal_data"),
    path("mentions-legales/", pages.legal_notice, name="legal_notice"),
    path("donnees/", pages.open_data, name="open_data"),
    path("sante/", pages.health, name="health"),
]

# Each app that declares a URLconf is mounted at its prefix (pacte/portal.py).
urlpatterns[2:2] = [path(app.url_prefix, include(app.urls)) for app in portal_apps() if app.urls]

if settings.DEBUG:
    # Local demo only: in production the reverse proxy (or object storage) serves public media.
    from django.contrib.auth.decorators import login_not_required
    from django.views.static import serve

    urlpatterns.append(
        path("media/<path:path>", login_not_required(serve), {"document_root": settings.MEDIA_ROOT})
    )

if settings.PACTE_BENCH:
    # `make bench` only: the smallest view behind the full middleware stack, the baseline that
    # page throughput is compared with (bench/run.sh).
    from .views import bench

    urlpatterns.append(path("_bench/minimal/", bench.minimal, name="bench_minimal"))
