"""Public pages of the network of communes: the map, each commune's page, the actions."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import truncatewords
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from pacte import portal
from pacte.cache import anonymous_page_cache, lazy_context, public_context
from pacte.htmx import wants_fragment
from pacte.maps import commune_geometry, commune_map
from pacte.models import Commune, Event, Membership
from pacte.views.helpers import filtered_list, known_query

from ..comparison import compare
from ..filters import ActionFilter, MapFilter
from ..models import Commitment, CommuneAction, Convention, Replication
from ..models.access import commune_ids_of, commune_organisations
from ..ranking import travelled
from .common import AREAS


def commune_links() -> dict[int, str]:
    """{commune id: its page}, from the projected map (no query)."""
    return {
        shape.commune_id: reverse("communes:commune", args=[shape.slug])
        for shape in commune_geometry().shapes
    }


@login_not_required
@require_safe
@anonymous_page_cache(60, filterset=MapFilter, areas=AREAS)
def network_map(request):
    # What everyone sees is two public fragments per filters, built only on a miss; the button
    # for those who act for a commune is decided per request, outside them (docs/conventions.md).
    def build():
        map_filter = MapFilter(request.GET or None, queryset=CommuneAction.objects.published())
        per_commune = dict(map_filter.qs.order_by().values_list("commune").annotate(n=Count("id")))
        totals = CommuneAction.objects.published().aggregate(
            actions=Count("id"),
            communes=Count("commune", distinct=True),
            experiments=Count("id", filter=Q(is_experiment=True)),
        )
        filtered = bool(
            map_filter.form.is_bound
            and map_filter.form.is_valid()
            and any(map_filter.form.cleaned_data.values())
        )
        return {
            "filter": map_filter,
            "filtered": filtered,
            "totals": totals,
            "conventions": Convention.objects.values("commune").distinct().count(),
            "actions_map": commune_map(
                per_commune,
                title="Carte des actions publiées par commune",
                description="Nombre d'actions publiées par chacune des 71 communes de la Métropole Rouen "
                "Normandie dans le réseau des communes du PACTE"
                + (", selon les filtres choisis." if filtered else "."),
                unit=("action", "actions"),
                map_id="carte-actions",
                include_zero_rows=True,
                links=commune_links(),
            ),
            "travelled": travelled(limit=5),
        }

    return render(
        request,
        "communes/map.html",
        {
            **lazy_context(
                build, ["filter", "filtered", "totals", "conventions", "actions_map", "travelled"]
            ),
            "query": known_query(request.GET, MapFilter.base_filters),
            "fragment_areas": ",".join(AREAS),
            # One compiled statement, none for anonymous visitors.
            "acts_for": bool(commune_ids_of(request.user)),
        },
    )


@login_not_required
@require_safe
@anonymous_page_cache(60, filterset=ActionFilter, areas=AREAS)
def action_list(request):
    # The same for everyone: one public fragment per filters and page, built only on a miss.
    context = filtered_list(
        request, ActionFilter, lambda: CommuneAction.objects.published().for_listing(), "actions", areas=AREAS
    )
    template = (
        "communes/includes/_action_results.html" if wants_fragment(request) else "communes/action_list.html"
    )
    return render(request, template, context)


def _commune_public(request, slug) -> dict:
    """What a commune's page shows everyone, the other apps' blocks included (their hooks are
    public: pacte/portal.py)."""
    commune = get_object_or_404(Commune, slug=slug)
    convention = (
        Convention.objects.filter(commune=commune)
        .prefetch_related(
            Prefetch(
                "commitments", queryset=Commitment.objects.select_related("theme"), to_attr="commitment_list"
            )
        )
        .first()
    )
    return {
        "commune": commune,
        "convention": convention,
        "referents": list(
            Membership.objects.filter(organisation__in=commune_organisations(commune))
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__last_name", "user__first_name")
        ),
        "actions": list(CommuneAction.objects.published().filter(commune=commune).for_listing()),
        "events": list(
            Event.objects.published()
            .upcoming()
            .filter(commune=commune)
            .for_listing()
            .order_by("starts_at")[:5]
        ),
        "comparison": compare(commune),
        "section_list": list(portal.commune_sections(request, commune)),
    }


def _commune_page(request, slug) -> dict:
    """A commune's page below the layout: its name for the title and the buttons, and its public
    parts rendered. An unknown slug is a 404, raised here and so never cached."""
    data = _commune_public(request, slug)
    commune = data["commune"]
    sections = [
        (section.title, render_to_string(section.template, section.context))
        for section in data["section_list"]
    ]
    return {
        "pk": commune.pk,
        "name": commune.name,
        "slug": commune.slug,
        "head": render_to_string("communes/includes/_commune_head.html", data),
        "body": render_to_string("communes/includes/_commune_body.html", {**data, "sections": sections}),
    }


@login_not_required
@require_safe
@anonymous_page_cache(60)  # every area: the page shows blocks of other apps (clubs, associations…)
def commune_detail(request, slug):
    # Every area, as the page cache: the blocks of other apps are part of it (docs/conventions.md).
    # The public parts are read in one cache round trip (no query, no rendering); only the
    # buttons of those who act for the commune are decided per request.
    page = public_context(f"communes:commune-page:{slug}", lambda: _commune_page(request, slug))
    return render(
        request,
        "communes/commune_detail.html",
        {
            "page": page,
            # One compiled statement, none for anonymous visitors.
            "acts_for_commune": page["pk"] in commune_ids_of(request.user),
        },
    )


def _action_for(request, pk):
    """An action the visitor may see: another commune's draft is a 404."""
    actions = CommuneAction.objects.visible_to(request.user).select_related(
        "commune", "theme", "author", "organisation"
    )
    return get_object_or_404(actions, pk=pk)


