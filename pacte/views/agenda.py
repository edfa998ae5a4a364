from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..cache import anonymous_page_cache
from ..filters import EventFilter
from ..forms import AttendanceForm
from ..ical import calendar
from ..models import Event, Registration
from ..services.errors import RefusedError
from ..services.registrations import event_record_attendance, registration_cancel, registration_create
from .helpers import paginate

ICAL_MAX_EVENTS = 500


def _agenda_filter(request):
    queryset = Event.objects.published().upcoming().for_listing()
    return EventFilter(request.GET or None, queryset=queryset)


@login_not_required
@require_safe
@anonymous_page_cache(60, query_params=[*EventFilter.base_filters, "page"], areas=["agenda"])
def event_list(request):
    event_filter = _agenda_filter(request)
    page, query = paginate(request, event_filter.qs)
    context = {"filter": event_filter, "page": page, "events": page.object_list, "query": query}
    template = "pacte/includes/_event_results.html" if request.htmx else "pacte/agenda_list.html"
    return render(request, template, context)


@login_not_required
@require_safe
def event_list_ical(request):
    events = _agenda_filter(request).qs[:ICAL_MAX_EVENTS]
    response = HttpResponse(
        calendar(events, name="Agenda du PACTE"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="agenda-pacte.ics"'
    return response


def _event_for(request, slug):
    events = Event.objects.visible_to(request.user).select_related("commune", "organiser")
    return get_object_or_404(events, slug=slug)


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=["agenda"])
def event_detail(request, slug):
    event = _event_for(request, slug)
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.active().filter(event=event, user=request.user).first()
    can_manage = (
        Event.objects.editable_by(request.user).filter(pk=event.pk).exists()
        if request.user.is_authenticated
        else False
    )
    return render(
        request,
        "pacte/event_detail.html",
        {
            "event": event,
            "themes": list(event.themes.all()),
            "registration": registration,
            "waitlist_position": registration.waitlist_position() if registration else None,
            "refusal": event.registration_refusal(),
            "can_manage": can_manage,
        },
    )


@login_not_required
@require_safe
def event_ical(request, slug):
    event = _event_for(request, slug)
    response = HttpResponse(calendar([event], name=event.title), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@require_POST
def event_register(request, slug):
    event = _event_for(request, slug)
    try:
        registration = registration_create(event=event, user=request.user, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        if registration.status == "confirmed":
            messages.success(
                request, "Votre inscription est confirmée. Un e-mail de confirmation vous a été envoyé."
            )
        else:
            messages.info(
                request,
                "L'événement est complet : vous êtes sur la liste d'attente. "
                "Nous vous écrirons si une place se libère.",
            )
    return redirect(event)


@require_POST
def event_cancel(request, slug):
    event = _event_for(request, slug)
    registration = get_object_or_404(Registration.objects.active().of_user(request.user), event=event)
    try:
        registration_cancel(registration=registration, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Votre inscription est annulée.")
    next_url = request.POST.get("next")
    if next_url == "mon-espace":
        return redirect("my_space")
    return redirect(event)


@require_http_methods(["GET", "HEAD", "POST"])
def event_attendance(request, slug):
    """Organiser's référents and staff record who came, and a headcount of walk-ins."""
    event = get_object_or_404(Event.objects.editable_by(request.user), slug=slug)
    registrations = list(
        Registration.objects.confirmed().filter(event=event).select_related("user").queue_order()
    )
    initial = {
        "walk_in_count": event.walk_in_count,
        "attended": [r.pk for r in registrations if r.attended],
    }
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, registrations=registrations, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_record_attendance(
                event=event,
                attended_ids=form.cleaned_data["attended"],
                walk_in_count=form.cleaned_data["walk_in_count"],
                by=request.user,
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Les présences sont enregistrées.")
            return redirect(event)
    return render(request, "pacte/event_attendance.html", {"event": event, "form": form})
