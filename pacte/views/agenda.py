from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..cache import anonymous_page_cache, bare, lazy_context, public_context
from ..filters import EventFilter, commune_switch, with_home_commune
from ..forms import AttendanceForm
from ..htmx import wants_fragment
from ..ical import calendar
from ..models import Event, Registration
from ..permissions import acts_as_staff
from ..prepared import PreparedQuery
from ..services.errors import RefusedError
from ..services.registrations import event_record_attendance, registration_cancel, registration_create
from .organisations import is_referent

ICAL_MAX_EVENTS = 500


def _agenda_filter(data):
    queryset = Event.objects.published().upcoming().for_listing()
    return EventFilter(data or None, queryset=queryset)


def subscription_url(event_filter) -> str:
    """The selection's calendar as a stable webcal:// address: only the filters that are set, in
    a fixed order, so the same selection always gives the same address."""
    params = {}
    if event_filter.is_bound and event_filter.form.is_valid():
        for name in EventFilter.base_filters:
            raw = event_filter.form.data.get(name)
            if raw not in (None, "", "off", "false") and event_filter.form.cleaned_data.get(name) not in (
                None,
                "",
            ):
                params[name] = raw
    url = settings.SITE_URL.rstrip("/") + reverse("agenda:ical")
    if params:
        url += "?" + urlencode(params)
    return "webcal://" + url.split("://", 1)[1]


@login_not_required
@require_safe
@anonymous_page_cache(60, filterset=EventFilter, areas=["agenda"])
def event_list(request):
    # The list is one public fragment per filters and page (the same for everyone: published
    # events only), built only on a miss; its cards are cached one by one (`event_cards`), so
    # after a registration only that event's card is rendered again (docs/conventions.md).
    data, home_applied = with_home_commune(request)
    # Only the filters go on to the pagination links (and key the cached list): an unknown
    # parameter changes nothing on the page.
    query = data.copy()
    for name in list(query):
        if name not in EventFilter.base_filters:
            query.pop(name)

    def build():
        event_filter = _agenda_filter(data)
        page = Paginator(event_filter.qs, settings.PACTE_PAGE_SIZE).get_page(request.GET.get("page"))
        return {
            "filter": event_filter,
            "page": page,
            "events": page.object_list,
            "commune_switch": commune_switch(event_filter, query, home_applied),
            "subscription_url": subscription_url(event_filter),
        }

    context = {
        **lazy_context(build, ["filter", "page", "events", "commune_switch", "subscription_url"]),
        "query": query.urlencode(),
        "page_number": request.GET.get("page", ""),
        "home_applied": home_applied,
        # The filters' "clear" link depends on whether the person has a home commune.
        "has_home": bool(request.user.is_authenticated and request.user.home_commune_id),
    }
    template = "pacte/includes/_event_results.html" if wants_fragment(request) else "pacte/agenda_list.html"
    return render(request, template, context)


@login_not_required
@require_safe
def event_list_ical(request):
    events = _agenda_filter(request.GET).qs[:ICAL_MAX_EVENTS]
    response = HttpResponse(
        calendar(events, name="Agenda du PACTE"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="agenda-pacte.ics"'
    return response


def _event_for(request, slug):
    events = Event.objects.visible_to(request.user).select_related("commune", "organiser")
    return get_object_or_404(events, slug=slug)


def _public_event(slug) -> dict:
    """A published event and the HTML of what everyone sees of it (its facts, places left
    included, and its description), read with the agenda's version in one cache round trip: a
    registration bumps the version, so the next request shows the database's places left.
    Http404 when no published event has this slug (never cached)."""

    def build():
        events = Event.objects.published().select_related("commune", "organiser").prefetch_related("themes")
        event = get_object_or_404(events, slug=slug)
        # The organiser's name is the rest of the page's only related field (audience_label).
        public_html = _event_public_html(event)
        return {
            "event": bare(event, keep=("organiser",)),
            "public_html": public_html,
            "urls": _event_urls(event),
        }

    return public_context(f"agenda:event:{slug}", build, areas=["agenda"])


def _event_urls(event) -> dict:
    # Reversed with the data rather than by `{% url %}` on every render.
    return {
        name: reverse(f"agenda:{name}", args=[event.slug])
        for name in ("register", "cancel", "event_ical", "attendance")
    }


def _event_public_html(event) -> str:
    html = render_to_string(
        "pacte/includes/_event_public.html", {"event": event, "themes": list(event.themes.all())}
    )
    return mark_safe(html.strip())  # noqa: S308 — a template's output, escaped by it


# The person's own state on an event page, compiled once per process (pacte.prepared): with the
# public part read from the cache, compiling these two querysets was most of the page's CPU.
_ACTIVE_REGISTRATION = PreparedQuery(
    lambda event_id, user_id: (
        Registration.objects.active().filter(event_id=event_id, user_id=user_id).order_by()[:1]
    ),
    event_id=int,
    user_id=int,
)


def _manages(user, event) -> bool:
    """Event.objects.editable_by(user) for this event: staff, or a référent of its organiser."""
    if acts_as_staff(user):
        return True
    return bool(event.organiser_id) and is_referent(event.organiser_id, user.pk)


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=["agenda"])
def event_detail(request, slug):
    try:
        context = dict(_public_event(slug))
    except Http404:
        # A draft, shown to staff and the organiser's référents only (visible_to), never cached.
        event = _event_for(request, slug)
        context = {"event": event, "public_html": _event_public_html(event), "urls": _event_urls(event)}
    event = context["event"]
    # What belongs to the person: their registration, whether they may manage the event.
    registration = None
    can_manage = False
    if request.user.is_authenticated:
        # At most one active registration per person and event (registration_one_active_per_user).
        registration = _ACTIVE_REGISTRATION.first(event_id=event.pk, user_id=request.user.pk)
        can_manage = _manages(request.user, event)
    return render(
        request,
        "pacte/event_detail.html",
        {
            **context,
            "registration": registration,
            "waitlist_position": registration.waitlist_position() if registration else None,
            "refusal": event.registration_refusal(user=request.user),
            "started": event.starts_at <= timezone.now(),
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


@require_http_methods(["GET", "HEAD", "POST"])
def event_cancel(request, slug):
    """GET: asks for confirmation (a page, so it works without JavaScript); POST: cancels."""
    event = _event_for(request, slug)
    registration = get_object_or_404(Registration.objects.active().of_user(request.user), event=event)
    from_my_space = (request.POST.get("next") or request.GET.get("next")) == "mon-espace"
    back = redirect("my_space") if from_my_space else redirect(event)
    if request.method != "POST":
        if event.starts_at <= timezone.now():
            messages.error(request, "L'événement a commencé : l'inscription ne peut plus être annulée.")
            return back
        return render(
            request,
            "pacte/event_cancel.html",
            {"event": event, "registration": registration, "from_my_space": from_my_space},
        )
    try:
        registration_cancel(registration=registration, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Votre inscription est annulée. Un e-mail vous le confirme.")
    return back


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
