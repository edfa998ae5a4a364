from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .portal import portal_apps
from .views import agenda, documents, my_space, organisations, pages

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

# "Ma structure": the référents' space of one organisation.
organisation_manage_patterns = [
    path("", organisations.organisation_manage, name="organisation_manage"),
    path("membres/", organisations.organisation_members, name="organisation_members"),
    path(
        "membres/<int:pk>/retirer/",
        organisations.organisation_member_remove_view,
        name="organisation_member_remove",
    ),
    path("membres/<int:pk>/role/", organisations.organisation_member_role, name="organisation_member_role"),
    path(
        "invitations/<int:pk>/retirer/",
        organisations.organisation_invitation_withdraw,
        name="organisation_invitation_withdraw",
    ),
    path("evenements/", organisations.organisation_events, name="organisation_events"),
    path(
        "evenements/proposer/",
        organisations.organisation_event_propose_view,
        name="organisation_event_propose",
    ),
    path(
        "evenements/<slug:event_slug>/inscrits/",
        organisations.organisation_event_registrants,
        name="organisation_event_registrants",
    ),
    path(
        "evenements/<slug:event_slug>/inscrits.csv",
        organisations.organisation_event_registrants_csv,
        name="organisation_event_registrants_csv",
    ),
]

admin.site.site_header = "Administration du portail PACTE"
admin.site.site_title = "PACTE · administration"
admin.site.index_title = "Gestion du programme"

urlpatterns = [
    path("", pages.home, name="home"),
    path("agenda/", include(agenda_patterns)),
    path("mon-espace/", my_space.my_space, name="my_space"),
    path("mon-espace/mes-donnees.json", my_space.my_data_export, name="my_data_export"),
    path("mon-espace/supprimer-mon-compte/", my_space.my_account_delete, name="my_account_delete"),
    path("mon-espace/structures/<slug:slug>/", include(organisation_manage_patterns)),
    path(
        "structures/invitation/<str:token>/", organisations.invitation_accept_view, name="invitation_accept"
    ),
    path("structures/<slug:slug>/", organisations.organisation_detail, name="organisation_detail"),
    path("documents/<int:pk>/", documents.private_document, name="private_document"),
    path("comptes/adresse/annuler/<str:token>/", my_space.email_change_cancel, name="email_change_cancel"),
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
