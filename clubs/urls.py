from django.urls import include, path

from .views import clubs

app_name = "clubs"

urlpatterns = [
    path("", clubs.club_list, name="list"),
    # The other fixed prefixes come before the <slug:slug>/ routes, which would swallow them.
    path("jardiniers-de-la-nature/", include("clubs.gardens_urls")),
    path("<slug:slug>/", clubs.club_detail, name="detail"),
]
