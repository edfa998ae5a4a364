"""Pages of the relais network space: its home (topics, meetings, latest showcase actions for the
network; a public presentation for everyone else), the network's topics (kernel exchanges, network
"relais"), and the showcase of actions (public once staff published them).

Every access decision asks `access.py`; every object comes through a user-scoped queryset, so
another association's post is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache, content_version
from pacte.enums import Action
from pacte.htmx import wants_fragment
from pacte.models import Event, ExchangeNetwork, Membership, Organisation, Reply, Topic
from pacte.views.helpers import action_service, form_service, paginate, refusal_status

from .access import in_network, referent_organisations
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


def tools_url() -> str:
    """The tool library (associations/reseau/tools/, its own sub-package)."""
    return reverse("associations:reseau_tools:list")


def network_only(request, message: str = NOT_NETWORK):
    """The 403 page of what only the network's members (and staff) see, with the way to join."""
    return render(request, "associations/reseau/network_only.html", {"message": message}, status=403)


def _topics(user):
    return Topic.objects.in_scope(ExchangeNetwork.RELAIS).visible_to(user)


def _public_home_context() -> dict:
    """What the network's home shows everyone (latest showcase actions, next meetings), cached
    under the content version of its areas: a write renews it with the anonymous page
    (docs/conventions.md, Performance); only what depends on the person is queried per request."""
    key = f"associations:reseau-home:{content_version(AREAS)}"
    found = cache.get(key)
    if found is None:
        found = {
            "showcase": list(ShowcaseAction.objects.published().for_listing()[:6]),
            "meetings": list(
                Event.objects.published()
                .upcoming()
                .filter(action=Action.RELAIS_NETWORK)
                .for_listing()
                .order_by("starts_at")[:4]
            ),
        }
        cache.set(key, found, PUBLIC_CONTEXT_TIMEOUT)
    return found


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def home(request):
    user = request.user
    public = _public_home_context()
    referent_of = list(referent_organisations(user)) if user.is_authenticated else []
    member = bool(referent_of) or in_network(user)
    context = {"is_member": member, "showcase": public["showcase"], "tools_url": tools_url()}
    if member:
        context |= {
            "topics": list(_topics(user).for_listing()[:8]),
            "meetings": public["meetings"],
            "referent_of": referent_of,
            "own_posts": list(
                ShowcaseAction.objects.editable_by(user)
                .exclude(status__in=[ShowcaseStatus.PUBLISHED, ShowcaseStatus.WITHDRAWN])
                .select_related("organisation")
                .order_by("-created_at")[:10]
            )
            if referent_of
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
    showcase_filter = ShowcaseFilter(
        request.GET or None, queryset=ShowcaseAction.objects.published().for_listing()
    )
    page, query = paginate(request, showcase_filter.qs)
    context = {"filter": showcase_filter, "page": page, "actions": page.object_list, "query": query}
    template = (
        "associations/reseau/includes/_showcase_results.html"
        if wants_fragment(request)
        else "associations/reseau/showcase_list.html"
    )
    return render(request, template, context)


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def showcase_detail(request, pk):
    user = request.user
    action = get_object_or_404(
        ShowcaseAction.objects.visible_to(user).select_related("organisation", "commune", "event", "author"),
        pk=pk,
    )
    can_edit = ShowcaseAction.objects.editable_by(user).filter(pk=action.pk).exists()
    # Photos and themes only change through the services, which renew the content version.
    key = f"associations:showcase:{action.pk}:{content_version(AREAS)}"
    shown = cache.get(key)
    if shown is None:
        shown = {"photos": list(action.photos.all()), "themes": list(action.themes.all())}
        cache.set(key, shown, PUBLIC_CONTEXT_TIMEOUT)
    # The association's own people do not report its posts (the service refuses it too).
    own = can_edit or (
        user.is_authenticated
        and Membership.objects.filter(organisation_id=action.organisation_id, user=user).exists()
    )
    return render(
        request,
        "associations/reseau/showcase_detail.html",
        {
            "action": action,
            "photos": shown["photos"],
            "themes": shown["themes"],
            "can_edit": can_edit and action.status != ShowcaseStatus.WITHDRAWN,
            "can_report": user.is_authenticated and action.is_public and not own,
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
