from django.urls import include, path

from .views import clubs, manage, practices, topics

app_name = "clubs"

urlpatterns = [
    path("", clubs.club_list, name="list"),
    # The other fixed prefixes come before the <slug:slug>/ routes, which would swallow them.
    path("pratiques/", practices.practice_list, name="practices"),
    path("jardiniers-de-la-nature/", include("clubs.gardens.urls")),
    path("desabonnement/<str:token>/", clubs.club_unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", clubs.club_detail, name="detail"),
    path("<slug:slug>/rejoindre/", clubs.club_join_view, name="join"),
    path("<slug:slug>/quitter/", clubs.club_leave_view, name="leave"),
    path("<slug:slug>/e-mails/", clubs.club_mailings_view, name="mailings"),
    # Animators
    path("<slug:slug>/animer/", manage.club_manage, name="manage"),
    path("<slug:slug>/animer/presentation/", manage.club_edit, name="edit"),
    path("<slug:slug>/animer/rencontres/nouvelle/", manage.meeting_create, name="meeting_create"),
    path("<slug:slug>/animer/ecrire-aux-membres/", manage.mailing_create, name="mailing_create"),
    # Practices
    path("<slug:slug>/pratiques/nouvelle/", practices.practice_create_view, name="practice_create"),
    path("<slug:slug>/pratiques/<int:pk>/", practices.practice_detail, name="practice_detail"),
    path("<slug:slug>/pratiques/<int:pk>/adopter/", practices.practice_adopt, name="practice_adopt"),
    path("<slug:slug>/pratiques/<int:pk>/repondre/", practices.practice_reply, name="practice_reply"),
    path("<slug:slug>/pratiques/<int:pk>/signaler/", practices.practice_report_view, name="practice_report"),
    path("<slug:slug>/pratiques/<int:pk>/moderer/", practices.practice_moderate, name="practice_moderate"),
    path("<slug:slug>/pratiques/<int:pk>/modifier/", practices.practice_edit, name="practice_edit"),
    path("<slug:slug>/pratiques/<int:pk>/supprimer/", practices.practice_delete_view, name="practice_delete"),
    path(
        "<slug:slug>/pratiques/<int:pk>/reponses/<int:reply>/modifier/",
        practices.practice_reply_edit,
        name="practice_reply_edit",
    ),
    path(
        "<slug:slug>/pratiques/<int:pk>/reponses/moderer/",
        practices.practice_reply_moderate,
        name="practice_reply_moderate",
    ),
    # Discussions (kernel exchanges)
    path("<slug:slug>/discussions/", topics.topic_list, name="topics"),
    path("<slug:slug>/discussions/nouvelle/", topics.topic_create_view, name="topic_create"),
    path("<slug:slug>/discussions/<int:pk>/", topics.topic_detail, name="topic_detail"),
    path("<slug:slug>/discussions/<int:pk>/repondre/", topics.topic_reply, name="topic_reply"),
    path("<slug:slug>/discussions/<int:pk>/moderer/", topics.topic_moderate, name="topic_moderate"),
    path(
        "<slug:slug>/discussions/<int:pk>/reponses/moderer/",
        topics.topic_reply_moderate,
        name="topic_reply_moderate",
    ),
    path(
        "<slug:slug>/discussions/<int:pk>/notifications/",
        topics.topic_notifications,
        name="topic_notifications",
    ),
]
