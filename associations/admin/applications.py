import csv
import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from pacte.admin_tools import ChangedByActionsOnly

from ..models import (
    ApplicationDocument,
    ApplicationMessage,
    BudgetLine,
    InstructorNote,
    Payment,
    PlannedAction,
    SubsidyApplication,
)
from ..services import bilans as bilan_services
from ..services import instruction as services
from .board import QUEUES, board_counts, with_paid_total
from .common import decision_view
from .forms import (
    AcceptForm,
    ConfirmForm,
    ConventionForm,
    InstructorMessageForm,
    MessageToAssociationForm,
    NoteForm,
    PaymentForm,
    ReasonForm,
)

# move slug -> (title, form, call, success message); the state rules live in the services.
MOVES = {
    "prendre-en-instruction": (
        "Prendre en instruction",
        ConfirmForm,
        lambda a, data, by: services.application_take_up(application=a, by=by),
        "Dossier pris en instruction ; l'association est prévenue.",
    ),
    "demander-correction": (
        "Demander une correction",
        MessageToAssociationForm,
        lambda a, data, by: services.application_request_correction(
            application=a, message=data["message"], by=by
        ),
        "Correction demandée ; l'association reçoit votre message.",
    ),
    "accepter": (
        "Accepter",
        AcceptForm,
        lambda a, data, by: services.application_accept(application=a, by=by, **data),
        "Subvention accordée ; l'association est prévenue.",
    ),
    "refuser": (
        "Refuser",
        ReasonForm,
        lambda a, data, by: services.application_refuse(application=a, reason=data["reason"], by=by),
        "Demande refusée ; l'association reçoit le motif.",
    ),
    "classer-sans-suite": (
        "Classer sans suite",
        ReasonForm,
        lambda a, data, by: services.application_dismiss(application=a, reason=data["reason"], by=by),
        "Dossier classé sans suite.",
    ),
    "convention-signee": (
        "Enregistrer la convention signée",
        ConventionForm,
        lambda a, data, by: services.application_sign_convention(
            application=a, signed_on=data["signed_on"], uploaded=data["convention"], by=by
        ),
        "Convention enregistrée.",
    ),
    "versement": (
        "Enregistrer un versement",
        PaymentForm,
        lambda a, data, by: services.payment_record(application=a, by=by, **data),
        "Versement enregistré ; l'association est prévenue.",
    ),
    "demander-bilan": (
        "Demander le bilan",
        ConfirmForm,
        lambda a, data, by: services.application_request_bilan(application=a, by=by),
        "Bilan demandé à l'association.",
    ),
    "valider-bilan": (
        "Valider le bilan et clôturer",
        ConfirmForm,
        lambda a, data, by: bilan_services.bilan_accept(application=a, by=by),
        "Bilan validé, dossier clôturé.",
    ),
    "corriger-bilan": (
        "Demander une correction du bilan",
        MessageToAssociationForm,
        lambda a, data, by: bilan_services.bilan_request_correction(
            application=a, message=data["message"], by=by
        ),
        "Correction du bilan demandée.",
    ),
    "message": (
        "Écrire à l'association",
        InstructorMessageForm,
        lambda a, data, by: services.message_post(
            application=a, body=data["body"], attachment=data["attachment"], by=by
        ),
        "Message envoyé à l'association.",
    ),
    "note": (
        "Ajouter une note privée",
        NoteForm,
        lambda a, data, by: services.note_add(application=a, body=data["body"], by=by),
        "Note ajoutée (visible de l'instruction seulement).",
    ),
}
# The service move each button stands for (None: always offered).
MOVE_SERVICE = {
    "prendre-en-instruction": "take_up",
    "demander-correction": "request_correction",
    "accepter": "accept",
    "refuser": "refuse",
    "classer-sans-suite": "dismiss",
    "convention-signee": "sign_convention",
    "versement": "record_payment",
    "demander-bilan": "request_bilan",
}


