"""The animators' pages: only référents of the club (and staff) reach them; others get a 404."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from pacte.enums import Action
from pacte.models import Event, ExchangeNetwork, Membership, Topic
from pacte.views.helpers import form_service

from ..enums import PracticeStatus
from ..forms import ClubPresentationForm, MailingForm, MeetingForm
from ..models import ClubMailing, Practice, PracticeReport
from ..services import (
    club_mailing_create,
    club_mailing_preview,
    club_mailing_test_send,
    club_meeting_create,
    club_update_presentation,
    mailing_audience,
)
from .common import managed_club_for, paginate


@require_safe
def club_manage(request, slug):
    club = managed_club_for(request, slug)
    organisation = club.organisation
    now = timezone.now()
    meetings = Event.objects.filter(action=Action.CLUBS, organiser=organisation).select_related("commune")
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "created_at")
    )
    page, query = paginate(request, members)
    context = {
        "club": club,
        "upcoming": list(meetings.filter(ends_at__gte=now).order_by("starts_at")[:10]),
        "past": list(meetings.filter(starts_at__lt=now).order_by("-starts_at")[:10]),
        "to_moderate": list(
            Practice.objects.filter(club=club)
            # Hidden or reported ones, and published ones with reports still below the threshold.
            .filter(
                ~Q(status=PracticeStatus.PUBLISHED)
                | Q(pk__in=PracticeReport.objects.open().values("practice_id"))
            )
            .select_related("author", "club__organisation")
            .prefetch_related("reports__reporter")
            .order_by("-status_changed_at", "-id")[:50]
        ),
        "hidden_topics": list(
            Topic.objects.in_scope(ExchangeNetwork.CLUBS, organisation)
            .filter(is_hidden=True)
            .for_listing()[:50]
        ),
        "mailings": list(ClubMailing.objects.filter(club=club).select_related("author")[:10]),
        "page": page,
        "members": page.object_list,
        "query": query,
    }
    return render(request, "clubs/manage.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def club_edit(request, slug):
    club = managed_club_for(request, slug)
    form = ClubPresentationForm(
        request.POST if request.method == "POST" else None, initial=ClubPresentationForm.initial_for(club)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        themes = data.pop("themes")
        done, _ = form_service(
            form, club_update_presentation, club=club, by=request.user, themes=themes, **data
        )
        if done:
            messages.success(request, "La présentation du club est enregistrée.")
            return redirect(club)
    return render(request, "clubs/club_edit.html", {"club": club, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request, slug):
    club = managed_club_for(request, slug)
    initial = {
        "commune": club.organisation.commune,
        "place": club.meeting_place,
        "registration_required": True,
        "themes": list(club.organisation.themes.all()),
    }
    form = MeetingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, event = form_service(form, club_meeting_create, club=club, by=request.user, **form.cleaned_data)
        if done:
            messages.success(request, "La rencontre est publiée dans l'agenda.")
            return redirect(event)
    return render(request, "clubs/meeting_form.html", {"club": club, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def mailing_create(request, slug):
    club = managed_club_for(request, slug)
    form = MailingForm(request.POST if request.method == "POST" else None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = {"club": club, "by": request.user, **form.cleaned_data}
        action = request.POST.get("action", "send")
        if action == "preview":
            # Nothing is sent: the page comes back with the form as typed and the e-mail below it.
            done, preview = form_service(form, club_mailing_preview, **data)
        elif action == "test":
            done, _ = form_service(form, club_mailing_test_send, **data)
            if done:
                messages.success(
                    request, f"Un essai est parti vers {request.user.email} ; relisez-le puis envoyez."
                )
        else:
            done, _ = form_service(form, club_mailing_create, **data)
            if done:
                messages.success(request, "Votre e-mail part vers les membres du club.")
                return redirect("clubs:manage", slug=club.slug)
    return render(
        request,
        "clubs/mailing_form.html",
        {"club": club, "form": form, "audience": mailing_audience(club).count(), "preview": preview},
    )
