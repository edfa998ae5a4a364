from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache
from pacte.htmx import wants_fragment
from pacte.services.errors import RefusedError
from pacte.views.helpers import action_service, form_service

from ..filters import PracticeFilter
from ..forms import ModerationForm, PracticeEditForm, PracticeForm, PracticeReplyForm, PracticeReportForm
from ..models import Practice, PracticeAdoption, PracticeReply
from ..services import (
    is_animator,
    is_member,
    practice_adoption_toggle,
    practice_create,
    practice_delete,
    practice_hide,
    practice_reply_create,
    practice_reply_delete,
    practice_reply_set_hidden,
    practice_reply_update,
    practice_report,
    practice_restore,
    practice_update,
)
from .common import AREAS, club_for, int_or_404, members_only, paginate, refusal_status


@login_not_required
@require_safe
@anonymous_page_cache(60, filterset=PracticeFilter, areas=AREAS)
def practice_list(request):
    practice_filter = PracticeFilter(request.GET or None, queryset=Practice.objects.visible().for_listing())
    page, query = paginate(request, practice_filter.qs)
    context = {"filter": practice_filter, "page": page, "practices": page.object_list, "query": query}
    template = (
        "clubs/includes/_practice_results.html" if wants_fragment(request) else "clubs/practice_list.html"
    )
    return render(request, template, context)


