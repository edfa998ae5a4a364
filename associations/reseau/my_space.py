"""What the relais network adds to "Mon espace" (its association's posts under review) and to
the admin home (the posts waiting for staff)."""

from django.urls import reverse

from pacte import portal

from .access import referent_organisations
from .models import ShowcaseAction, ShowcaseStatus


def reseau_section(request):
    """The showcase posts of the person's labelled associations that are not public: pending,
    reported or refused (one query for the list, the to-do counted from it)."""
    if not referent_organisations(request.user).exists():
        return None
    posts = list(
        ShowcaseAction.objects.editable_by(request.user)
        .filter(status__in=[ShowcaseStatus.PENDING, ShowcaseStatus.REPORTED, ShowcaseStatus.REFUSED])
        .select_related("organisation")
        .order_by("-created_at")[:20]
    )
    refused = [post for post in posts if post.status == ShowcaseStatus.REFUSED]
    todo = (
        [
            portal.TodoItem(
                len(refused),
                "action refusée à reprendre",
                "actions refusées à reprendre",
                refused[0].get_absolute_url(),
            )
        ]
        if refused
        else []
    )
    return portal.MySpaceSection(
        title="Réseau Relais COP21",
        template="associations/reseau/includes/_my_space.html",
        context={"showcase_posts": posts},
        todo=todo,
        position=31,
    )


def showcase_todo(request):
    if not request.user.has_perm("associations.change_showcaseaction"):
        return []
    waiting = ShowcaseAction.objects.pending().count()
    if not waiting:
        return []
    return [
        portal.TodoItem(
            waiting,
            "action de la vitrine à relire",
            "actions de la vitrine à relire",
            reverse("admin:associations_showcaseaction_changelist") + "?status__in=pending,reported",
            group="Réseau Relais COP21",
        )
    ]
