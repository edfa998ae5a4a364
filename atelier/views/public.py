"""Public pages of the Atelier: the venue, its spaces, the calls, and the space calendars (iCal)."""

from datetime import timedelta
from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from pacte.cache import anonymous_page_cache, bare, public_context
from pacte.enums import Action, MembershipRole, OrganisationKind
from pacte.models import Event, Organisation
from pacte.prepared import PreparedQuery

from ..enums import Weekday
from ..ical import bookings_calendar
from ..models import Application, Booking, Call, Closure, OpeningHours, Residency, Space
from .common import AREAS, venue


def opening_days(venue_obj) -> list[tuple[str, list]]:
    """[(day name, [intervals])] for the days the venue opens."""
    intervals = OpeningHours.objects.filter(venue=venue_obj).order_by("weekday", "opens_at")
    return [(Weekday(day).label, list(group)) for day, group in groupby(intervals, key=lambda i: i.weekday)]


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def atelier_home(request):
    # The same for everyone: its HTML is a public fragment of the template, and the data it is
    # drawn from is only read (one cache round trip instead of nine queries) when the fragment
    # is rendered again (docs/conventions.md, Performance).
    home = SimpleLazyObject(lambda: public_context("atelier:home", _home_public, areas=AREAS))
    return render(request, "atelier/home.html", {"home": home})


def _home_public() -> dict:
    place = venue()
    today = timezone.localdate()
    return {
        "venue": place,
        "opening_days": opening_days(place) if place else [],
        "spaces": list(Space.objects.active().filter(venue=place)) if place else [],
        "closures": list(Closure.objects.filter(venue=place, ends_on__gte=today, space__isnull=True)[:3])
        if place
        else [],
        "call": Call.objects.current(),
        "residents": list(
            Organisation.objects.filter(atelier_residencies__in=Residency.objects.current(today))
            .distinct()
            .order_by("name")
        ),
        "events": list(Event.objects.published().upcoming().filter(action=Action.ATELIER).for_listing()[:6]),
        "past_calls": list(Call.objects.published().filter(closes_at__lte=timezone.now())[:3]),
    }


def space_page(slug) -> dict:
    """What a space's page shows (it is the same for everyone): the space for the title, and the
    HTML of the page's content, in one cache round trip under the Atelier's areas instead of
    three queries and a render (docs/conventions.md, Performance). An unknown or inactive space
    raises its 404 inside `build`, which is never cached; the timeout bounds a closure that ends."""

    def build():
        space = Space.objects.active().select_related("venue").filter(slug=slug).first()
        if space is None:
            raise Http404("Aucun espace.")
        today = timezone.localdate()
        context = {
            "space": space,
            "venue": space.venue,
            "closures": list(
                Closure.objects.filter(venue=space.venue, ends_on__gte=today).filter(
                    Q(space__isnull=True) | Q(space=space)
                )[:5]
            ),
            "other_spaces": list(Space.objects.active().filter(venue=space.venue).exclude(pk=space.pk)),
        }
        return {"space": bare(space), "main": render_to_string("atelier/includes/_space_main.html", context)}

    return public_context(f"atelier:space:{slug}:page", build, areas=AREAS)


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def space_detail(request, slug):
    page = space_page(slug)
    # Rendered by our template, which escaped what it shows.
    context = {"space": page["space"], "main": mark_safe(page["main"])}
    return render(request, "atelier/space_detail.html", context)


def call_page(slug) -> dict:
    """What a call's page shows everyone: the call for the title and the buttons, whether it is
    open, and the HTML of its text, criteria and documents, in one cache round trip under the
    Atelier's areas (a published change shows at the next request; the timeout bounds the
    opening and the closing). An unknown or unpublished call raises its 404 inside `build`."""

    def build():
        call = (
            Call.objects.published()
            .prefetch_related("criteria", "required_documents")
            .filter(slug=slug)
            .first()
        )
        if call is None:
            raise Http404("Aucun appel.")
        context = {
            "call": call,
            "is_open": call.is_open(),
            "criteria": list(call.criteria.all()),
            "documents": list(call.required_documents.all()),
        }
        sections = {
            name: render_to_string(f"atelier/includes/_call_{name}.html", context)
            for name in ("lead", "text", "criteria")
        }
        # The rest of the page only needs the call's fields.
        return {"call": bare(call), "is_open": context["is_open"], "sections": sections}

    return public_context(f"atelier:call:{slug}:page", build, areas=AREAS)


# The associations a person applies for (référent of an active one) and their application to
# this call, in one statement compiled once per process: the only query of a signed-in call page
# besides the user's (Django compiling the two lookups cost 2 ms of CPU per request).
applicant_state = PreparedQuery(
    lambda user_id, call_id: (
        Organisation.objects.active()
        .of_kind(OrganisationKind.ASSOCIATION)
        .filter(memberships__user_id=user_id, memberships__role=MembershipRole.REFERENT)
        .annotate(
            application_pk=Subquery(
                Application.objects.filter(call_id=call_id, organisation_id=OuterRef("pk")).values("pk")[:1]
            ),
            application_status=Subquery(
                Application.objects.filter(call_id=call_id, organisation_id=OuterRef("pk")).values("status")[
                    :1
                ]
            ),
        )
        .order_by("name", "pk")
        .distinct()
        .values("pk", "name", "application_pk", "application_status")
    ),
    user_id=int,
    call_id=int,
)


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def call_detail(request, slug):
    page = call_page(slug)
    call = page["call"]
    user = request.user
    applications, can_apply_for = [], []
    if user.is_authenticated:
        for row in applicant_state.rows(user_id=user.pk, call_id=call.pk):
            organisation = Organisation(pk=row["pk"], name=row["name"])
            if row["application_pk"] is None:
                can_apply_for.append(organisation)
            else:
                applications.append(
                    Application(
                        pk=row["application_pk"],
                        status=row["application_status"],
                        call=call,
                        organisation=organisation,
                    )
                )
    context = {
        "call": call,
        "is_open": page["is_open"],
        # Rendered by our templates, which escaped what they show.
        "sections": {name: mark_safe(html) for name, html in page["sections"].items()},
        "applications": applications,
        "can_apply_for": can_apply_for,
    }
    return render(request, "atelier/call_detail.html", context)


@login_not_required
@require_safe
def space_ical(request, slug):
    space = get_object_or_404(Space.objects.active().select_related("venue"), slug=slug)
    since = timezone.now() - timedelta(days=30)
    bookings = (
        Booking.objects.live()
        .filter(space=space, ends_at__gte=since)
        .select_related("space__venue", "organisation", "event")
        .order_by("starts_at")[:1000]
    )
    body = bookings_calendar(bookings, name=f"Atelier des Transitions — {space.name}", show_titles=False)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="atelier-{space.slug}.ics"'
    return response
