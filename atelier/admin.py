"""Admin of the Atelier (group "Gestion de l'Atelier"): venue and spaces, calls, reviews and ranking,
decisions, residencies, bookings and the occupancy report. Every state change goes through the
services (audited, e-mails after commit); applicants' answers are read-only here."""

import csv
from datetime import date
from io import BytesIO

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from pacte.admin_tools import (
    ChangedByActionsOnly,
    ServiceModelAdmin,
    mark_formset_saved,
    refusal_text,
    run_each,
)
from pacte.services.errors import RefusedError

from .enums import ApplicationStatus
from .forms import RefusalForm, review_form_class
from .models import (
    Application,
    ApplicationDocument,
    Booking,
    Call,
    Closure,
    Criterion,
    OpeningHours,
    RequiredDocument,
    Residency,
    Review,
    Score,
    Space,
    Venue,
)
from .occupancy import HEADERS, occupancy_report, report_table
from .services.bookings import booking_approve, booking_cancel, booking_refuse
from .services.calls import application_decide, call_delete, call_save, review_save, with_weighted_score
from .services.residencies import residency_create, residency_update
from .services.venue import (
    closure_conflicts,
    closure_create,
    closure_delete,
    closure_update,
    criterion_create,
    criterion_delete,
    criterion_update,
    opening_hours_create,
    opening_hours_delete,
    opening_hours_update,
    required_document_create,
    required_document_delete,
    required_document_update,
    space_create,
    space_delete,
    space_update,
    venue_create,
    venue_delete,
    venue_update,
)

# The services that save each inline's rows: (create, update, delete), each called with the row
# under the keyword below and `by`.
INLINE_SERVICES = {
    OpeningHours: ("opening_hours", opening_hours_create, opening_hours_update, opening_hours_delete),
    Closure: ("closure", closure_create, closure_update, closure_delete),
    Criterion: ("criterion", criterion_create, criterion_update, criterion_delete),
    RequiredDocument: (
        "required_document",
        required_document_create,
        required_document_update,
        required_document_delete,
    ),
}


def save_formset_through_services(modeladmin, request, formset) -> None:
    """Save an inline's rows through their services, deletions first. A refused row is reported
    (with its reason) and left as it was; the others are saved."""
    keyword, create, update, delete = INLINE_SERVICES[formset.model]
    formset.save(commit=False)  # builds the rows (parent set) without writing anything
    done = {"new": [], "changed": [], "deleted": []}
    steps = [
        ("deleted", delete, [(obj, None) for obj in formset.deleted_objects]),
        ("changed", update, formset.changed_objects),
        ("new", create, [(obj, None) for obj in formset.new_objects]),
    ]
    for kind, service, rows in steps:
        for obj, changed_fields in rows:
            label = str(obj)
            try:
                service(**{keyword: obj, "by": request.user})
            except RefusedError as error:
                modeladmin.message_user(request, f"{label} : {refusal_text(error)}", messages.ERROR)
                continue
            done[kind].append(obj if changed_fields is None else (obj, changed_fields))
    mark_formset_saved(formset, new=done["new"], changed=done["changed"], deleted=done["deleted"])


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["starts_on", "ends_on", "space", "reason"]

    def clean(self):
        # The bookings a closure would fall on, next to the row; the service checks again.
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        venue_id = self.instance.venue_id
        # Only a row the agent touched: an existing closure left as is is not checked again.
        if self.has_changed() and starts_on and ends_on and venue_id and ends_on >= starts_on:
            probe = Closure(venue_id=venue_id, space=data.get("space"), starts_on=starts_on, ends_on=ends_on)
            hit = list(closure_conflicts(probe)[:5])
            if hit:
                dates = ", ".join(
                    f"{b.space} le {timezone.localtime(b.starts_at):%d/%m/%Y à %H:%M}" for b in hit
                )
                raise forms.ValidationError(
                    f"Cette fermeture tombe sur des réservations ({dates}) : annulez-les d'abord "
                    "(les associations sont prévenues) ou changez les dates.",
                    code="closure_over_bookings",
                )
        return data


class ClosureInline(admin.TabularInline):
    model = Closure
    form = ClosureForm
    extra = 0
    fields = ["starts_on", "ends_on", "space", "reason"]