def _action_content(action) -> dict:
    return {
        "action": action,
        "photos": list(action.photos.all()),
        "documents": list(action.documents.all()),
        "replications": list(Replication.objects.filter(source=action).for_pages().order_by("created_at")),
        "inspirations": list(Replication.objects.filter(action=action).for_pages()),
    }


def _action_page(action) -> dict:
    """An action's page below the layout: what its title and its per-person buttons need, and
    its public parts rendered."""
    content = _action_content(action)
    return {
        "pk": action.pk,
        "title": action.title,
        "commune_id": action.commune_id,
        "commune_name": action.commune.name,
        "description": truncatewords(action.description, 30),
        "status": action.status,
        "is_public": action.is_public,
        # (commune id, its exchange's link) of each replication: the "nous aussi" buttons.
        "replications": [
            (replication.commune_id, replication.topic.get_absolute_url() if replication.topic else None)
            for replication in content["replications"]
        ],
        "article": render_to_string("communes/includes/_action_article.html", content),
        "replications_html": render_to_string("communes/includes/_action_replications.html", content),
    }


def _published_action_page(pk) -> dict | None:
    """A published action's page, the same for everyone; None for a draft."""
    action = (
        CommuneAction.objects.published()
        .select_related("commune", "theme", "author", "organisation")
        .filter(pk=pk)
    ).first()
    return _action_page(action) if action is not None else None


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def action_detail(request, pk):
    # A published action's page is read from the public context (no query, no rendering); a
    # draft only by those who may see it, rendered for them.
    page = public_context(f"communes:action-page:{int(pk)}", lambda: _published_action_page(pk), areas=AREAS)
    if page is None:
        page = _action_page(_action_for(request, pk))
    # The person's communes: one compiled statement, none for anonymous visitors.
    mine = commune_ids_of(request.user)
    already = {commune_id for commune_id, _topic_url in page["replications"]}
    return render(
        request,
        "communes/action_detail.html",
        {
            "page": page,
            "is_own": page["commune_id"] in mine,
            "can_replicate": page["is_public"]
            and any(commune_id not in {page["commune_id"], *already} for commune_id in mine),
            "replicated_by_mine": [
                topic_url for commune_id, topic_url in page["replications"] if commune_id in mine
            ],
        },
    )


@login_not_required
@require_safe
def action_document(request, pk, document_pk):
    """A document of an action the visitor may see; drafts' documents stay private."""
    action = _action_for(request, pk)
    document = get_object_or_404(action.documents.all(), pk=document_pk)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type, as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
