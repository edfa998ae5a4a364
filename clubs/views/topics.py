"""A club's discussions, built on the kernel exchanges (network clubs, scoped to the club's
organisation): anyone reads, members post, animators and staff moderate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache
from pacte.models import ExchangeNetwork, Reply, Topic
from pacte.services.errors import RefusedError
from pacte.services.exchanges import (
    exchange_opt_out_toggle,
    is_opted_out,
    reply_create,
    reply_hide,
    reply_restore,
    topic_create,
    topic_hide,
    topic_restore,
)

from ..forms import ReplyForm, TopicForm
from ..services import is_animator, is_member
from .common import AREAS, club_for, form_service, int_or_404, members_only, paginate, refusal_status


def _topics(club):
    return Topic.objects.in_scope(ExchangeNetwork.CLUBS, club.organisation)


def _topic_for(request, club, pk):
    """A topic of this club the visitor may see: another club's topic is a 404."""
    return get_object_or_404(
        _topics(club).visible_to(request.user).select_related("author", "organisation"), pk=pk
    )


@login_not_required
@require_safe
@anonymous_page_cache(60, query_params=["page"], areas=AREAS)
def topic_list(request, slug):
    club = club_for(request, slug)
    topics = _topics(club).visible_to(request.user).for_listing()
    page, query = paginate(request, topics)
    return render(
        request,
        "clubs/topic_list.html",
        {
            "club": club,
            "page": page,
            "topics": page.object_list,
            "query": query,
            "is_member": is_member(club=club, user=request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def topic_create_view(request, slug):
    club = club_for(request, slug)
    if not is_member(club=club, user=request.user):
        return members_only(request, club, "Rejoignez le club pour ouvrir une discussion.")
    form = TopicForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = topic_create(
                network=ExchangeNetwork.CLUBS,
                organisation=club.organisation,
                author=request.user,
                by=request.user,
                **form.cleaned_data,
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Votre sujet est ouvert.")
            return redirect(topic)
    return render(request, "clubs/topic_form.html", {"club": club, "form": form})


def _topic_context(request, club, topic, form=None):
    user = request.user
    member = is_member(club=club, user=user)
    return {
        "club": club,
        "topic": topic,
        "replies": list(Reply.objects.for_topic_page(topic, user)),
        "is_member": member,
        "can_moderate": is_animator(club=club, user=user),
        "form": form or (ReplyForm() if member and not topic.is_hidden else None),
        "reply_url": reverse("clubs:topic_reply", args=[club.slug, topic.pk]),
        "moderate_url": reverse("clubs:topic_reply_moderate", args=[club.slug, topic.pk]),
        "opt_out_url": reverse("clubs:topic_notifications", args=[club.slug, topic.pk]),
        "opted_out_all": is_opted_out(user=user),
        "opted_out_topic": is_opted_out(user=user, topic=topic),
    }


@login_not_required
@require_safe
@anonymous_page_cache(60, query_params=["page"], areas=AREAS)
def topic_detail(request, slug, pk):
    club = club_for(request, slug)
    topic = _topic_for(request, club, pk)
    return render(request, "clubs/topic_detail.html", _topic_context(request, club, topic))


@require_POST
def topic_reply(request, slug, pk):
    club = club_for(request, slug)
    topic = _topic_for(request, club, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        done, reply = form_service(
            form,
            reply_create,
            topic=topic,
            body=form.cleaned_data["body"],
            author=request.user,
            by=request.user,
        )
        if done:
            messages.success(request, "Votre réponse est publiée.")
            return redirect(f"{topic.get_absolute_url()}#reponse-{reply.pk}")
    # Invalid or refused (rate limit, topic closed meanwhile): the page again, the text as typed.
    return render(
        request,
        "clubs/topic_detail.html",
        _topic_context(request, club, topic, form=form),
        status=refusal_status(form),
    )


@require_POST
def topic_moderate(request, slug, pk):
    club = club_for(request, slug)
    topic = get_object_or_404(_topics(club).moderatable_by(request.user), pk=pk)
    hide = request.POST.get("action") == "hide"
    try:
        (topic_hide if hide else topic_restore)(
            topic=topic, by=request.user, reason=request.POST.get("reason", "")
        )
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Le sujet est masqué." if hide else "Le sujet est rétabli.")
    if request.POST.get("next") == "manage":
        return redirect("clubs:manage", slug=club.slug)
    return redirect(topic)


@require_POST
def topic_reply_moderate(request, slug, pk):
    club = club_for(request, slug)
    topic = get_object_or_404(_topics(club).moderatable_by(request.user), pk=pk)
    reply = get_object_or_404(Reply.objects.filter(topic=topic), pk=int_or_404(request.POST.get("reply")))
    hide = request.POST.get("action") == "hide"
    try:
        (reply_hide if hide else reply_restore)(reply=reply, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "La réponse est masquée." if hide else "La réponse est rétablie.")
    return redirect(topic)


@require_POST
def topic_notifications(request, slug, pk):
    club = club_for(request, slug)
    topic = _topic_for(request, club, pk)
    everything = request.POST.get("scope") == "all"
    opted_out = exchange_opt_out_toggle(
        user=request.user, topic=None if everything else topic, by=request.user
    )
    if everything:
        text = (
            "Vous ne recevrez plus aucune notification des discussions."
            if opted_out
            else "Vous recevrez de nouveau les notifications des discussions."
        )
    else:
        text = (
            "Vous ne recevrez plus d'e-mail pour ce sujet."
            if opted_out
            else "Vous recevrez de nouveau un e-mail pour les réponses à ce sujet."
        )
    messages.success(request, text)
    return redirect(topic)
