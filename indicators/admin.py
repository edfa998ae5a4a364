# The questionnaire builder lives with the surveys (indicators/surveys/admin.py).
from django.contrib import admin

from .models import MonthlySnapshot
from .registry import labels
from .surveys import admin as surveys_admin  # noqa: F401


@admin.register(MonthlySnapshot)
class MonthlySnapshotAdmin(admin.ModelAdmin):
    """The stored history, to read: snapshots are written only by the monthly task and
    `manage.py backfill_indicators` (a recomputation is journaled), never by hand."""

    list_display = ["month_label", "metric_label", "commune", "category", "value", "computed_at"]
    list_filter = ["month", "category", "metric"]
    search_fields = ["metric", "commune__name"]
    list_select_related = ["commune"]
    date_hierarchy = "month"
    list_per_page = 100

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="mois", ordering="month")
    def month_label(self, obj):
        return f"{obj.month:%m/%Y}"

    @admin.display(description="indicateur", ordering="metric")
    def metric_label(self, obj):
        return labels().get(obj.metric, obj.metric)