@admin.register(Venue)
class VenueAdmin(ServiceModelAdmin):
    list_display = ["name", "address", "commune"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, ClosureInline]

    def save_through_service(self, request, obj, form, change):
        if change:
            return venue_update(venue=obj, by=request.user)
        return venue_create(venue=obj, by=request.user)

    def delete_through_service(self, request, obj):
        venue_delete(venue=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        save_formset_through_services(self, request, formset)


@admin.register(Space)
class SpaceAdmin(ServiceModelAdmin):
    list_display = [
        "name",
        "kind",
        "capacity",
        "requires_approval",
        "min_duration_minutes",
        "max_duration_minutes",
        "is_active",
    ]
    list_filter = ["kind", "requires_approval", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    change_list_template = "admin/atelier/space/change_list.html"

    def save_through_service(self, request, obj, form, change):
        if change:
            return space_update(space=obj, by=request.user)
        return space_create(space=obj, by=request.user)

    def delete_through_service(self, request, obj):
        space_delete(space=obj, by=request.user)

    def get_urls(self):
        return [
            path("occupation/", self.admin_site.admin_view(self.occupancy_view), name="atelier_occupancy"),
            *super().get_urls(),
        ]

    def occupancy_view(self, request):
        """Occupancy per space for a month, on screen or as CSV / XLSX."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = _month(request.GET.get("mois"))
        export = request.GET.get("format")
        if export == "csv":
            return _csv(month)
        if export == "xlsx":
            return _xlsx(month)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Occupation des espaces — {_month_label(month)}",
            "rows": occupancy_report(month),
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/atelier/occupancy.html", context)


MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def _month(value) -> date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return timezone.localdate().replace(day=1)


def _month_label(month: date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def _csv(month):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="atelier-occupation-{month:%Y-%m}.csv"'
    response.write("\ufeff")  # so that spreadsheet software reads the accents right
    writer = csv.writer(response, delimiter=";")
    for row in report_table(month):
        writer.writerow(row)
    return response


def _xlsx(month):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{month:%Y-%m}"
    for row in report_table(month):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(
        min_row=2,
        min_col=HEADERS.index("Taux d'occupation") + 1,
        max_col=HEADERS.index("Taux d'occupation") + 1,
    ):
        for cell in row:
            cell.number_format = "0%"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="atelier-occupation-{month:%Y-%m}.xlsx"'
    return response


# --- Calls and applications -----------------------------------------------------------------


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["label", "weight", "description", "position"]


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ["label", "help_text", "position"]


@admin.register(Call)
class CallAdmin(ServiceModelAdmin):
    list_display = ["title", "opens_at", "closes_at", "is_published", "application_count", "ranking_link"]
    list_filter = ["is_published"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CriterionInline, RequiredDocumentInline]

    def save_through_service(self, request, obj, form, change):
        return call_save(call=obj, by=request.user)

    def delete_through_service(self, request, obj):
        call_delete(call=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        # Criteria and required documents, through their services (the call has no many-to-many).
        save_formset_through_services(self, request, formset)

    @admin.display(description="candidatures déposées")
    def application_count(self, obj):
        return obj.applications.submitted().count()

    @admin.display(description="classement")
    def ranking_link(self, obj):
        url = reverse("admin:atelier_application_changelist") + f"?call__id__exact={obj.pk}&o=-4"
        return format_html('<a href="{}">Classement</a>', url)


class ApplicationDocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    fields = ["required", "file_link", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="fichier")
    def file_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.document.title)


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    fields = ["reviewer", "scores_text", "private_note", "updated_at"]
    readonly_fields = fields
    verbose_name_plural = "évaluations (notes privées : l'association ne les lit jamais)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer").prefetch_related("scores__criterion")

    @admin.display(description="notes")
    def scores_text(self, obj):
        return " · ".join(f"{s.criterion.label} : {s.value}/5" for s in obj.scores.all())


class DecisionForm(forms.Form):
    message = forms.CharField(
        label="Message à l'association (facultatif)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


APPLICANT_FIELDS = [
    "call",
    "organisation",
    "status",
    "project_title",
    "project",
    "needed_spaces",
    "frequency",
    "hours_per_week",
    "partners",
    "themes",
    "expected_public",
    "expected_attendance",
    "submitted_at",
    "decided_at",
    "decision_message",
    "created_by",
]


@admin.register(Application)
class ApplicationAdmin(ChangedByActionsOnly, admin.ModelAdmin):
    list_display = ["organisation", "call", "status", "score", "review_count_display", "submitted_at"]
    list_filter = ["call", "status"]
    search_fields = ["organisation__name", "project_title"]
    list_select_related = ["organisation", "call"]
    readonly_fields = APPLICANT_FIELDS
    fields = APPLICANT_FIELDS
    inlines = [ApplicationDocumentInline, ReviewInline]
    actions = ["retain", "waitlist", "reject"]
    change_form_template = "admin/atelier/application/change_form.html"

    def get_queryset(self, request):
        return with_weighted_score(super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="note pondérée /20", ordering="weighted_score")
    def score(self, obj):
        return "—" if obj.weighted_score is None else f"{obj.weighted_score:.1f}"

    @admin.display(description="évaluations", ordering="review_count")
    def review_count_display(self, obj):
        return obj.review_count

    def get_urls(self):
        return [
            path(
                "<int:pk>/evaluer/",
                self.admin_site.admin_view(self.review_view),
                name="atelier_application_review",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        """The signed-in reviewer scores each criterion and keeps a private note."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        application = get_object_or_404(Application.objects.select_related("call", "organisation"), pk=pk)
        criteria = list(application.call.criteria.all())
        review = Review.objects.filter(application=application, reviewer=request.user).first()
        initial = {"note": review.private_note} if review else {}
        if review:
            initial.update(
                {f"criterion-{s.criterion_id}": s.value for s in Score.objects.filter(review=review)}
            )
        form = review_form_class(criteria)(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            scores = {c.pk: form.cleaned_data[f"criterion-{c.pk}"] for c in criteria}
            try:
                review_save(
                    application=application, scores=scores, note=form.cleaned_data["note"], by=request.user
                )
            except RefusedError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                self.message_user(request, "Évaluation enregistrée.", messages.SUCCESS)
                return redirect(reverse("admin:atelier_application_change", args=[application.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Évaluer la candidature de {application.organisation}",
            "application": application,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/atelier/application/review.html", context)

    def _decide(self, request, queryset, decision, label):
        if "apply" in request.POST:
            form = DecisionForm(request.POST)
            if form.is_valid():
                message = form.cleaned_data["message"]
                run_each(
                    self,
                    request,
                    queryset,
                    lambda a: application_decide(
                        application=a, decision=decision, message=message, by=request.user
                    ),
                    f"candidature(s) : {label}.",
                )
                return None
        else:
            form = DecisionForm()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Décision : {label}",
            "applications": queryset,
            "form": form,
            "action": request.POST.get("action"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/atelier/application/decision.html", context)

    @admin.action(description="Retenir (crée la résidence, e-mail)")
    def retain(self, request, queryset):
        return self._decide(request, queryset, ApplicationStatus.RETAINED, "retenue")

    @admin.action(description="Mettre sur liste d'attente (e-mail)")
    def waitlist(self, request, queryset):
        return self._decide(request, queryset, ApplicationStatus.WAITLISTED, "liste d'attente")

    @admin.action(description="Ne pas retenir (e-mail)")
    def reject(self, request, queryset):
        return self._decide(request, queryset, ApplicationStatus.REJECTED, "non retenue")


# --- Residencies and bookings ---------------------------------------------------------------


@admin.register(Residency)
class ResidencyAdmin(ServiceModelAdmin):
    list_display = [
        "organisation",
        "starts_on",
        "ends_on",
        "weekly_quota_hours",
        "rules_accepted_at",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["spaces"]
    fields = [
        "organisation",
        "application",
        "starts_on",
        "ends_on",
        "spaces",
        "weekly_quota_hours",
        "is_active",
        "rules_accepted_at",
        "rules_accepted_by",
    ]
    readonly_fields = ["application", "rules_accepted_at", "rules_accepted_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "organisation"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # end it (inactive) instead: its bookings and figures stay

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            return residency_update(
                residency=obj,
                spaces=list(data["spaces"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                weekly_quota_hours=data["weekly_quota_hours"],
                is_active=data["is_active"],
                by=request.user,
            )
        return residency_create(
            organisation=data["organisation"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            spaces=list(data["spaces"]),
            weekly_quota_hours=data["weekly_quota_hours"],
            by=request.user,
        )


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "space",
        "organisation",
        "starts_at",
        "ends_at",
        "status",
        "checked_in_at",
        "series",
    ]
    list_filter = ["status", "space"]
    date_hierarchy = "starts_at"
    search_fields = ["title", "organisation__name"]
    list_select_related = ["space", "organisation", "series"]
    readonly_fields = [f.name for f in Booking._meta.fields if f.name != "id"]
    actions = ["approve", "refuse", "cancel"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewable; every change is an action below (through the services).
        return super().has_change_permission(request, obj) and obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Valider les réservations en attente", permissions=["approve"])
    def approve(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda b: booking_approve(booking=b, by=request.user),
            "réservation(s) validée(s).",
        )

    @admin.action(description="Refuser les réservations en attente (avec un motif)", permissions=["approve"])
    def refuse(self, request, queryset):
        form = RefusalForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            run_each(
                self,
                request,
                queryset,
                lambda b: booking_refuse(booking=b, reason=reason, by=request.user),
                "réservation(s) refusée(s).",
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Refuser des réservations",
            "bookings": queryset,
            "form": form,
            "action": "refuse",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/atelier/booking/refuse.html", context)

    @admin.action(description="Annuler (libère le créneau)", permissions=["approve"])
    def cancel(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda b: booking_cancel(booking=b, by=request.user, reason="Annulée par l'équipe de l'Atelier."),
            "réservation(s) annulée(s).",
        )

    def has_approve_permission(self, request):
        return request.user.has_perm("atelier.change_booking")
