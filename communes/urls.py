from django.urls import path

from .views import network, open_data, public, referent

app_name = "communes"

urlpatterns = [
    path("", public.network_map, name="map"),
    # The fixed prefixes come before the <slug:slug>/ routes, which would swallow them.
    path("actions/", public.action_list, name="actions"),
    path("actions.csv", open_data.actions_csv, name="actions_csv"),
    path("actions/nouvelle/", referent.action_create_view, name="action_create"),
    path("actions/<int:pk>/", public.action_detail, name="action_detail"),
    path("actions/<int:pk>/modifier/", referent.action_edit, name="action_edit"),
    path("actions/<int:pk>/nous-aussi/", referent.replicate, name="replicate"),
    path("actions/<int:pk>/documents/<int:document_pk>/", public.action_document, name="action_document"),
    path("reseau/", network.network, name="network"),
    path("reseau/echanges/nouveau/", network.topic_create_view, name="topic_create"),
    path("reseau/echanges/<int:pk>/", network.topic_detail, name="topic_detail"),
    path("reseau/echanges/<int:pk>/repondre/", network.topic_reply, name="topic_reply"),
    path("reseau/rencontres/nouvelle/", network.meeting_create, name="meeting_create"),
    path("<slug:slug>/", public.commune_detail, name="commune"),
    path("<slug:slug>/espace/", referent.manage, name="manage"),
    path(
        "<slug:slug>/espace/engagements/<int:pk>/", referent.commitment_progress, name="commitment_progress"
    ),
]
