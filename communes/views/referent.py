"""What the communes' référents do: post and edit actions, say "nous aussi", update commitments.

Every object comes through a queryset scoped to the person: another commune's action or
commitment is a 404; a page reserved to référents is a 403 for anyone else.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.models import Commune
from pacte.services.errors import RefusedError
from pacte.views.helpers import form_service, refusal_status

from ..enums import ModerationStatus
from ..forms import ActionForm, CommitmentProgressForm, ReplicationForm
from ..models import Commitment, CommuneAction, Convention, Replication
from ..models.access import communes_of
from ..services import action_create, action_update, commitment_update, replication_create
from .common import referents_only

NOT_REFERENT = "Cette page est réservée aux référents des communes du PACTE."


@require_http_methods(["GET", "HEAD", "POST"])
def action_create_view(request):
    communes = list(communes_of(request.user).order_by("sort_name"))
    if not communes:
        return referents_only(request, NOT_REFERENT)
    commune = next((c for c in communes if c.slug == request.GET.get("commune")), communes[0])
    form = ActionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_create(
                commune=commune, author=request.user, by=request.user, **form.service_kwargs()
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request,
                "Merci ! Votre action est enregistrée : l'équipe du PACTE la relit avant de la publier.",
            )
            return redirect(action)
    return render(request, "communes/action_form.html", {"form": form, "commune": commune, "action": None})


@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request, pk):
    action = get_object_or_404(
        CommuneAction.objects.editable_by(request.user).select_related("commune"), pk=pk
    )
    form = ActionForm(request.POST or None, request.FILES or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            action_update(action=action, by=request.user, **form.service_kwargs())
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request, "Votre action est modifiée : l'équipe du PACTE la relit avant de la publier."
            )
            return redirect(action)
    return render(
        request, "communes/action_form.html", {"form": form, "commune": action.commune, "action": action}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def replicate(request, pk):
    source = get_object_or_404(CommuneAction.objects.published().select_related("commune", "theme"), pk=pk)
    already = set(Replication.objects.filter(source=source).values_list("commune_id", flat=True))
    candidates = [c for c in communes_of(request.user).order_by("sort_name") if c.pk != source.commune_id]
    if not candidates:
        return referents_only(request, "Seuls les référents d'une autre commune peuvent dire « nous aussi ».")
    commune = next((c for c in candidates if c.pk not in already), None)
    if commune is None:
        messages.info(request, "Votre commune a déjà dit « nous aussi » pour cette action.")
        return redirect(source)
    own_actions = CommuneAction.objects.filter(commune=commune).exclude(status=ModerationStatus.REFUSED)
    form = ReplicationForm(request.POST or None, own_actions=own_actions)
    if request.method == "POST" and form.is_valid():
        try:
            replication = replication_create(
                source=source,
                commune=commune,
                message=form.cleaned_data["message"],
                action=form.cleaned_data["action"],
                by=request.user,
            )
        except RefusedError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request,
                f"C'est noté : {commune.name} reprend cette action. La conversation avec "
                f"{source.commune.name} est ouverte.",
            )
            return redirect(replication.topic.get_absolute_url() if replication.topic_id else source)
    return render(request, "communes/replicate.html", {"form": form, "source": source, "commune": commune})


def _managed_commune(request, slug) -> Commune:
    return get_object_or_404(communes_of(request.user), slug=slug)


def _manage_page(request, commune, *, bound=None, status=200):
    """The commune's space; `bound` is a commitment's progress form posted and not saved, shown
    again as typed next to its reason (the other commitments show their saved progress)."""
    actions = list(
        CommuneAction.objects.filter(commune=commune)
        .select_related("theme")
        .with_replication_count()
        .order_by("-created_at", "-id")
    )
    convention = Convention.objects.filter(commune=commune).first()
    commitments = list(convention.commitments.select_related("theme")) if convention else []
    for commitment in commitments:
        if bound is not None and bound.prefix == _progress_prefix(commitment):
            commitment.form = bound
        else:
            commitment.form = CommitmentProgressForm(
                initial={"progress": commitment.progress, "progress_note": commitment.progress_note},
                prefix=_progress_prefix(commitment),
            )
    return render(
        request,
        "communes/manage.html",
        {
            "commune": commune,
            "actions": actions,
            "convention": convention,
            "commitments": commitments,
            "given": list(Replication.objects.filter(commune=commune).for_pages()),
            "received": list(Replication.objects.filter(source__commune=commune).for_pages()),
            # The page's title starts with "Erreur : " when a form came back (layout/base.html).
            "form": bound,
        },
        status=status,
    )


def _progress_prefix(commitment) -> str:
    return f"engagement-{commitment.pk}"


@require_safe
def manage(request, slug):
    """The commune's space for its référents: its actions in every state, commitments, replications."""
    return _manage_page(request, _managed_commune(request, slug))


@require_POST
def commitment_progress(request, slug, pk):
    commune = _managed_commune(request, slug)
    commitment = get_object_or_404(Commitment.objects.filter(convention__commune=commune), pk=pk)
    form = CommitmentProgressForm(request.POST, prefix=_progress_prefix(commitment))
    if form.is_valid():
        done, _ = form_service(
            form, commitment_update, commitment=commitment, by=request.user, **form.cleaned_data
        )
        if done:
            messages.success(request, f"L'avancement de « {commitment.title} » est mis à jour.")
            return redirect("communes:manage", slug=commune.slug)
    # Invalid or refused: the page again, this commitment's form as typed with the reason.
    return _manage_page(request, commune, bound=form, status=refusal_status(form))
