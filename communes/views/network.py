"""The network's exchanges (kernel topics, network "communes") and meetings (kernel agenda).

The meetings and the ranking are public; the exchanges are the network's own: the communes'
référents and staff read and write them, anyone else gets a 403 page (anonymous visitors the login).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache
from pacte.enums import Action
from pacte.models import Event, ExchangeNetwork, Reply, Topic
from pacte.services.errors import RefusedError

from ..forms import MeetingForm, ReplyForm, TopicForm
from ..models import Replication
from ..models.access import communes_of
from ..ranking import travelled
from ..services import may_join_exchanges, network_meeting_create, network_reply_create, network_topic_create
from .common import AREAS, paginate, referents_only

NETWORK_ONLY = "Les échanges du réseau sont réservés aux référents des communes et à l'équipe du PACTE."


def _topics(user):
    return Topic.objects.in_scope(ExchangeNetwork.COMMUNES).visible_to(user)


@login_not_required
@require_safe
@anonymous_page_cache(60, query_params=["page"], areas=AREAS)
def network(request):
    member = may_join_exchanges(request.user)
    topics, page, query = [], None, ""
    if member:
        page, query = paginate(request, _topics(request.user).for_listing())
        topics = page.object_list
    meetings = list(
        Event.objects.published()
        .upcoming()
        .filter(action=Action.COMMUNES)
        .for_listing()
        .order_by("starts_at")[:10]
    )
    return render(
        request,
        "communes/network.html",
        {
            "is_member": member,
            "topics": topics,
            "page": page,
            "query": query,
            "meetings": meetings,
            "travelled": travelled(limit=10),
            "acts_for": list(communes_of(request.user)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def topic_create_view(request):
    if not may_join_exchanges(request.user):
        return referents_only(request, NETWORK_ONLY)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = network_topic_create(author=request.user, by=request.user, **form.cleaned_data)
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Votre sujet est ouvert au réseau.")
            return redirect(topic)
    return render(request, "communes/topic_form.html", {"form": form})


def _topic_context(request, topic, form=None):
    return {
        "topic": topic,
        "replies": list(Reply.objects.for_topic_page(topic, request.user)),
        "replication": Replication.objects.filter(topic=topic).for_pages().first(),
        "form": form or ReplyForm(),
        "reply_url": reverse("communes:topic_reply", args=[topic.pk]),
    }


@require_safe
def topic_detail(request, pk):
    if not may_join_exchanges(request.user):
        return referents_only(request, NETWORK_ONLY)
    topic = get_object_or_404(_topics(request.user).select_related("author"), pk=pk)
    return render(request, "communes/topic_detail.html", _topic_context(request, topic))


@require_POST
def topic_reply(request, pk):
    if not may_join_exchanges(request.user):
        return referents_only(request, NETWORK_ONLY)
    topic = get_object_or_404(_topics(request.user).select_related("author"), pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            network_reply_create(
                topic=topic, body=form.cleaned_data["body"], author=request.user, by=request.user
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Votre réponse est publiée.")
            return redirect(topic)
    return render(request, "communes/topic_detail.html", _topic_context(request, topic, form), status=200)


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request):
    communes = list(communes_of(request.user).order_by("sort_name"))
    if not communes:
        return referents_only(request, "Seuls les référents des communes invitent le réseau à une rencontre.")
    commune = next((c for c in communes if c.slug == request.GET.get("commune")), communes[0])
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = network_meeting_create(commune=commune, by=request.user, **form.cleaned_data)
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "La rencontre est publiée dans l'agenda du PACTE.")
            return redirect(event)
    return render(request, "communes/meeting_form.html", {"form": form, "commune": commune})
