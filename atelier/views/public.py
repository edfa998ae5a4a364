"""Public pages of the Atelier: the venue, its spaces, the calls, and the space calendars (iCal)."""

from datetime import timedelta
from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from pacte.cache import anonymous_page_cache, public_context
from pacte.enums import Action, OrganisationKind
from pacte.models import Event, Organisation
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff

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


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def space_detail(request, slug):
    space = get_object_or_404(Space.objects.active().select_related("venue"), slug=slug)
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
    return render(request, "atelier/space_detail.html", context)


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def call_detail(request, slug):
    call = get_object_or_404(
        Call.objects.published().prefetch_related("criteria", "required_documents"), slug=slug
    )
    user = request.user
    applicable, applications = [], []
    if user.is_authenticated:
        # The associations this person applies for, and their applications to this call.
        applicable = list(
            Organisation.objects.active()
            .of_kind(OrganisationKind.ASSOCIATION)
            .filter(referent_q(user))
            .distinct()
            .order_by("name")
        )
        applications = list(
            Application.objects.editable_by(user)
            .filter(call=call, organisation__in=applicable)
            .select_related("organisation")
        )
    applied = {application.organisation_id for application in applications}
    context = {
        "call": call,
        "criteria": list(call.criteria.all()),
        "documents": list(call.required_documents.all()),
        "is_open": call.is_open(),
        "applications": applications,
        "can_apply_for": [org for org in applicable if org.pk not in applied],
        "is_staff": acts_as_staff(user),
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
