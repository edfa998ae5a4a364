from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache, lazy_context, public_context
from pacte.enums import Action, MembershipRole
from pacte.filters import commune_switch, with_home_commune
from pacte.htmx import wants_fragment
from pacte.models import Event, ExchangeNetwork, Membership, Topic, User
from pacte.permissions import acts_as_staff
from pacte.prepared import PreparedQuery
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


def club_page(slug) -> dict:
    """What the club page shows everyone, in one cache round trip: the club's facts as plain
    values (`club_facts`), its number of members, and the HTML of its public sections (heading,
    presentation and meetings, practices, discussions).

    Cached under the page's areas, so a write that renews the anonymous page renews this at the
    next request; signed-in people and bypassed renders read it instead of running seven queries
    and rendering the sections (docs/conventions.md, Performance). Plain values and strings rather
    than instances: a signed-in page decodes this on each request, and unpickling the club, its
    organisation and their commune was a tenth of its CPU. Only active clubs, the ones everyone
    sees: an unknown or deactivated club raises its 404 inside `build`, never cached."""

    def build():
        club = (
            Club.objects.active()
            .select_related("organisation", "organisation__commune")
            .filter(organisation__slug=slug)
            .first()
        )
        if club is None:
            raise Http404("Aucun club.")
        return club_page_data(club)

    return public_context(f"clubs:club:{slug}:page", build, areas=AREAS, timeout=PUBLIC_CONTEXT_TIMEOUT)


def club_facts(club) -> dict:
    """What the page's personal part needs of the club (its buttons, the animators' to-dos)."""
    organisation = club.organisation
    return {
        "pk": club.pk,
        "organisation_id": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "summary": organisation.summary,
        "is_active": organisation.is_active,
    }


def club_page_data(club) -> dict:
    """The data of `club_page` (seven queries and the sections' render), for a cache miss and
    for staff on a deactivated club. Nothing personal: the first render is everyone's."""
    organisation = club.organisation
    public = {
        "club": club,
        "organisation": organisation,
        "themes": list(organisation.themes.all()),
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
    }
    return {
        "club": club_facts(club),
        "member_count": Membership.objects.filter(organisation_id=club.organisation_id).count(),
        "sections": {
            name: render_to_string(f"clubs/includes/_club_{name}.html", public)
            for name in ("intro", "main", "practices", "topics")
        },
    }


def club_todo(club_id: int, organisation_id: int) -> dict:
    """What waits for the club's animators (practices reported, meetings whose attendance is to
    be recorded): the same for every animator of the club, shown to them only. Cached under the
    page's areas (practices are the clubs', events and registrations the agenda's) rather than
    counted on each of their visits; the timeout bounds a meeting that ends meanwhile."""
    return public_context(
        f"clubs:club:{club_id}:todo",
        lambda: {
            "todo_reported": Practice.objects.filter(club_id=club_id, status=PracticeStatus.REPORTED).count(),
            "todo_attendance": Event.objects.filter(organiser_id=organisation_id)
            .awaiting_attendance()
            .count(),
        },
        areas=AREAS,
        timeout=PUBLIC_CONTEXT_TIMEOUT,
    )


# The person's membership of the club and their choice about its e-mails, in one statement
# compiled once per process: the only query of a signed-in club page besides the user's
# (Django compiling these two lookups cost 2.6 ms of CPU per request, running them 0.15 ms).
member_state = PreparedQuery(
    lambda organisation_id, user_id, club_id: (
        Membership.objects.filter(organisation_id=organisation_id, user_id=user_id)
        .annotate(
            receives_mailings=Subquery(
                ClubMembershipRecord.objects.open()
                .filter(club_id=club_id, user_id=OuterRef("user_id"))
                .order_by("pk")
                .values("receives_mailings")[:1]
            )
        )
        .order_by("pk")
        .values("role", "receives_mailings")[:1]
    ),
    organisation_id=int,
    user_id=int,
    club_id=int,
)


@lru_cache(maxsize=1024)
def club_urls(slug: str, script_prefix: str) -> dict:
    """The links of a club page's buttons, reversed once per process and club (a dozen
    `{% url %}` were a fifth of an animator's render); the script prefix is part of the key."""
    names = ("mailings", "join", "leave", "manage", "meeting_create", "mailing_create", "edit")
    names += ("practice_create", "topic_create", "topics")
    return {name: reverse(f"clubs:{name}", args=[slug]) for name in names}


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def club_detail(request, slug):
    user = request.user
    try:
        page = club_page(slug)
    except Http404:
        if not acts_as_staff(user):
            raise
        # Staff also open deactivated clubs: rendered for them, never cached.
        page = club_page_data(club_for(request, slug))
    club = page["club"]
    rows = (
        member_state.rows(organisation_id=club["organisation_id"], user_id=user.pk, club_id=club["pk"])
        if user.is_authenticated
        else []
    )
    state = rows[0] if rows else None
    is_animator = (state is not None and state["role"] == MembershipRole.REFERENT) or acts_as_staff(user)
    context = {
        "club": club,
        "member_count": page["member_count"],
        # Rendered by our templates, which escaped what they show.
        "sections": {name: mark_safe(html) for name, html in page["sections"].items()},
        "urls": club_urls(club["slug"], get_script_prefix()),
        # A dict with the role (truthy for the template's "if membership"), or None.
        "membership": state,
        "is_animator": is_animator,
        "receives_mailings": state["receives_mailings"] is not False if state else True,
        **(club_todo(club["pk"], club["organisation_id"]) if is_animator else {}),
    }
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
