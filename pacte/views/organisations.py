"""An organisation's public page (/structures/<slug>/) and its référents' space, "Ma structure"
(/mon-espace/structures/<slug>/): public page, members and référents, invitations, events with
their registrants, event proposals.

Every view of Ma structure fetches the organisation through `editable_by(user)`: a member, a
référent of another organisation or a visitor gets a 404, staff (past the second factor) get in.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from .. import portal
from ..cache import anonymous_page_cache, bare, public_context
from ..enums import MembershipRole, RegistrationStatus
from ..forms import EventProposalForm, InviteForm, OrganisationPageForm
from ..models import Event, Invitation, Membership, Organisation, Registration
from ..permissions import acts_as_staff
from ..prepared import PreparedQuery
from ..services.errors import RefusedError
from ..services.organisations import (
    invitation_accept,
    invitation_from_token,
    invitation_withdraw,
    organisation_event_propose,
    organisation_invite,
    organisation_member_remove,
    organisation_member_set_role,
    organisation_update_page,
)

PUBLIC_EVENTS = 10


def _organisation(slug) -> Organisation:
    return get_object_or_404(
        Organisation.objects.active().select_related("commune").prefetch_related("themes"), slug=slug
    )


def _organisation_public(request, slug) -> dict:
    """What an organisation's page shows everyone, the apps' blocks included (public hooks)."""
    organisation = _organisation(slug)
    return {
        "organisation": organisation,
        "events": list(
            Event.objects.published().upcoming().for_listing().filter(organiser=organisation)[:PUBLIC_EVENTS]
        ),
        "section_list": list(portal.organisation_sections(request, organisation)),
    }


def _organisation_page(request, slug) -> dict:
    """The organisation (title, buttons) and the HTML of what everyone sees of its page, the apps'
    blocks included (public hooks): one entry, so a signed-in render reads it in one round trip
    and unpickles one small instance and a string."""
    public = _organisation_public(request, slug)
    organisation = public["organisation"]
    sections = [
        {
            "title": section.title,
            "html": render_to_string(section.template, {"organisation": organisation, **section.context}),
        }
        for section in public["section_list"]
    ]
    html = render_to_string(
        "pacte/organisation/includes/_public.html",
        {"organisation": organisation, "events": public["events"], "sections": sections},
    )
    # The page's heading shows the commune's name; the rest is in the HTML.
    return {
        "organisation": bare(organisation, keep=("commune",)),
        "public_html": mark_safe(html.strip()),  # noqa: S308 — escaped by the template
    }


# Whether the person is a référent of the organisation, compiled once per process
# (pacte.prepared): the structure page's and the event page's only query besides the user.
_REFERENT = PreparedQuery(
    lambda organisation_id, user_id: Membership.objects.filter(
        organisation_id=organisation_id, user_id=user_id, role=MembershipRole.REFERENT
    ).order_by()[:1],
    organisation_id=int,
    user_id=int,
)


def is_referent(organisation_id: int, user_id: int) -> bool:
    return _REFERENT.first(organisation_id=organisation_id, user_id=user_id) is not None


@login_not_required
@require_safe
@anonymous_page_cache(60)
def organisation_detail(request, slug):
    # Every area, as the page cache: the apps' blocks are part of the page (docs/conventions.md).
    # An unknown slug is a 404 raised while building, never cached.
    page = public_context(f"organisation:{slug}:page", lambda: _organisation_page(request, slug))
    organisation = page["organisation"]
    # Organisation.objects.editable_by(user) for this one: staff, or one of its référents.
    can_manage = request.user.is_authenticated and (
        acts_as_staff(request.user) or is_referent(organisation.pk, request.user.pk)
    )
    return render(request, "pacte/organisation/detail.html", {**page, "can_manage": can_manage})


# --- Ma structure -----------------------------------------------------------------------------


def _managed(request, slug) -> Organisation:
    return get_object_or_404(Organisation.objects.editable_by(request.user), slug=slug)


def _render(request, template, organisation, current, **context):
    return render(
        request,
        f"pacte/organisation/{template}",
        {"organisation": organisation, "current": current, **context},
    )


def organisation_manage(request, slug):
    """The public page's content: text, logo, contact, themes, commune, website."""
    organisation = _managed(request, slug)
    form = OrganisationPageForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=organisation,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        logo = data.pop("logo", None)
        remove_logo = data.pop("remove_logo", False)
        themes = data.pop("themes")
        try:
            organisation_update_page(
                organisation=Organisation.objects.get(pk=organisation.pk),
                by=request.user,
                themes=themes,
                logo=logo,
                remove_logo=remove_logo,
                **data,
            )
        except RefusedError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "La page de la structure est enregistrée.")
            return redirect("organisation_manage", slug=organisation.slug)
    return _render(request, "manage.html", organisation, "page", form=form)


