from django.urls import include, path

from . import views
from .surveys.urls import answer_patterns as survey_answer_patterns

app_name = "indicators"

urlpatterns = [
    path("", views.public, name="public"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("tableau-de-bord/export/<slug:table>.<str:fmt>", views.export, name="export"),
    path("donnees/personnes-mobilisees.csv", views.open_data_people, name="open_data_people"),
    path("donnees/indicateurs-mensuels.csv", views.open_data_metrics, name="open_data_metrics"),
    path("enquetes/", include("indicators.surveys.urls")),
    *survey_answer_patterns,
]
