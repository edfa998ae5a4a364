from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache, lazy_context, public_context
from pacte.enums import Action, MembershipRole
from pacte.filters import commune_switch, with_home_commune
from pacte.htmx import wants_fragment
from pacte.models import Event, ExchangeNetwork, Membership, Topic, User
from pacte.permissions import acts_as_staff
from pacte.views.helpers import action_service, known_query

from ..enums import PracticeStatus
from ..filters import ClubFilter
from ..models import Club, ClubMembershipRecord, Practice
from ..services import (
    club_join,
    club_leave,
    club_mailings_set,
    read_unsubscribe_token,
    unsubscribe_link_resend,
)
from .common import AREAS, club_for, paginate


@login_not_required
@require_safe
@anonymous_page_cache(60, filterset=ClubFilter, areas=AREAS)
def club_list(request):
    # Signed-in people see the clubs of their home commune first, with a switch to all of them.
    # The list is one public fragment per filters and page (staff, who also see deactivated
    # clubs, get theirs rendered), built only on a miss (docs/conventions.md, Performance).
    data, home_applied = with_home_commune(request)
    query = known_query(data, ClubFilter.base_filters)
    staff = request.user.is_authenticated and acts_as_staff(request.user)

    def build():
        club_filter = ClubFilter(data or None, queryset=Club.objects.visible_to(request.user).for_listing())
        page, _ = paginate(request, club_filter.qs)
        return {
            "filter": club_filter,
            "page": page,
            "clubs": page.object_list,
            "commune_switch": commune_switch(club_filter, QueryDict(query, mutable=True), home_applied),
        }

    context = {
        **lazy_context(build, ["filter", "page", "clubs", "commune_switch"]),
        "query": query,
        "page_number": data.get("page", ""),
        "fragment_areas": ",".join(AREAS),
        "shared_name": "" if staff else "clubs:list",
        # The filters' "clear" link depends on whether the person has a home commune.
        "has_home": bool(request.user.is_authenticated and request.user.home_commune_id),
        "home_applied": home_applied,
    }
    template = "clubs/includes/_club_results.html" if wants_fragment(request) else "clubs/club_list.html"
    return render(request, template, context)


# As long as the anonymous page cache keeps the page (unwatched changes, such as a meeting
# becoming past, show within that time too).
PUBLIC_CONTEXT_TIMEOUT = 60


def club_public_context(club) -> dict:
    """What the club page shows everyone (themes, members, meetings, practices, topics).

    Cached per club under the content version of the page's areas, so a write that renews the
    anonymous page renews this too: signed-in people and bypassed renders read it in one cache
    round trip instead of eight queries (docs/conventions.md, Performance)."""
    organisation = club.organisation
    return public_context(
        f"clubs:club-page:{club.pk}",
        lambda: {
            "themes": list(organisation.themes.all()),
            "member_count": Membership.objects.filter(organisation=organisation).count(),
            "animators": list(
                Membership.objects.referents()
                .filter(organisation=organisation)
                .select_related("user")
                .order_by("created_at")
            ),
            "meetings": list(
                Event.objects.published()
                .upcoming()
                .filter(action=Action.CLUBS, organiser=organisation)
                .for_listing()[:4]
            ),
            "practices": list(Practice.objects.visible().filter(club=club).for_listing()[:6]),
            "topics": list(
                Topic.objects.visible().in_scope(ExchangeNetwork.CLUBS, organisation).for_listing()[:5]
            ),
        },
        areas=AREAS,
        timeout=PUBLIC_CONTEXT_TIMEOUT,
    )


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def club_detail(request, slug):
    club = club_for(request, slug)
    organisation = club.organisation
    user = request.user
    membership = (
        Membership.objects.filter(organisation=organisation, user=user).first()
        if user.is_authenticated
        else None
    )
    record = ClubMembershipRecord.objects.open().filter(club=club, user=user).first() if membership else None
    context = {
        "club": club,
        "organisation": organisation,
        # Read only when a fragment below misses, or for the count of members.
        **lazy_context(
            lambda: club_public_context(club),
            ["themes", "member_count", "animators", "meetings", "practices", "topics"],
        ),
        "fragment_areas": ",".join(AREAS),
        "membership": membership,
        "is_animator": (membership is not None and membership.role == MembershipRole.REFERENT)
        or acts_as_staff(user),
        "receives_mailings": record.receives_mailings if record else True,
    }
    if context["is_animator"]:
        # What waits for the animators, on the page they open most (two counts, for them only).
        context["todo_reported"] = Practice.objects.filter(club=club, status=PracticeStatus.REPORTED).count()
        context["todo_attendance"] = (
            Event.objects.filter(organiser=organisation).awaiting_attendance().count()
        )
    return render(request, "clubs/club_detail.html", context)


@require_POST
def club_join_view(request, slug):
    club = club_for(request, slug)
    success = f"Bienvenue au club « {club.name} » !"
    action_service(request, club_join, success=success, club=club, user=request.user, by=request.user)
    return redirect(club)


@require_POST
def club_leave_view(request, slug):
    club = club_for(request, slug)
    success = f"Vous avez quitté le club « {club.name} »."
    action_service(request, club_leave, success=success, club=club, user=request.user, by=request.user)
    return redirect(club)


@require_POST
def club_mailings_view(request, slug):
    """A member switches the club's e-mails on or off from the club page."""
    club = club_for(request, slug)
    receives = request.POST.get("receives") == "1"
    if club_mailings_set(club=club, user=request.user, receives=receives, by=request.user):
        messages.success(
            request,
            "Vous recevrez les e-mails du club."
            if receives
            else "Vous ne recevrez plus les e-mails du club.",
        )
    else:
        messages.error(request, "Vous n'êtes pas membre de ce club.")
    return redirect(club)


@login_not_required
@csrf_exempt  # the signed token is the credential; mail clients post here for one-click unsubscribe
@require_http_methods(["GET", "HEAD", "POST"])
def club_unsubscribe(request, token):
    """Unsubscribe from one club's e-mails without signing in: the link of each club e-mail opens a
    page with one button (a GET changes nothing, so mail scanners cannot unsubscribe anyone)."""
    ids = read_unsubscribe_token(token)
    if ids is None:
        # A genuine link more than a year old: offer a fresh one, sent to the member's address.
        old = read_unsubscribe_token(token, max_age=None)
        club = Club.objects.select_related("organisation").filter(pk=old[0]).first() if old else None
        user = User.objects.filter(pk=old[1], is_active=True).first() if old else None
        if club is None or user is None:
            return render(request, "clubs/unsubscribe.html", {"invalid": True}, status=404)
        sent = request.method == "POST" and unsubscribe_link_resend(club=club, user=user)
        context = {"club": club, "expired": True, "sent": sent, "asked": request.method == "POST"}
        return render(request, "clubs/unsubscribe.html", context, status=410)
    club = get_object_or_404(Club.objects.select_related("organisation"), pk=ids[0])
    user = User.objects.filter(pk=ids[1], is_active=True).first()
    context = {"club": club, "done": False, "not_member": user is None}
    if request.method == "POST" and user is not None:
        # False when the person already left the club: they get no more of its e-mails anyway.
        context["done"] = club_mailings_set(club=club, user=user, receives=False, by=None)
        context["not_member"] = not context["done"]
    return render(request, "clubs/unsubscribe.html", context)
