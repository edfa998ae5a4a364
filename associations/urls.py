from django.urls import include, path

from .views import bilans, public, referent

app_name = "associations"

urlpatterns = [
    path("", public.directory, name="directory"),
    # Fixed prefixes come before <slug:slug>/, which would swallow them.
    path("charte/", public.charter, name="charter"),
    # Action 4, the relais network: its space and showcase (names in this namespace).
    path("reseau/", include("associations.reseau.urls")),
    path("programmes-finances/", public.funded_programmes, name="funded"),
    path("subventions-scdl.csv", public.grants_csv, name="grants_csv"),
    path("campagnes/<int:year>/", public.campaign_detail, name="campaign"),
    path("campagnes/<int:year>/deposer/", referent.application_start_view, name="application_start"),
    # The association's space (référents only)
    path("mon-association/<slug:slug>/", referent.association_space, name="space"),
    path("mon-association/<slug:slug>/label/", referent.label_request_view, name="label_request"),
    path("dossiers/<int:pk>/", referent.application_detail, name="application_detail"),
    path("dossiers/<int:pk>/etapes/<slug:step>/", referent.application_step, name="application_step"),
    path(
        "dossiers/<int:pk>/documents/<int:document_pk>/retirer/",
        referent.document_remove,
        name="document_remove",
    ),
    path("dossiers/<int:pk>/deposer/", referent.application_submit_view, name="application_submit"),
    path("dossiers/<int:pk>/message/", referent.application_message, name="application_message"),
    path("dossiers/<int:pk>/bilan/", bilans.bilan, name="bilan"),
    path("dossiers/<int:pk>/bilan/photo/", bilans.bilan_photo, name="bilan_photo"),
    path(
        "dossiers/<int:pk>/bilan/photos/<int:photo_pk>/<slug:size>/",
        bilans.bilan_photo_file,
        name="bilan_photo_file",
    ),
    # Action 4's tool library and loans (its own sub-package).
    path("reseau/outils/", include("associations.reseau.tools.urls")),
    path("<slug:slug>/", public.association_detail, name="detail"),
]
