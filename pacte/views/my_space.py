import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from ..forms import AccountDeletionForm, ProfileForm
from ..models import Invitation, Membership, Registration, User
from ..portal import my_space_sections
from ..services.accounts import (
    read_email_change_cancel_token,
    user_delete_account,
    user_email_change_cancel,
    user_export_data,
    user_update_profile,
)
from ..services.organisations import invitation_token


@require_http_methods(["GET", "HEAD", "POST"])
def my_space(request):
    user = request.user
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=user, by=user, **form.cleaned_data)
        messages.success(request, "Votre profil est enregistré.")
        return redirect("my_space")
    now = timezone.now()
    registrations = (
        Registration.objects.active()
        .of_user(user)
        .select_related("event", "event__commune")
        .order_by("event__starts_at")
    )
    return render(
        request,
        "pacte/my_space.html",
        {
            "form": form,
            "now": now,
            "upcoming": [r for r in registrations if r.event.ends_at >= now],
            "past": [r for r in registrations if r.event.ends_at < now][-20:],
            "memberships": Membership.objects.filter(user=user).select_related("organisation"),
            # Invitations sent to this address before the account existed (or while signed out).
            "invitations": [
                (invitation, reverse("invitation_accept", args=[invitation_token(invitation)]))
                for invitation in Invitation.objects.pending()
                .filter(email__iexact=user.email)
                .select_related("organisation", "invited_by")
            ],
            "sections": _sections(request),
        },
    )


def _sections(request) -> list[dict]:
    """The blocks each app declares for Mon espace, rendered with their own template."""
    return [
        {
            "title": section.title,
            "todo": section.todo,
            "html": render_to_string(section.template, section.context, request=request),
        }
        for section in my_space_sections(request)
    ]


@require_safe
def my_data_export(request):
    data = user_export_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-pacte.json"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
# The page shows to anyone signed in; deleting needs the password or second factor again (allauth
# keeps the POST and replays it once the person has confirmed).
@reauthentication_required(app="allauth.account", enabled=lambda request: request.method == "POST")
def my_account_delete(request):
    form = AccountDeletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        user_delete_account(user=user, by=user)
        logout(request)
        messages.success(
            request,
            "Votre compte est supprimé. Vos participations restent comptées de façon anonyme.",
        )
        return redirect("home")
    return render(request, "pacte/my_account_delete.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_change_cancel(request, token):
    """The link sent to the former address when the account's address changes: one button puts
    it back (a GET changes nothing, so mail scanners cannot undo anything)."""
    data = read_email_change_cancel_token(token)
    user = User.objects.filter(pk=data[0], is_active=True).first() if data else None
    if user is None:
        return render(request, "pacte/email_change_cancel.html", {"invalid": True}, status=404)
    context = {"old_email": data[1], "new_email": data[2], "done": None}
    if request.method == "POST":
        context["done"] = user_email_change_cancel(user=user, old_email=data[1], new_email=data[2], by=None)
    return render(request, "pacte/email_change_cancel.html", context)
