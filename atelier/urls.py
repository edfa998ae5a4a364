from django.urls import path

from .views import applications, bookings, public

app_name = "atelier"

urlpatterns = [
    path("", public.atelier_home, name="home"),
    path("espaces/<slug:slug>/", public.space_detail, name="space"),
    path("espaces/<slug:slug>/calendrier.ics", public.space_ical, name="space_ical"),
    path("appels/<slug:slug>/", public.call_detail, name="call"),
    path("appels/<slug:slug>/candidater/", applications.application_start_view, name="apply"),
    path("candidatures/<int:pk>/", applications.application_edit, name="application"),
    path(
        "candidatures/<int:pk>/documents/<int:document_pk>/",
        applications.application_document,
        name="application_document",
    ),
    path("candidatures/<int:pk>/deposer/", applications.application_submit_view, name="application_submit"),
    path("residence/<slug:slug>/", bookings.residency_view, name="residency"),
    path("residence/<slug:slug>/reglement/", bookings.residency_accept_rules_view, name="accept_rules"),
    path("residence/<slug:slug>/semaine/", bookings.week_calendar, name="week"),
    path("residence/<slug:slug>/reserver/", bookings.booking_new, name="book"),
    path(
        "residence/<slug:slug>/calendrier/<str:token>.ics",
        bookings.organisation_ical,
        name="organisation_ical",
    ),
    path("reservations/<int:pk>/", bookings.booking_detail, name="booking"),
    path("reservations/<int:pk>/annuler/", bookings.booking_cancel_view, name="booking_cancel"),
    path("reservations/<int:pk>/arrivee/", bookings.booking_check_in_view, name="booking_check_in"),
    path("reservations/<int:pk>/publier/", bookings.booking_publish, name="booking_publish"),
]
