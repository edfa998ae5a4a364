"""Mounted at /associations/reseau/ (associations/urls.py), in the `associations` namespace. The
tool library (`outils/`) is its own sub-package, mounted separately."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="reseau"),
    path("echanges/", views.topic_list, name="reseau_topics"),
    path("echanges/nouveau/", views.topic_create_view, name="reseau_topic_create"),
    path("echanges/<int:pk>/", views.topic_detail, name="reseau_topic_detail"),
    path("echanges/<int:pk>/repondre/", views.topic_reply, name="reseau_topic_reply"),
    path("vitrine/", views.showcase_list, name="showcase_list"),
    path("vitrine/partager/", views.showcase_create_view, name="showcase_create"),
    path("vitrine/<int:pk>/", views.showcase_detail, name="showcase_detail"),
    path("vitrine/<int:pk>/modifier/", views.showcase_edit, name="showcase_edit"),
    path("vitrine/<int:pk>/retirer/", views.showcase_withdraw_view, name="showcase_withdraw"),
    path("vitrine/<int:pk>/signaler/", views.showcase_report_view, name="showcase_report"),
]