class QueueFilter(admin.SimpleListFilter):
    title = "file de l'instruction"
    parameter_name = "file"

    def lookups(self, request, model_admin):
        return [(key, title) for key, (title, _q) in QUEUES.items()]

    def queryset(self, request, queryset):
        if self.value() in QUEUES:
            return queryset.filter(QUEUES[self.value()][1])
        return queryset


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlannedActionInline(_ReadOnlyInline):
    model = PlannedAction
    fields = ["title", "public", "expected_participants", "commune_list", "starts_on", "ends_on"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("communes")

    @admin.display(description="communes")
    def commune_list(self, obj):
        return ", ".join(c.name for c in obj.communes.all())


class BudgetLineInline(_ReadOnlyInline):
    model = BudgetLine
    fields = ["category", "label", "amount", "actual_amount", "gap_explanation"]
    readonly_fields = fields


class DocumentInline(_ReadOnlyInline):
    model = ApplicationDocument
    fields = ["requirement", "link", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document", "requirement")

    @admin.display(description="document")
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.document.get_absolute_url(), obj.document.title)


class PaymentInline(_ReadOnlyInline):
    model = Payment
    fields = ["amount", "paid_on", "reference", "recorded_by"]
    readonly_fields = fields


class MessageInline(_ReadOnlyInline):
    model = ApplicationMessage
    fields = ["created_at", "from_instructor", "author", "body", "attachment_link"]
    readonly_fields = fields
    verbose_name_plural = "messagerie avec l'association"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "attachment")

    @admin.display(description="pièce jointe")
    def attachment_link(self, obj):
        if not obj.attachment_id:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.attachment.get_absolute_url(), obj.attachment.title)


class NoteInline(_ReadOnlyInline):
    model = InstructorNote
    fields = ["created_at", "author", "body"]
    readonly_fields = fields
    verbose_name_plural = "notes privées de l'instruction (jamais montrées à l'association)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


EXPORT_COLUMNS = [
    ("Référence", lambda a: a.reference),
    ("Campagne", lambda a: a.campaign.year),
    ("Association", lambda a: a.organisation.name),
    ("SIRET", lambda a: a.organisation.siret),
    ("RNA", lambda a: a.organisation.rna),
    ("Commune", lambda a: a.organisation.commune.name if a.organisation.commune_id else ""),
    ("Programme", lambda a: a.title),
    ("État", lambda a: a.get_status_display()),
    ("Déposée le", lambda a: timezone.localtime(a.submitted_at).date() if a.submitted_at else None),
    ("Montant demandé (€)", lambda a: a.requested_amount),
    ("Montant accordé (€)", lambda a: a.granted_amount),
    ("Montant versé (€)", lambda a: a.paid_total),
    ("Décision", lambda a: a.decision_reference),
    ("Date de décision", lambda a: a.decision_date),
    ("Bilan attendu le", lambda a: a.bilan_due_on),
]