def _practice_for(request, club, pk):
    """A practice of this club the visitor may see: another club's practice is a 404."""
    practices = Practice.objects.visible_to(request.user).filter(club=club).for_listing()
    return get_object_or_404(practices, pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def practice_create_view(request, slug):
    club = club_for(request, slug)
    if not is_member(club=club, user=request.user):
        return members_only(request, club, "Rejoignez le club pour partager une pratique.")
    form = PracticeForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            practice = practice_create(
                club=club,
                author=request.user,
                title=data["title"],
                text=data["text"],
                themes=data["themes"],
                photos=data["photos"],
                by=request.user,
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Merci ! Votre pratique est publiée.")
            return redirect(practice)
    return render(request, "clubs/practice_form.html", {"club": club, "form": form})


def _detail_context(request, club, practice, reply_form=None):
    user = request.user
    can_moderate = is_animator(club=club, user=user)
    member = is_member(club=club, user=user)
    replies = PracticeReply.objects.filter(practice=practice).select_related("author")
    if not can_moderate:
        replies = replies.filter(is_hidden=False)
    return {
        "club": club,
        "practice": practice,
        "photos": list(practice.photos.all()),
        "themes": list(practice.themes.all()),
        "replies": list(replies),
        "is_member": member,
        "can_moderate": can_moderate,
        "is_author": user.is_authenticated and practice.author_id == user.pk,
        "can_edit": can_moderate or (user.is_authenticated and practice.author_id == user.pk),
        "adopted": user.is_authenticated
        and PracticeAdoption.objects.filter(practice=practice, user=user).exists(),
        "reply_form": reply_form or (PracticeReplyForm() if member else None),
    }


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def practice_detail(request, slug, pk):
    club = club_for(request, slug)
    practice = _practice_for(request, club, pk)
    return render(request, "clubs/practice_detail.html", _detail_context(request, club, practice))


@require_POST
def practice_adopt(request, slug, pk):
    club = club_for(request, slug)
    practice = _practice_for(request, club, pk)
    try:
        adopted = practice_adoption_toggle(practice=practice, user=request.user, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            "C'est noté : vous avez adopté cette pratique." if adopted else "Votre adoption est retirée.",
        )
    return redirect(practice)


@require_POST
def practice_reply(request, slug, pk):
    club = club_for(request, slug)
    practice = _practice_for(request, club, pk)
    form = PracticeReplyForm(request.POST)
    if form.is_valid():
        done, _ = form_service(
            form,
            practice_reply_create,
            practice=practice,
            author=request.user,
            text=form.cleaned_data["text"],
            by=request.user,
        )
        if done:
            messages.success(request, "Votre réponse est publiée.")
            return redirect(practice)
    # Invalid or refused (rate limit, practice withdrawn meanwhile): the page again, the text as typed.
    return render(
        request,
        "clubs/practice_detail.html",
        _detail_context(request, club, practice, reply_form=form),
        status=refusal_status(form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def practice_report_view(request, slug, pk):
    club = club_for(request, slug)
    practice = _practice_for(request, club, pk)
    form = PracticeReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            practice_report(
                practice=practice, reporter=request.user, reason=form.cleaned_data["reason"], by=request.user
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request,
                "Merci, votre signalement est transmis. Les animateurs du club relisent les pratiques "
                "signalées ; au-delà de quelques signalements, elle n'est plus affichée en attendant leur décision.",
            )
            return redirect(club)
    return render(request, "clubs/practice_report.html", {"club": club, "practice": practice, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def practice_moderate(request, slug, pk):
    """Hide or restore a practice: a confirmation page with the reason, then the service."""
    club = club_for(request, slug)
    practices = (
        Practice.objects.moderatable_by(request.user).filter(club=club).select_related("club__organisation")
    )
    practice = get_object_or_404(practices, pk=pk)
    action = request.POST.get("action") or request.GET.get("action")
    service = {"hide": practice_hide, "restore": practice_restore}.get(action)
    if service is None:
        messages.error(request, "Action de modération inconnue.")
        return redirect(practice)
    form = ModerationForm(request.POST if request.method == "POST" and "reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        done, _ = form_service(
            form, service, practice=practice, by=request.user, reason=form.cleaned_data["reason"]
        )
        if done:
            messages.success(
                request,
                "La pratique est masquée ; son auteur en est informé."
                if action == "hide"
                else "La pratique est de nouveau publiée.",
            )
            if request.POST.get("next") == "manage":
                return redirect("clubs:manage", slug=club.slug)
            return redirect(practice)
    reports = list(practice.reports.open().select_related("reporter"))
    return render(
        request,
        "clubs/practice_moderate.html",
        {"club": club, "practice": practice, "form": form, "action": action, "reports": reports},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def practice_edit(request, slug, pk):
    """The author (or an animator) corrects the practice's wording and themes."""
    club = club_for(request, slug)
    practice = get_object_or_404(
        Practice.objects.editable_by(request.user).filter(club=club).select_related("club__organisation"),
        pk=pk,
    )
    initial = {"title": practice.title, "text": practice.text, "themes": list(practice.themes.all())}
    form = PracticeEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _ = form_service(form, practice_update, practice=practice, by=request.user, **form.cleaned_data)
        if done:
            messages.success(request, "Votre correction est enregistrée.")
            return redirect(practice)
    return render(request, "clubs/practice_edit.html", {"club": club, "practice": practice, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def practice_delete_view(request, slug, pk):
    club = club_for(request, slug)
    practice = get_object_or_404(
        Practice.objects.editable_by(request.user).filter(club=club).select_related("club__organisation"),
        pk=pk,
    )
    if request.method == "POST":
        done, _ = action_service(
            request, practice_delete, success="La pratique est supprimée.", practice=practice, by=request.user
        )
        if done:
            return redirect(club)
    return render(request, "clubs/practice_delete.html", {"club": club, "practice": practice})


@require_http_methods(["GET", "HEAD", "POST"])
def practice_reply_edit(request, slug, pk, reply):
    """The author of a reply corrects or deletes it (an animator may too)."""
    club = club_for(request, slug)
    practice = _practice_for(request, club, pk)
    reply = get_object_or_404(
        PracticeReply.objects.filter(practice=practice).select_related("author"), pk=reply
    )
    if reply.author_id != request.user.pk and not is_animator(club=club, user=request.user):
        raise Http404("Réponse introuvable.")
    if request.method == "POST" and request.POST.get("action") == "delete":
        done, _ = action_service(
            request,
            practice_reply_delete,
            success="Votre réponse est supprimée.",
            reply=reply,
            by=request.user,
        )
        return redirect(practice)
    form = PracticeReplyForm(request.POST if request.method == "POST" else None, initial={"text": reply.text})
    if request.method == "POST" and form.is_valid():
        done, _ = form_service(
            form, practice_reply_update, reply=reply, text=form.cleaned_data["text"], by=request.user
        )
        if done:
            messages.success(request, "Votre réponse est corrigée.")
            return redirect(practice)
    return render(
        request,
        "clubs/practice_reply_edit.html",
        {"club": club, "practice": practice, "reply": reply, "form": form},
    )


@require_POST
def practice_reply_moderate(request, slug, pk):
    club = club_for(request, slug)
    practices = (
        Practice.objects.moderatable_by(request.user).filter(club=club).select_related("club__organisation")
    )
    practice = get_object_or_404(practices, pk=pk)
    reply = get_object_or_404(
        PracticeReply.objects.filter(practice=practice), pk=int_or_404(request.POST.get("reply"))
    )
    hidden = request.POST.get("action") == "hide"
    try:
        practice_reply_set_hidden(reply=reply, hidden=hidden, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "La réponse est masquée." if hidden else "La réponse est rétablie.")
    return redirect(practice)
