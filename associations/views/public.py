"""Public pages: the directory of Relais COP21 associations and their page, the charter, the
campaigns, the funded programmes and the grants as SCDL open data."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from pacte.cache import anonymous_page_cache, lazy_context, public_context
from pacte.enums import OrganisationKind
from pacte.htmx import wants_fragment
from pacte.maps import commune_map
from pacte.models import Event, Organisation, Theme
from pacte.models.organisations import referent_q
from pacte.views.helpers import filtered_list, known_query

from ..enums import GRANTED_STATUSES
from ..filters import AssociationFilter
from ..models import Campaign, RelaisLabel, SubsidyApplication
from ..reseau.access import is_referent_of
from ..services.applications import campaign_refusal
from ..services.label import labelled_organisations
from ..services.open_data import scdl_csv
from .common import AREAS, paginate


def _directory_queryset():
    today = timezone.localdate()
    return (
        labelled_organisations(today)
        .select_related("commune")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("position", "name")))
        .order_by("name")
    )


@login_not_required
@require_safe
@anonymous_page_cache(60, query_params=[*AssociationFilter.base_filters, "page"], areas=AREAS)
def directory(request):
    # The same for everyone: the content is one public fragment per filters and page, built only
    # on a miss (docs/conventions.md, Performance).
    fragment = not wants_fragment(request)  # the page cache's key decides the same way
    # The whole page also shows the map and the current campaign; the htmx partial only the list.
    extra = (
        {
            "association_map": _association_map,
            "campaign": lambda: Campaign.objects.published().order_by("-year").first(),
        }
        if fragment
        else None
    )
    context = filtered_list(
        request, AssociationFilter, _directory_queryset, "associations", areas=AREAS, extra=extra
    )
    if not fragment:
        return render(request, "associations/includes/_directory_results.html", context)
    return render(request, "associations/directory.html", context)


def _association_map():
    per_commune = dict(
        labelled_organisations()
        .exclude(commune=None)
        .order_by()
        .values_list("commune")
        .annotate(n=Count("id"))
    )
    return commune_map(
        per_commune,
        title="Carte des associations Relais COP21 par commune",
        description="Nombre d'associations labellisées Relais COP21 dans chacune des 71 communes "
        "de la Métropole Rouen Normandie.",
        unit=("association", "associations"),
        map_id="carte-associations",
    )


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def association_detail(request, slug):
    # The same for everyone but the référents' button (docs/conventions.md, Performance): what
    # the page shows around it is rendered once per content version and read with the versions in
    # one cache round trip, as HTML (a hit unpickles two strings, no instance).
    public = public_context(f"associations:detail:{slug}", lambda: _detail_public(slug), areas=AREAS)
    if public["redirect"]:
        # Only labelled associations are in the directory; the others have the kernel's page.
        return redirect("organisation_detail", slug=public["slug"])
    context = {"public": public, "is_referent": is_referent_of(request, public["pk"])}
    return render(request, "associations/association_detail.html", context)


def _detail_public(slug) -> dict:
    """An association's page as everyone sees it (an unknown slug is a 404 raised here, never
    cached): its title, and the HTML above and below the référents' button."""
    queryset = (
        Organisation.objects.active().filter(kind=OrganisationKind.ASSOCIATION).select_related("commune")
    )
    organisation = get_object_or_404(queryset, slug=slug)
    found = {"pk": organisation.pk, "slug": organisation.slug, "name": organisation.name}
    label = RelaisLabel.objects.current().filter(organisation=organisation).order_by("-valid_until").first()
    if label is None:
        return found | {"redirect": True}
    context = {
        "organisation": organisation,
        "label": label,
        "themes": list(organisation.themes.all()),
        "events": list(Event.objects.published().upcoming().filter(organiser=organisation).for_listing()[:6]),
        "programmes": list(
            SubsidyApplication.objects.filter(organisation=organisation, status__in=GRANTED_STATUSES)
            .select_related("campaign")
            .order_by("-campaign__year")
        ),
    }
    return found | {
        "redirect": False,
        "summary": organisation.summary,
        "head": render_to_string("associations/includes/_association_head.html", context),
        "sections": render_to_string("associations/includes/_association_sections.html", context),
    }


@login_not_required
@require_safe
@anonymous_page_cache(3600, areas=AREAS)
def charter(request):
    return render(request, "associations/charter.html")


@login_not_required
@require_safe
@anonymous_page_cache(60, query_params=["annee", "page"], areas=AREAS)
def funded_programmes(request):
    # The same for everyone: the page's content is one public fragment per year and page, built
    # only on a miss (docs/conventions.md, Performance).
    year = request.GET.get("annee", "")

    def build():
        granted = SubsidyApplication.objects.filter(status__in=GRANTED_STATUSES)
        years = list(granted.order_by("-campaign__year").values_list("campaign__year", flat=True).distinct())
        chosen = int(year) if year.isdigit() and int(year) in years else None
        if chosen is not None:
            granted = granted.filter(campaign__year=chosen)
        page, _ = paginate(
            request,
            granted.select_related("campaign", "organisation", "organisation__commune").order_by(
                "-campaign__year", "organisation__name"
            ),
        )
        return {
            "page": page,
            "programmes": page.object_list,
            "years": years,
            "year": str(chosen) if chosen is not None else None,
            "totals": granted.aggregate(total=Sum("granted_amount"), count=Count("id")),
        }

    return render(
        request,
        "associations/funded_programmes.html",
        {
            **lazy_context(build, ["page", "programmes", "years", "year", "totals"]),
            "query": known_query(request.GET, ["annee"]),
            # What the fragment varies on: the year and page asked (an unknown parameter makes no
            # fragment of its own).
            "year_asked": year,
            "page_number": request.GET.get("page", ""),
            "fragment_areas": ",".join(AREAS),
        },
    )


@login_not_required
@require_safe
@anonymous_page_cache(600, areas=AREAS)
def grants_csv(request):
    # The same file for everyone, renewed when a grant or a beneficiary changes (the areas): the
    # renders the page cache does not serve (signed in, unknown parameters) read it too.
    text = public_context("associations:scdl-csv", scdl_csv, areas=AREAS, timeout=600)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subventions-relais-cop21-scdl.csv"'
    return response


@login_not_required
@require_safe
def campaign_detail(request, year):
    """The campaign's rules; a signed-in référent sees, for each association, whether it may apply
    and why not (only labelled associations may, while the campaign is open)."""
    campaign = get_object_or_404(
        Campaign.objects.published().prefetch_related("required_documents", "questions"), year=year
    )
    mine = []
    if request.user.is_authenticated:
        organisations = (
            Organisation.objects.active()
            .filter(kind=OrganisationKind.ASSOCIATION)
            .filter(referent_q(request.user))
            .distinct()
            .order_by("name")
        )
        existing = dict(
            SubsidyApplication.objects.filter(campaign=campaign, organisation__in=organisations).values_list(
                "organisation_id", "pk"
            )
        )
        for organisation in organisations:
            mine.append(
                {
                    "organisation": organisation,
                    "application_id": existing.get(organisation.pk),
                    "refusal": campaign_refusal(campaign, organisation),
                }
            )
    refusal = None if mine else campaign_refusal(campaign, None)
    return render(
        request,
        "associations/campaign_detail.html",
        {"campaign": campaign, "mine": mine, "refusal": refusal, "is_open": campaign.is_open()},
    )
