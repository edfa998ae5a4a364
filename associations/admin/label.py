from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html

from pacte.admin_tools import ChangedByActionsOnly

from ..enums import LabelStatus
from ..models import RelaisLabel
from ..services.label import label_grant, label_refuse
from .common import decision_view
from .forms import LabelGrantForm, ReasonForm

MOVES = {
    "accorder": (
        "Accorder le label",
        LabelGrantForm,
        lambda label, data, by: label_grant(label=label, by=by, **data),
        "Label accordé ; l'association est prévenue par e-mail.",
    ),
    "refuser": (
        "Refuser le label",
        ReasonForm,
        lambda label, data, by: label_refuse(label=label, reason=data["reason"], by=by),
        "Demande refusée ; l'association reçoit le motif par e-mail.",
    ),
}


@admin.register(RelaisLabel)
class RelaisLabelAdmin(ChangedByActionsOnly, admin.ModelAdmin):
    list_display = ["organisation", "status", "valid_from", "valid_until", "charter_version", "created_at"]
    list_filter = ["status", "charter_version", ("organisation__commune", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["organisation__name", "organisation__rna", "organisation__siret"]
    list_select_related = ["organisation"]
    date_hierarchy = "created_at"
    fields = [
        "organisation",
        "identifiers",
        "statutes_link",
        "motivation",
        "charter_version",
        "charter_accepted_at",
        "requested_by",
        "renewal_of",
        "status",
        "valid_from",
        "valid_until",
        "refusal_reason",
        "decided_at",
        "decided_by",
        "reminded_60_at",
        "reminded_15_at",
    ]
    readonly_fields = fields
    change_form_template = "admin/associations/change_form_moves.html"

    def has_add_permission(self, request):
        # A label is requested by the association's référent, with its statutes and the charter.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="RNA / SIRET")
    def identifiers(self, obj):
        return " · ".join(value for value in (obj.organisation.rna, obj.organisation.siret) if value) or "—"

    @admin.display(description="statuts")
    def statutes_link(self, obj):
        if not obj.statutes_id:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.statutes.get_absolute_url(), obj.statutes.title)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decision/<slug:move>/",
                self.admin_site.admin_view(self.decision),
                name="associations_relaislabel_decision",
            ),
            *super().get_urls(),
        ]

    def decision(self, request, object_id, move):
        return decision_view(self, request, object_id, move, MOVES)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        moves = []
        if (
            obj is not None
            and obj.status == LabelStatus.REQUESTED
            and self.has_change_permission(request, obj)
        ):
            moves = [
                (reverse("admin:associations_relaislabel_decision", args=[obj.pk, name]), title)
                for name, (title, *_rest) in MOVES.items()
            ]
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "moves": moves})
