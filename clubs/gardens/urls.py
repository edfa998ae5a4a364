"""Routes of the "jardiniers de la nature" network, included by clubs/urls.py (namespace "clubs")."""

from django.urls import path

from . import views as gardens

urlpatterns = [
    path("", gardens.network, name="gardens"),
    path("charte/", gardens.charter, name="charter"),
    path("mon-jardin/", gardens.my_gardens, name="my_gardens"),
    path("mon-jardin/inscrire/", gardens.garden_new, name="garden_new"),
    path("mon-jardin/<int:pk>/modifier/", gardens.garden_edit, name="garden_edit"),
    path("mon-jardin/<int:pk>/historique/", gardens.garden_history, name="garden_history"),
    path("mon-jardin/<int:pk>/retirer/", gardens.garden_withdraw_view, name="garden_withdraw"),
]
