"""The resident association's space: house rules, week calendar, bookings and their events."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.models import Organisation
from pacte.services.errors import RefusedError

from ..enums import BookingStatus, Weekday
from ..forms import BookingForm, PublishEventForm
from ..ical import bookings_calendar
from ..models import Booking, Closure, OpeningHours
from ..services.bookings import (
    booked_hours,
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_publish_event,
    booking_series_create,
    booking_series_preview,
)
from ..services.residencies import residency_accept_rules
from .common import ical_token, organisation_pk_from_token, residency_for

SLOT = timedelta(hours=1)


def booking_for(request, pk) -> Booking:
    return get_object_or_404(
        Booking.objects.editable_by(request.user).select_related(
            "space__venue", "organisation", "event", "series"
        ),
        pk=pk,
    )


@require_safe
def residency_view(request, slug):
    residency = residency_for(request, slug)
    now = timezone.now()
    upcoming = list(
        Booking.objects.filter(residency=residency, ends_at__gte=now)
        .exclude(status=BookingStatus.CANCELLED)
        .for_listing()[:50]
    )
    context = {
        "residency": residency,
        "organisation": residency.organisation,
        "venue": residency.spaces.first().venue if residency.spaces.exists() else None,
        "spaces": list(residency.spaces.all()),
        "upcoming": upcoming,
        "week_hours": booked_hours(residency, now),
        "ical_url": request.build_absolute_uri(
            reverse(
                "atelier:organisation_ical",
                args=[residency.organisation.slug, ical_token(residency.organisation)],
            )
        ),
    }
    return render(request, "atelier/residency.html", context)


@require_POST
def residency_accept_rules_view(request, slug):
    residency = residency_for(request, slug)
    if request.POST.get("accept") != "1":
        messages.error(request, "Cochez la case pour accepter le règlement intérieur.")
        return redirect(residency.get_absolute_url())
    try:
        residency_accept_rules(residency=residency, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Règlement accepté : vous pouvez réserver les espaces.")
    return redirect(residency.get_absolute_url())


@dataclass
class Slot:
    starts_at: datetime
    ends_at: datetime
    state: str  # "libre", "reserve", "vous", "ferme", "passe", "hors_residence"
    booking: Booking | None = None

    @property
    def label(self) -> str:
        return {
            "libre": "Libre",
            "reserve": "Réservé",
            "vous": "Votre réservation",
            "ferme": "Fermé",
            "passe": "Passé",
            "hors_residence": "Hors de votre résidence",
        }[self.state]


def _week_start(value: str | None) -> date:
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def week_days(space, residency, monday: date, now=None) -> list[dict]:
    """The week of `space` as days of one-hour slots within the opening hours (4 queries)."""
    now = now or timezone.now()
    sunday = monday + timedelta(days=6)
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = timezone.make_aware(datetime.combine(sunday + timedelta(days=1), time.min))
    bookings = list(Booking.objects.live().filter(space=space, starts_at__lt=end, ends_at__gt=start))
    closures = list(
        Closure.objects.filter(venue_id=space.venue_id, starts_on__lte=sunday, ends_on__gte=monday).filter(
            space__isnull=True
        )
    ) + list(Closure.objects.filter(space=space, starts_on__lte=sunday, ends_on__gte=monday))
    intervals = list(OpeningHours.objects.filter(venue_id=space.venue_id))
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        todays = [i for i in intervals if i.weekday == day.weekday()]
        if not todays:
            continue
        closure = next((c for c in closures if c.starts_on <= day <= c.ends_on), None)
        slots = []
        for interval in sorted(todays, key=lambda i: i.opens_at):
            cursor = timezone.make_aware(datetime.combine(day, interval.opens_at))
            closing = timezone.make_aware(datetime.combine(day, interval.closes_at))
            while cursor + SLOT <= closing:
                slot_end = cursor + SLOT
                taken = next((b for b in bookings if b.starts_at < slot_end and b.ends_at > cursor), None)
                if closure:
                    state = "ferme"
                elif taken:
                    state = "vous" if residency and taken.residency_id == residency.pk else "reserve"
                elif cursor <= now:
                    state = "passe"
                elif residency and not residency.starts_on <= day <= residency.ends_on:
                    state = "hors_residence"
                else:
                    state = "libre"
                slots.append(Slot(cursor, slot_end, state, taken))
                cursor = slot_end
        days.append({"date": day, "name": Weekday(day.weekday()).label, "closure": closure, "slots": slots})
    return days


@require_safe
def week_calendar(request, slug):
    residency = residency_for(request, slug)
    if not residency.rules_accepted_at:
        return redirect(residency.get_absolute_url())
    spaces = list(residency.spaces.active().select_related("venue"))
    if not spaces:
        raise Http404("Aucun espace réservable.")
    space = next((s for s in spaces if s.slug == request.GET.get("espace")), spaces[0])
    monday = _week_start(request.GET.get("semaine"))
    context = {
        "residency": residency,
        "organisation": residency.organisation,
        "spaces": spaces,
        "space": space,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "days": week_days(space, residency, monday),
        "week_hours": booked_hours(residency, timezone.make_aware(datetime.combine(monday, time(12)))),
    }
    return render(request, "atelier/week.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def booking_new(request, slug):
    residency = residency_for(request, slug)
    if not residency.rules_accepted_at:
        return redirect(residency.get_absolute_url())
    spaces = residency.spaces.active()
    initial = {}
    if request.method == "GET":
        space = spaces.filter(slug=request.GET.get("espace")).first()
        try:
            start = datetime.fromisoformat(request.GET.get("debut", ""))
        except ValueError:
            start = None
        if space:
            initial["space"] = space
        if start:
            initial.update(day=start.date(), start=start.time(), end=(start + timedelta(hours=1)).time())
    form = BookingForm(request.POST or None, initial=initial, spaces=spaces)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["repeat"]:
                duration = int((data["ends_at"] - data["starts_at"]).total_seconds() // 60)
                if request.POST.get("confirm") != "1":
                    preview = booking_series_preview(
                        space=data["space"],
                        residency=residency,
                        first_starts_at=data["starts_at"],
                        duration_minutes=duration,
                        until=data["until"],
                    )
                else:
                    _series, created, skipped = booking_series_create(
                        space=data["space"],
                        residency=residency,
                        title=data["title"],
                        first_starts_at=data["starts_at"],
                        duration_minutes=duration,
                        until=data["until"],
                        expected_people=data["expected_people"],
                        by=request.user,
                    )
                    text = f"{len(created)} réservation{'s' if len(created) > 1 else ''} enregistrée{'s' if len(created) > 1 else ''}"
                    if skipped:
                        text += f", {len(skipped)} créneau{'x' if len(skipped) > 1 else ''} en conflit non réservé{'s' if len(skipped) > 1 else ''}"
                    messages.success(request, text + ".")
                    return redirect(residency.get_absolute_url())
            else:
                booking = booking_create(
                    space=data["space"],
                    residency=residency,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    title=data["title"],
                    expected_people=data["expected_people"],
                    by=request.user,
                )
                messages.success(
                    request,
                    "Réservation en attente de validation par l'équipe."
                    if booking.status == BookingStatus.PENDING
                    else "Réservation confirmée.",
                )
                return redirect(booking.get_absolute_url())
        except RefusedError as error:
            form.add_error(None, error.messages[0])
    return render(
        request,
        "atelier/booking_form.html",
        {
            "residency": residency,
            "organisation": residency.organisation,
            "form": form,
            "preview": preview,
            "bookable": sum(1 for *_x, reason in preview if reason is None) if preview else 0,
        },
    )


@require_safe
def booking_detail(request, pk):
    booking = booking_for(request, pk)
    now = timezone.now()
    return render(
        request,
        "atelier/booking_detail.html",
        {
            "booking": booking,
            "can_cancel": booking.is_live and booking.starts_at > now,
            "can_check_in": booking.can_check_in(now),
            "can_publish": booking.status == BookingStatus.CONFIRMED
            and not booking.event_id
            and booking.starts_at > now,
        },
    )


@require_POST
def booking_cancel_view(request, pk):
    booking = booking_for(request, pk)
    try:
        booking_cancel(booking=booking, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Réservation annulée : le créneau est libéré.")
    return redirect(booking.get_absolute_url())


@require_POST
def booking_check_in_view(request, pk):
    booking = booking_for(request, pk)
    try:
        booking_check_in(booking=booking, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Arrivée signalée. Bonne séance !")
    return redirect(booking.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
def booking_publish(request, pk):
    """Second click of "publish in the agenda": the form comes filled in from the booking."""
    booking = booking_for(request, pk)
    initial = {
        "title": booking.title,
        "capacity": min(booking.space.capacity, max(booking.expected_people, 1)),
        "registration_required": True,
    }
    form = PublishEventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = booking_publish_event(
                booking=booking,
                title=data["title"],
                summary=data["summary"],
                description=data["description"],
                capacity=data["capacity"],
                registration_required=data["registration_required"],
                themes=data["themes"],
                by=request.user,
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Événement publié dans l'agenda du PACTE.")
            return redirect(event.get_absolute_url())
    return render(
        request,
        "atelier/publish_event.html",
        {"booking": booking, "form": form},
    )


@login_not_required
@require_safe
def organisation_ical(request, slug, token):
    organisation_pk = organisation_pk_from_token(token)
    organisation = get_object_or_404(Organisation, slug=slug, pk=organisation_pk or 0)
    since = timezone.now() - timedelta(days=30)
    bookings = (
        Booking.objects.live()
        .filter(organisation=organisation, ends_at__gte=since)
        .select_related("space__venue", "organisation", "event")
        .order_by("starts_at")[:1000]
    )
    body = bookings_calendar(
        bookings, name=f"Atelier des Transitions — {organisation.name}", show_titles=True
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="atelier-{organisation.slug}.ics"'
    return response
