"""The network's "good practices that travelled": published actions by number of replications."""

from django.db.models import Count

from .models import CommuneAction


def travelled(limit: int = 10) -> list:
    """Published actions other communes replicated, most replicated first (one query)."""
    return list(
        CommuneAction.objects.published()
        .annotate(replication_count=Count("replications"))
        .filter(replication_count__gt=0)
        .select_related("commune", "theme")
        .order_by("-replication_count", "-published_at", "-id")[:limit]
    )