def organisation_members(request, slug):
    organisation = _managed(request, slug)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = organisation_invite(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except RefusedError as error:
            form.add_error("email", error)
        else:
            if isinstance(result, Membership):
                messages.success(
                    request, f"{result.user.display_name} fait maintenant partie de la structure."
                )
            else:
                messages.success(
                    request,
                    f"Aucun compte n'utilise {result.email} : une invitation lui a été envoyée par e-mail.",
                )
            return redirect("organisation_members", slug=organisation.slug)
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
    return _render(
        request,
        "members.html",
        organisation,
        "members",
        form=form,
        memberships=memberships,
        invitations=Invitation.objects.pending().filter(organisation=organisation),
        referent_count=sum(1 for m in memberships if m.role == MembershipRole.REFERENT),
    )


def organisation_member_remove_view(request, slug, pk):
    """GET: a confirmation page (works without JavaScript); POST: the removal."""
    organisation = _managed(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organisation=organisation, pk=pk
    )
    leaving = membership.user_id == request.user.pk
    if request.method == "POST":
        try:
            organisation_member_remove(membership=membership, by=request.user)
        except RefusedError as error:
            messages.error(request, error.messages[0])
            return redirect("organisation_members", slug=organisation.slug)
        if leaving:
            messages.success(request, f"Vous avez quitté « {organisation.name} ».")
            return redirect("my_space")
        messages.success(request, f"{membership.user.display_name} ne fait plus partie de la structure.")
        return redirect("organisation_members", slug=organisation.slug)
    return _render(
        request, "member_remove.html", organisation, "members", membership=membership, leaving=leaving
    )


@require_POST
def organisation_member_role(request, slug, pk):
    organisation = _managed(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organisation=organisation, pk=pk
    )
    role = request.POST.get("role")
    if role not in MembershipRole.values:
        messages.error(request, "Rôle inconnu.")
        return redirect("organisation_members", slug=organisation.slug)
    try:
        organisation_member_set_role(membership=membership, role=role, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        label = "référent" if role == MembershipRole.REFERENT else "membre"
        messages.success(request, f"{membership.user.display_name} est maintenant {label}.")
    # No longer a référent: Ma structure is closed to them now (unless staff).
    if not Organisation.objects.editable_by(request.user).filter(pk=organisation.pk).exists():
        return redirect("my_space")
    return redirect("organisation_members", slug=organisation.slug)


@require_POST
def organisation_invitation_withdraw(request, slug, pk):
    organisation = _managed(request, slug)
    invitation = get_object_or_404(Invitation.objects.pending(), organisation=organisation, pk=pk)
    invitation_withdraw(invitation=invitation, by=request.user)
    messages.success(request, f"L'invitation envoyée à {invitation.email} est retirée.")
    return redirect("organisation_members", slug=organisation.slug)


def _organisation_events(organisation):
    return (
        Event.objects.filter(organiser=organisation)
        .select_related("commune")
        .annotate(
            n_confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
            n_waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        )
        .order_by("-starts_at", "-id")
    )


@require_safe
def organisation_events(request, slug):
    organisation = _managed(request, slug)
    page = Paginator(_organisation_events(organisation), settings.PACTE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _render(
        request,
        "events.html",
        organisation,
        "events",
        page=page,
        events=page.object_list,
        now=timezone.now(),
        query="",
    )


def organisation_event_propose_view(request, slug):
    organisation = _managed(request, slug)
    form = EventProposalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        themes = data.pop("themes")
        try:
            event = organisation_event_propose(
                organisation=organisation, by=request.user, themes=themes, **data
            )
        except RefusedError as error:
            form.add_error(None, error)
        else:
            if event.is_published:
                messages.success(request, "L'événement est publié dans l'agenda.")
            else:
                messages.success(
                    request,
                    "L'événement est enregistré. La DACTE le relira avant de le publier dans l'agenda ; "
                    "en attendant, il n'est visible que des référents de la structure.",
                )
            return redirect("organisation_events", slug=organisation.slug)
    return _render(request, "event_form.html", organisation, "events", form=form)


def _event_of(organisation, event_slug) -> Event:
    return get_object_or_404(Event.objects.filter(organiser=organisation), slug=event_slug)


def _registrants(event):
    return (
        Registration.objects.active()
        .filter(event=event)
        .select_related("user")
        .order_by("status", "created_at", "id")
    )


@require_safe
def organisation_event_registrants(request, slug, event_slug):
    organisation = _managed(request, slug)
    event = _event_of(organisation, event_slug)
    return _render(
        request,
        "registrants.html",
        organisation,
        "events",
        event=event,
        registrations=_registrants(event),
        started=event.starts_at <= timezone.now(),
    )


def _cell(value) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: names typed by anyone are data.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_safe
def organisation_event_registrants_csv(request, slug, event_slug):
    organisation = _managed(request, slug)
    event = _event_of(organisation, event_slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inscrits-{event.slug}.csv"'
    # The BOM lets spreadsheet software read the accents; ";" is what French locales expect.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["Nom", "Prénom", "E-mail", "Statut", "Inscription le", "Présence"])
    attended = {True: "présent", False: "absent", None: ""}
    for registration in _registrants(event):
        user = registration.user
        writer.writerow(
            [
                _cell(user.last_name if user else "Compte supprimé"),
                _cell(user.first_name if user else ""),
                _cell(user.email if user else ""),
                registration.get_status_display(),
                timezone.localtime(registration.created_at).strftime("%d/%m/%Y %H:%M"),
                attended[registration.attended],
            ]
        )
    return response


# --- Invitations ------------------------------------------------------------------------------


@login_not_required
def invitation_accept_view(request, token):
    """The link of an invitation e-mail: sign up (or in) with the invited address, then join."""
    try:
        invitation = invitation_from_token(token)
    except RefusedError as error:
        return render(
            request, "pacte/organisation/invitation.html", {"refusal": error.messages[0]}, status=410
        )
    if request.method == "POST" and request.user.is_authenticated:
        try:
            invitation_accept(invitation=invitation, user=request.user)
        except RefusedError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, f"Bienvenue : vous faites maintenant partie de « {invitation.organisation.name} »."
            )
            return redirect("my_space")
    return render(
        request,
        "pacte/organisation/invitation.html",
        {
            "invitation": invitation,
            "other_address": request.user.is_authenticated
            and request.user.email.lower() != invitation.email.lower(),
        },
    )
