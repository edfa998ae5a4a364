"""Admin of the tool library: tools (saved through the services), copies, and loans with their
decisions as actions and an overdue filter. Nothing is written here but through the services."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from pacte.admin_tools import ChangedByActionsOnly, ServiceModelAdmin, run_each

from ...admin.common import decision_view
from . import services
from .enums import LoanStatus
from .forms import RefuseForm
from .models import Loan, LoanHandoff, Tool, ToolCopy


def service_action(description: str, call, done_text: str):
    """An admin action that calls `call(obj, by)` (a service) for each chosen object, through
    `run_each`: a refusal is reported per object, then one summary "<n> <done_text>"."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        run_each(modeladmin, request, queryset, lambda obj: call(obj, request.user), done_text)

    return action


class ToolCopyInline(admin.TabularInline):
    model = ToolCopy
    fields = ["label", "holder", "condition", "location", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Tool)
class ToolAdmin(ServiceModelAdmin):
    list_display = ["title", "kind", "owner_display", "public", "is_withdrawn", "created_at"]
    list_filter = ["kind", "public", "is_withdrawn", ("owner", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "summary", "owner__name"]
    list_select_related = ["owner"]
    fields = [
        "owner",
        "title",
        "kind",
        "summary",
        "description",
        "themes",
        "public",
        "age_min",
        "age_max",
        "is_withdrawn",
    ]
    readonly_fields = ["is_withdrawn"]
    filter_horizontal = ["themes"]
    inlines = [ToolCopyInline]
    actions = ["withdraw", "restore"]

    def get_readonly_fields(self, request, obj=None):
        # The owner is chosen once, at creation.
        return [*self.readonly_fields, "owner"] if obj else self.readonly_fields

    @admin.display(description="propriétaire")
    def owner_display(self, obj):
        return obj.owner_name

    def save_through_service(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in services.TOOL_FIELDS}
        if change:
            return services.tool_update(tool=obj, themes=form.cleaned_data["themes"], by=request.user, **data)
        return services.tool_create(
            owner=form.cleaned_data.get("owner"), themes=form.cleaned_data["themes"], by=request.user, **data
        )

    def has_delete_permission(self, request, obj=None):
        # A tool leaves the catalogue by being withdrawn: its loans stay in the history.
        return False

    withdraw = service_action(
        "Retirer du catalogue",
        lambda tool, by: services.tool_withdraw(tool=tool, by=by),
        "outil(s) retiré(s).",
    )
    restore = service_action(
        "Remettre au catalogue",
        lambda tool, by: services.tool_restore(tool=tool, by=by),
        "outil(s) remis au catalogue.",
    )


@admin.register(ToolCopy)
class ToolCopyAdmin(ServiceModelAdmin):
    list_display = ["__str__", "holder", "condition", "location", "is_active"]
    list_filter = ["condition", "is_active"]
    search_fields = ["tool__title", "label", "location"]
    list_select_related = ["tool", "holder"]
    fields = ["tool", "label", "holder", "condition", "location", "is_active"]
    readonly_fields = ["holder"]
    autocomplete_fields = ["tool"]

    def get_readonly_fields(self, request, obj=None):
        return ["holder", "tool"] if obj else ["holder"]

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            return services.copy_update(
                copy=obj,
                by=request.user,
                **{name: data[name] for name in ("label", "location", "condition", "is_active")},
            )
        return services.copy_add(
            tool=data["tool"],
            label=data["label"],
            location=data["location"],
            condition=data["condition"],
            by=request.user,
        )

    def has_delete_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = "retard"
    parameter_name = "retard"

    def lookups(self, request, model_admin):
        return [("oui", "En retard (sorti après la date de fin)")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.overdue()
        return queryset


class OwnerFilter(admin.SimpleListFilter):
    title = "propriétaire de l'outil"
    parameter_name = "proprietaire"

    def lookups(self, request, model_admin):
        return [("metropole", "Métropole Rouen Normandie"), ("associations", "Associations")]

    def queryset(self, request, queryset):
        if self.value() == "metropole":
            return queryset.filter(copy__tool__owner__isnull=True)
        if self.value() == "associations":
            return queryset.filter(copy__tool__owner__isnull=False)
        return queryset


# The loan's decisions that need a form, on the admin's shared decision page (as the label's).
LOAN_MOVES = {
    "refuser": (
        "Refuser la demande de prêt",
        RefuseForm,  # the portal's form: same bounds, the reason goes to the association
        lambda loan, data, by: services.loan_refuse(loan=loan, reason=data["reason"], by=by),
        "La demande est refusée ; l'association reçoit le motif par e-mail.",
    ),
}


@admin.register(Loan)
class LoanAdmin(ChangedByActionsOnly, admin.ModelAdmin):
    list_display = ["copy", "borrower", "start_on", "end_on", "status", "overdue"]
    list_filter = ["status", OverdueFilter, OwnerFilter]
    search_fields = ["copy__tool__title", "borrower__name"]
    list_select_related = ["copy", "copy__tool", "borrower"]
    date_hierarchy = "start_on"
    fields = [
        "copy", "borrower", "requested_by", "event", "start_on", "end_on", "message", "status",
        "decided_by", "decided_at", "reason", "picked_up_at", "returned_at", "return_note",
        "start_reminder_sent_at", "end_reminder_sent_at",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["accept", "refuse", "pickup", "mark_returned"]
    change_form_template = "admin/associations/change_form_moves.html"

    def has_add_permission(self, request):
        # A loan is asked by an association's référent, for its own dates and event.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="en retard", boolean=True)
    def overdue(self, obj):
        return obj.status == LoanStatus.OUT and obj.end_on < timezone.localdate()

    accept = service_action(
        "Accepter les demandes choisies",
        lambda loan, by: services.loan_accept(loan=loan, by=by),
        "prêt(s) accepté(s).",
    )

    @admin.action(description="Refuser la demande choisie (avec un motif)…")
    def refuse(self, request, queryset):
        # The reason is written for one association: one loan at a time, on its decision page.
        loans = list(queryset[:2])
        if len(loans) != 1:
            self.message_user(
                request, "Choisissez une seule demande à refuser : le motif lui est propre.", messages.WARNING
            )
            return None
        return redirect("admin:associations_loan_decision", loans[0].pk, "refuser")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decision/<slug:move>/",
                self.admin_site.admin_view(self.decision),
                name="associations_loan_decision",
            ),
            *super().get_urls(),
        ]

    def decision(self, request, object_id, move):
        return decision_view(self, request, object_id, move, LOAN_MOVES)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        moves = []
        if (
            obj is not None
            and obj.status in (LoanStatus.REQUESTED, LoanStatus.ACCEPTED)
            and self.has_change_permission(request, obj)
        ):
            moves = [
                (reverse("admin:associations_loan_decision", args=[obj.pk, name]), title)
                for name, (title, *_rest) in LOAN_MOVES.items()
            ]
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "moves": moves})

    pickup = service_action(
        "Enregistrer la sortie des exemplaires",
        lambda loan, by: services.loan_pickup(loan=loan, by=by),
        "sortie(s) enregistrée(s).",
    )
    mark_returned = service_action(
        "Enregistrer le retour (bon état)",
        lambda loan, by: services.loan_return(
            loan=loan, condition="bon", note="Retour enregistré par l'équipe du PACTE.", by=by
        ),
        "retour(s) enregistré(s).",
    )


@admin.register(LoanHandoff)
class LoanHandoffAdmin(admin.ModelAdmin):
    list_display = ["__str__", "giver_at", "receiver_at"]
    fields = [
        "from_loan",
        "to_loan",
        "giver_by",
        "giver_at",
        "giver_note",
        "receiver_by",
        "receiver_at",
        "receiver_note",
        "photo",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
