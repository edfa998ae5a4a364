"""Pages of the relais network space: its home (topics, meetings, latest showcase actions for the
network; a public presentation for everyone else), the network's topics (kernel exchanges, network
"relais"), and the showcase of actions (public once staff published them).

Every access decision asks `access.py`; every object comes through a user-scoped queryset, so
another association's post is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache, public_context
from pacte.enums import Action
from pacte.htmx import wants_fragment
from pacte.models import Event, ExchangeNetwork, Organisation, Reply, Topic
from pacte.views.helpers import (
    action_service,
    filtered_list,
    form_service,
    paginate,
    refusal_status,
)

from .access import (
    in_network,
    in_network_request,
    is_member_of,
    is_referent_of,
    network_roles,
    referent_organisations,
)
from .forms import ReplyForm, ReportForm, ShowcaseFilter, ShowcaseForm, TopicForm
from .models import ShowcaseAction, ShowcaseStatus
from .services import (
    NOT_NETWORK,
    NOT_REFERENT,
    relais_reply_create,
    relais_topic_create,
    showcase_create,
    showcase_report,
    showcase_update,
    showcase_withdraw,
)

# The showcase is this app's content; meetings are the agenda's.
AREAS = ("agenda", "associations")
PUBLIC_CONTEXT_TIMEOUT = 60


def network_only(request, message: str = NOT_NETWORK):
    """The 403 page of what only the network's members (and staff) see, with the way to join."""
    return render(request, "associations/reseau/network_only.html", {"message": message}, status=403)


def _topics(user):
    return Topic.objects.in_scope(ExchangeNetwork.RELAIS).visible_to(user)


def _public_home() -> dict:
    """What the network's home shows everyone, rendered: the latest showcase actions and the next
    meetings (the members'), once per content version of its areas and read with the versions in
    one cache round trip (docs/conventions.md, Performance); only what depends on the person is
    queried per request."""
    showcase = list(ShowcaseAction.objects.published().for_listing()[:6])
    meetings = list(
        Event.objects.published()
        .upcoming()
        .filter(action=Action.RELAIS_NETWORK)
        .for_listing()
        .order_by("starts_at")[:4]
    )
    return {
        "showcase": render_to_string(
            "associations/reseau/includes/_home_showcase.html", {"showcase": showcase}
        ),
        "meetings": render_to_string(
            "associations/reseau/includes/_home_meetings.html", {"meetings": meetings}
        ),
    }


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def home(request):
    user = request.user
    public = public_context(
        "associations:reseau-home", _public_home, areas=AREAS, timeout=PUBLIC_CONTEXT_TIMEOUT
    )
    # The person's labelled associations and roles, in one query for the request (access.py).
    referent = bool(network_roles(request).referent_ids)
    member = in_network_request(request)
    context = {"is_member": member, "public": public}
    if member:
        context |= {
            "topics": list(_topics(user).for_listing()[:8]),
            "referent_of": referent,
            "own_posts": list(
                ShowcaseAction.objects.editable_by(user)
                .exclude(status__in=[ShowcaseStatus.PUBLISHED, ShowcaseStatus.WITHDRAWN])
                .select_related("organisation")
                .order_by("-created_at")[:10]
            )
            if referent
            else [],
        }
    return render(request, "associations/reseau/home.html", context)


# --- Topics --------------------------------------------------------------------------------------


