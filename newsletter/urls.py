from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("", views.home, name="home"),
    path("merci/", views.thanks, name="thanks"),
    path("abonnement-en-un-clic/", views.subscribe_account, name="subscribe_account"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("fiches/", views.sheet_list, name="sheets"),
    path("fiches/<slug:slug>/", views.sheet_detail, name="sheet_detail"),
    path("fiches/<slug:slug>/pdf/", views.sheet_pdf, name="sheet_pdf"),
    path("<int:number>/", views.issue_detail, name="issue_detail"),
]
