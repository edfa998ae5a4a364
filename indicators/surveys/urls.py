"""Results of the questionnaires, mounted at /indicateurs/enquetes/ (names in the indicators
namespace). The answering pages are short URLs of indicators/urls.py (/indicateurs/q/…)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.results_list, name="survey_results"),
    path("<int:pk>/", views.results_detail, name="survey_detail"),
    path("<int:pk>/reponses-libres/", views.free_answer_list, name="survey_free_answers"),
    path("<int:pk>/resultats.csv", views.results_csv, name="survey_csv"),
    path("<int:pk>/qr-code.svg", views.qr_code, name="survey_qr"),
]

# The public answering URLs, included at the root of /indicateurs/ by indicators/urls.py.
answer_patterns = [
    path("q/merci/", views.thanks, name="survey_thanks"),
    path("q/e/<str:code>/", views.answer_open, name="survey_answer_open"),
    path("q/<str:token>/", views.answer, name="survey_answer"),
    path("q/<str:token>/ne-plus-recevoir/", views.opt_out, name="survey_opt_out"),
]
