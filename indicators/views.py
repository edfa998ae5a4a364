from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from pacte.cache import anonymous_page_cache
from pacte.enums import Action, PublicCategory
from pacte.maps import commune_map, commune_table_rows

from . import dashboard as board
from .access import reads_indicators
from .charts import bar_chart, line_chart
from .exports import csv_response, xlsx_response
from .forms import DashboardFilters
from .public import open_data_metrics_csv, open_data_people_csv, public_figures
from .surveys.results import dashboard_summary

PEOPLE = ("personne", "personnes")
AREAS = ["indicators"]


@login_not_required
@require_safe
@anonymous_page_cache(600, areas=AREAS)
def public(request):
    """The public part: the year's people mobilised, by action and public, small numbers hidden.

    The figures are the same for everyone: a public fragment of the indicators' area (renewed
    when a snapshot is written), whose data is read only on a miss; the link to the dashboard,
    for the team, stays outside."""
    return render(
        request,
        "indicators/public.html",
        {"figures": SimpleLazyObject(public_figures), "reader": reads_indicators(request.user)},
    )


def _reader_or_404(request):
    # Like every staff page outside the admin: a visitor is sent to log in (the middleware), a
    # signed-in person who does not read the indicators does not learn that the page exists.
    if not reads_indicators(request.user):
        raise Http404


def _selection(request):
    months = board.available_months()
    form = DashboardFilters(request.GET or None, months=months)
    values = form.values() if request.GET else {}
    return form, board.select(values, months)


def _tables(selection) -> dict:
    data = board.build(selection)
    tables = data["tables"]
    rows = commune_table_rows(data["by_commune"], include_zero=False)
    tables["communes"].rows = [[row.name, row.value] for row in rows]
    tables["bilans"] = board.bilans(selection)
    return {**data, "tables": tables, "commune_rows": rows}


@require_safe
def dashboard(request):
    _reader_or_404(request)
    form, selection = _selection(request)
    data = _tables(selection)
    tables = data["tables"]
    query = request.GET.urlencode()
    exports = {
        slug: {
            fmt: reverse("indicators:export", args=[slug, fmt]) + (f"?{query}" if query else "")
            for fmt in ("csv", "xlsx")
        }
        for slug in tables
    }
    action_label = Action(selection.action).label if selection.action else "toutes les actions"
    charts = {
        "actions": bar_chart(
            [(row[0], row[1]) for row in tables["actions"].rows], title=tables["actions"].title, unit=PEOPLE
        ),
        "publics": bar_chart(
            [(row[0], row[1]) for row in tables["publics"].rows], title=tables["publics"].title, unit=PEOPLE
        ),
        "mois": line_chart(
            [(row[0], row[1] or 0) for row in tables["mois"].rows], title=tables["mois"].title, unit=PEOPLE
        ),
    }
    communes_map = commune_map(
        data["by_commune"],
        title=tables["communes"].title,
        description=f"Personnes mobilisées ({action_label}) dans chaque commune.",
        unit=PEOPLE,
        map_id="carte-personnes",
    )
    return render(
        request,
        "indicators/dashboard.html",
        {
            "form": form,
            "selection": selection,
            "action_label": action_label,
            "public_label": PublicCategory(selection.category).label if selection.category else "",
            "people": data["people"],
            "tables": tables,
            "charts": charts,
            "communes_map": communes_map,
            "exports": exports,
            "surveys": dashboard_summary(selection.action),
        },
    )


@require_safe
def export(request, table, fmt):
    _reader_or_404(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _, selection = _selection(request)
    tables = _tables(selection)["tables"]
    if table not in tables:
        raise Http404
    # ASCII file names ("annee-2026"): header values travel as Latin-1 and some browsers guess.
    filename = f"indicateurs-{table}-{slugify(selection.label)}"
    respond = csv_response if fmt == "csv" else xlsx_response
    return respond(tables[table], filename)


def _open_data(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_safe
@anonymous_page_cache(600, areas=AREAS)
def open_data_people(request):
    return _open_data(open_data_people_csv(), "pacte-personnes-mobilisees.csv")


@login_not_required
@require_safe
@anonymous_page_cache(600, areas=AREAS)
def open_data_metrics(request):
    return _open_data(open_data_metrics_csv(), "pacte-indicateurs-mensuels.csv")