@require_safe
def topic_list(request):
    if not in_network(request.user):
        return network_only(request)
    page, query = paginate(request, _topics(request.user).for_listing())
    return render(
        request,
        "associations/reseau/topic_list.html",
        {"page": page, "topics": page.object_list, "query": query},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def topic_create_view(request):
    if not in_network(request.user):
        return network_only(request)
    form = TopicForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done, topic = form_service(
            form, relais_topic_create, author=request.user, by=request.user, **form.cleaned_data
        )
        if done:
            messages.success(request, "Votre sujet est ouvert au réseau.")
            return redirect(topic)
    return render(request, "associations/reseau/topic_form.html", {"form": form})


def _topic_context(request, topic, form=None):
    return {
        "topic": topic,
        "replies": list(Reply.objects.for_topic_page(topic, request.user)),
        "form": form or (ReplyForm() if not topic.is_hidden else None),
        "reply_url": reverse("associations:reseau_topic_reply", args=[topic.pk]),
    }


def _topic_for(request, pk):
    return get_object_or_404(_topics(request.user).select_related("author"), pk=pk)


@require_safe
def topic_detail(request, pk):
    if not in_network(request.user):
        return network_only(request)
    topic = _topic_for(request, pk)
    return render(request, "associations/reseau/topic_detail.html", _topic_context(request, topic))


@require_POST
def topic_reply(request, pk):
    if not in_network(request.user):
        return network_only(request)
    topic = _topic_for(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        done, reply = form_service(
            form,
            relais_reply_create,
            topic=topic,
            body=form.cleaned_data["body"],
            author=request.user,
            by=request.user,
        )
        if done:
            messages.success(request, "Votre réponse est publiée.")
            return redirect(f"{topic.get_absolute_url()}#reponse-{reply.pk}")
    return render(
        request,
        "associations/reseau/topic_detail.html",
        _topic_context(request, topic, form),
        status=refusal_status(form),
    )


# --- The showcase --------------------------------------------------------------------------------


@login_not_required
@require_safe
@anonymous_page_cache(60, filterset=ShowcaseFilter, areas=AREAS)
def showcase_list(request):
    # The same for everyone (staff too: the showcase lists published actions only): one public
    # fragment per filters and page, built only on a miss (docs/conventions.md, Performance).
    context = filtered_list(
        request,
        ShowcaseFilter,
        lambda: ShowcaseAction.objects.published().for_listing(),
        "actions",
        areas=AREAS,
    )
    template = (
        "associations/reseau/includes/_showcase_results.html"
        if wants_fragment(request)
        else "associations/reseau/showcase_list.html"
    )
    return render(request, template, context)


def _shown(action) -> dict:
    """What an action's page shows of it besides the person's buttons: its title, and its
    article rendered (the photos and themes only change through the services, which renew the
    content version)."""
    context = {"action": action, "photos": list(action.photos.all()), "themes": list(action.themes.all())}
    return {
        "pk": action.pk,
        "organisation_id": action.organisation_id,
        "title": action.title,
        "text": action.text,
        "status": action.status,
        "article": render_to_string("associations/reseau/includes/_showcase_article.html", context),
    }


def _published_shown(pk) -> dict:
    """A published action's page, the same for everyone (anything else is a 404 raised here,
    never cached)."""
    action = get_object_or_404(
        ShowcaseAction.objects.published().select_related("organisation", "commune", "event"), pk=pk
    )
    return _shown(action)


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def showcase_detail(request, pk):
    user = request.user
    try:
        # A published action: read with the versions in one cache round trip.
        shown = public_context(
            f"associations:showcase:{pk}",
            lambda: _published_shown(pk),
            areas=AREAS,
            timeout=PUBLIC_CONTEXT_TIMEOUT,
        )
    except Http404:
        # Pending, refused, withdrawn: its association's members and staff only, never shared.
        if not user.is_authenticated:
            raise
        shown = _shown(
            get_object_or_404(
                ShowcaseAction.objects.visible_to(user).select_related("organisation", "commune", "event"),
                pk=pk,
            )
        )
    # The person's memberships (one query per request, access.py): the association's référents
    # correct and withdraw its posts; its own people do not report them (the service refuses it too).
    can_edit = is_referent_of(request, shown["organisation_id"])
    own = is_member_of(request, shown["organisation_id"])
    return render(
        request,
        "associations/reseau/showcase_detail.html",
        {
            "shown": shown,
            "can_edit": can_edit and shown["status"] != ShowcaseStatus.WITHDRAWN,
            "can_report": user.is_authenticated and shown["status"] == ShowcaseStatus.PUBLISHED and not own,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def showcase_create_view(request):
    organisations = referent_organisations(request.user).order_by("name")
    if not organisations.exists():
        return network_only(request, NOT_REFERENT)
    form = ShowcaseForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done, action = form_service(
            form,
            showcase_create,
            organisation=data.pop("organisation"),
            author=request.user,
            photos=data.pop("photos"),
            by=request.user,
            **data,
        )
        if done:
            messages.success(
                request,
                "Merci ! Votre action est transmise à l'équipe du PACTE, qui la relit avant de la publier.",
            )
            return redirect(action)
    return render(request, "associations/reseau/showcase_form.html", {"form": form})


def _editable(request, pk):
    """A post of one of the person's associations; anyone else's is a 404."""
    return get_object_or_404(
        ShowcaseAction.objects.editable_by(request.user).select_related("organisation", "commune"), pk=pk
    )


@require_http_methods(["GET", "HEAD", "POST"])
def showcase_edit(request, pk):
    action = _editable(request, pk)
    if action.status == ShowcaseStatus.WITHDRAWN:
        messages.error(request, "Cette action est retirée de la vitrine : elle ne se modifie plus.")
        return redirect(action)
    initial = {
        "title": action.title,
        "text": action.text,
        "themes": list(action.themes.all()),
        "commune": action.commune,
        "public_category": action.public_category,
        "headcount": action.headcount,
        "event": action.event_id,
    }
    form = ShowcaseForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        # The post stays its association's: the form only offers that association's events.
        organisations=Organisation.objects.filter(pk=action.organisation_id),
        action=action,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done, action = form_service(
            form,
            showcase_update,
            action=action,
            photos=data.pop("photos"),
            remove_photos=data.pop("remove_photos"),
            by=request.user,
            **data,
        )
        if done:
            messages.success(
                request, "Votre correction est enregistrée ; l'équipe du PACTE la relit avant de la publier."
            )
            return redirect(action)
    return render(request, "associations/reseau/showcase_form.html", {"form": form, "action": action})


@require_http_methods(["GET", "HEAD", "POST"])
def showcase_withdraw_view(request, pk):
    action = _editable(request, pk)
    if request.method == "POST":
        done, _ = action_service(
            request,
            showcase_withdraw,
            success="L'action est retirée de la vitrine.",
            action=action,
            by=request.user,
        )
        return redirect(action)
    return render(request, "associations/reseau/showcase_withdraw.html", {"action": action})


@require_http_methods(["GET", "HEAD", "POST"])
def showcase_report_view(request, pk):
    action = get_object_or_404(ShowcaseAction.objects.published().select_related("organisation"), pk=pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done, _ = form_service(
            form,
            showcase_report,
            action=action,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        if done:
            messages.success(
                request,
                "Merci, votre signalement est transmis. L'équipe du PACTE relit les actions signalées ; "
                "au-delà de quelques signalements, elle n'est plus affichée en attendant sa décision.",
            )
            return redirect("associations:showcase_list")
    return render(request, "associations/reseau/showcase_report.html", {"action": action, "form": form})