@admin.register(SubsidyApplication)
class SubsidyApplicationAdmin(ChangedByActionsOnly, admin.ModelAdmin):
    list_display = [
        "reference_display",
        "organisation",
        "title",
        "status",
        "requested",
        "granted_amount",
        "paid",
        "submitted_at",
    ]
    list_filter = [
        QueueFilter,
        "status",
        "campaign",
        ("organisation__commune", admin.RelatedOnlyFieldListFilter),
        "themes",
    ]
    search_fields = ["title", "organisation__name", "organisation__siret", "decision_reference"]
    list_select_related = ["organisation", "campaign"]
    date_hierarchy = "submitted_at"
    change_list_template = "admin/associations/subsidyapplication/change_list.html"
    change_form_template = "admin/associations/change_form_moves.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "reference_display",
                    "organisation",
                    "campaign",
                    "status",
                    "instructor",
                    "submitted_at",
                ]
            },
        ),
        (
            "Le programme",
            {
                "fields": [
                    "title",
                    "summary",
                    "objectives",
                    "theme_list",
                    "public_list",
                    "programme_start",
                    "programme_end",
                    "answer_list",
                    "certifies_accuracy",
                    "certifies_obligations",
                ]
            },
        ),
        (
            "Décision",
            {
                "fields": [
                    "correction_request",
                    "granted_amount",
                    "decision_reference",
                    "decision_date",
                    "conditions",
                    "decision_reason",
                    "convention_link",
                    "convention_signed_on",
                    "bilan_due_on",
                    "closed_at",
                ]
            },
        ),
        ("Bilan", {"fields": ["bilan_summary"]}),
    ]
    inlines = [
        PlannedActionInline,
        BudgetLineInline,
        DocumentInline,
        PaymentInline,
        MessageInline,
        NoteInline,
    ]

    def get_readonly_fields(self, request, obj=None):
        # Nothing is edited in place: the association writes the file, decisions are moves.
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return with_paid_total(super().get_queryset(request)).prefetch_related("budget_lines")

    @admin.display(description="référence", ordering="pk")
    def reference_display(self, obj):
        return obj.reference

    @admin.display(description="demandé (€)")
    def requested(self, obj):
        return obj.requested_amount

    @admin.display(description="versé (€)", ordering="paid_total")
    def paid(self, obj):
        return obj.paid_total

    @admin.display(description="thèmes")
    def theme_list(self, obj):
        return ", ".join(t.name for t in obj.themes.all()) or "—"

    @admin.display(description="publics visés")
    def public_list(self, obj):
        return ", ".join(obj.public_labels()) or "—"

    @admin.display(description="questions de l'année")
    def answer_list(self, obj):
        rows = [(q.label, obj.answers.get(str(q.pk), "") or "—") for q in obj.campaign.questions.all()]
        return format_html_join("", "<p><strong>{}</strong><br>{}</p>", rows) or "—"

    @admin.display(description="convention signée")
    def convention_link(self, obj):
        if not obj.convention_id:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.convention.get_absolute_url(), obj.convention.title)

    @admin.display(description="bilan")
    def bilan_summary(self, obj):
        bilan = getattr(obj, "bilan", None)
        if bilan is None:
            return "—"
        figures = bilan.portal_figures or {}
        return format_html(
            "<p>Déposé le {} · {} action(s) réalisée(s) · {} personne(s) touchée(s)</p>"
            "<p>Chiffres du portail : {} événement(s), {} inscription(s), {} présence(s), {} sans inscription</p>"
            '<div>{}</div><p><a href="{}">Voir le bilan et ses photos</a></p>',
            bilan.submitted_at.strftime("%d/%m/%Y") if bilan.submitted_at else "—",
            bilan.actions_held if bilan.actions_held is not None else "—",
            bilan.people_reached,
            figures.get("events", "—"),
            figures.get("registrations", "—"),
            figures.get("attended", "—"),
            figures.get("walk_ins", "—"),
            bilan.account,
            reverse("associations:application_detail", args=[obj.pk]),
        )

    # --- Decisions, board, exports ------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("tableau/", view(self.board), name="associations_subsidyapplication_board"),
            path("export.csv", view(self.export_csv), name="associations_subsidyapplication_export_csv"),
            path("export.xlsx", view(self.export_xlsx), name="associations_subsidyapplication_export_xlsx"),
            path(
                "<path:object_id>/decision/<slug:move>/",
                view(self.decision),
                name="associations_subsidyapplication_decision",
            ),
            *super().get_urls(),
        ]

    def decision(self, request, object_id, move):
        return decision_view(self, request, object_id, move, MOVES)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        moves = []
        if obj is not None and self.has_change_permission(request, obj):
            allowed = set(services.allowed_moves(obj))
            for name, (title, *_rest) in MOVES.items():
                service_move = MOVE_SERVICE.get(name)
                if service_move and service_move not in allowed:
                    continue
                if name in ("valider-bilan", "corriger-bilan") and obj.status != "bilan_submitted":
                    continue
                if name == "message" and obj.status == "draft":
                    continue
                moves.append(
                    (reverse("admin:associations_subsidyapplication_decision", args=[obj.pk, name]), title)
                )
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "moves": moves})

    def board(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        counts = board_counts()
        queryset = with_paid_total(SubsidyApplication.objects.select_related("organisation", "campaign"))
        changelist = reverse("admin:associations_subsidyapplication_changelist")
        queues = [
            {
                "key": key,
                "title": title,
                "count": counts[key],
                "url": f"{changelist}?file={key}",
                "rows": list(queryset.filter(condition).order_by("submitted_at", "pk")[:10]),
            }
            for key, (title, condition) in QUEUES.items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Tableau de bord de l'instruction",
            "queues": queues,
        }
        return TemplateResponse(request, "admin/associations/board.html", context)

    def _filtered(self, request):
        """The change list's rows as filtered and searched on screen (same parameters)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return changelist.get_queryset(request).select_related("organisation__commune", "campaign")

    def _rows(self, request):
        for application in self._filtered(request):
            yield [getter(application) for _title, getter in EXPORT_COLUMNS]

    def export_csv(self, request):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow([title for title, _getter in EXPORT_COLUMNS])
        for row in self._rows(request):
            writer.writerow(["" if value is None else value for value in row])
        # A BOM so that spreadsheet software reads the accents right.
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="demandes-subvention.csv"'
        return response

    def export_xlsx(self, request):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Demandes"
        sheet.append([title for title, _getter in EXPORT_COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in self._rows(request):
            sheet.append(row)
        sheet.freeze_panes = "A2"
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="demandes-subvention.xlsx"'
        return response
