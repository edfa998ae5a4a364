"""The network's open data: the published actions as CSV (Licence Ouverte 2.0, /donnees/)."""

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from pacte.cache import anonymous_page_cache

from ..models import CommuneAction
from .common import AREAS

COLUMNS = [
    "code_insee",
    "commune",
    "titre",
    "theme",
    "statut",
    "experimentation_pacte",
    "debut",
    "fin",
    "budget_euros",
    "partenaires",
    "public_touche",
    "resultats",
    "publiee_le",
    "reprises_nous_aussi",
    "url",
]


@login_not_required
@require_safe
@anonymous_page_cache(600, areas=AREAS)
def actions_csv(request):
    """Every published action, one query; nothing personal (no author)."""
    actions = (
        CommuneAction.objects.published()
        .select_related("commune", "theme")
        .with_replication_count()
        .order_by("commune__insee_code", "published_at", "pk")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="actions-des-communes-pacte.csv"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for action in actions:
        writer.writerow(
            [
                action.commune.insee_code,
                action.commune.name,
                action.title,
                action.theme.name,
                action.get_stage_display(),
                "oui" if action.is_experiment else "non",
                action.starts_on.isoformat() if action.starts_on else "",
                action.ends_on.isoformat() if action.ends_on else "",
                "" if action.budget is None else action.budget,
                action.partners,
                action.public_reached,
                action.results,
                action.published_at.date().isoformat() if action.published_at else "",
                action.replication_count,
                settings.SITE_URL + action.get_absolute_url(),
            ]
        )
    return response
