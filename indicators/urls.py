from django.urls import include, path

from . import views
from .surveys.urls import answer_patterns as survey_answer_patterns

app_name = "indicators"

urlpatterns = [
    path("", views.public, name="public"),
    path("enquetes/", include("indicators.surveys.urls")),
    *survey_answer_patterns,
]
