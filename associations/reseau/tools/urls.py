from django.urls import path

from . import views

app_name = "reseau_tools"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("ajouter/", views.tool_create, name="create"),
    path("prets/", views.loans, name="loans"),
    path("prets/<int:pk>/", views.loan_detail, name="loan"),
    path("prets/<int:pk>/accepter/", views.loan_accept, name="loan_accept"),
    path("prets/<int:pk>/refuser/", views.loan_refuse, name="loan_refuse"),
    path("prets/<int:pk>/annuler/", views.loan_cancel, name="loan_cancel"),
    path("prets/<int:pk>/sortie/", views.loan_pickup, name="loan_pickup"),
    path("prets/<int:pk>/retour/", views.loan_return, name="loan_return"),
    path("prets/<int:pk>/passage/", views.loan_handoff, name="loan_handoff"),
    path("calendrier/<slug:slug>/<str:token>.ics", views.loans_ical, name="ical"),
    path("<int:pk>/", views.tool_detail, name="detail"),
    path("<int:pk>/calendrier/", views.tool_calendar, name="calendar"),
    path("<int:pk>/emprunter/", views.loan_request, name="loan_request"),
    path("<int:pk>/modifier/", views.tool_edit, name="edit"),
    path("<int:pk>/retirer/", views.tool_withdraw, name="withdraw"),
    path("<int:pk>/fichiers/", views.tool_file_add, name="file_add"),
    path("<int:pk>/fichiers/<int:file_pk>/", views.tool_file, name="file"),
    path("<int:pk>/fichiers/<int:file_pk>/retirer/", views.tool_file_delete, name="file_delete"),
    path("<int:pk>/photos/<int:photo_pk>/retirer/", views.tool_photo_delete, name="photo_delete"),
    path("<int:pk>/exemplaires/", views.tool_copy_add, name="copy_add"),
]
