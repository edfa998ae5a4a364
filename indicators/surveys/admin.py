"""The questionnaire builder: a questionnaire with its questions inline, opened, closed and
followed up through the services. Answers are read on /indicateurs/enquetes/, never here (the
threshold applies to everyone)."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from pacte.admin_tools import ServiceModelAdmin, mark_formset_saved, refusal_text, run_each
from pacte.services.errors import RefusedError

from .models import Question, Survey, SurveyOptOut, SurveyStatus
from .services import (
    question_create,
    question_delete,
    question_update,
    survey_close,
    survey_create_follow_up,
    survey_delete,
    survey_open,
    survey_save,
)

DEFAULT_FOLLOW_UP_MONTHS = 6


class QuestionInline(admin.StackedInline):
    model = Question
    # Room for a short questionnaire at once, without JavaScript; blank rows are ignored.
    extra = 3
    fields = ["position", "kind", "label", "help_text", "required", "choices"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "choices":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 4, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Survey)
class SurveyAdmin(ServiceModelAdmin):
    list_display = ["title", "action", "event", "status", "is_anonymous", "follow_up_of", "results_link"]
    list_filter = ["status", "action", "is_anonymous"]
    search_fields = ["title"]
    autocomplete_fields = ["event"]
    readonly_fields = ["status", "opened_at", "closed_at", "open_link"]
    fieldsets = [
        (None, {"fields": ["title", "intro", "action", "event", "delay_days"]}),
        ("Confidentialité", {"fields": ["is_anonymous", "min_answers"]}),
        ("Suivi", {"fields": ["follow_up_of", "follow_up_months"]}),
        ("État", {"fields": ["status", "opened_at", "closed_at", "open_link"]}),
    ]
    inlines = [QuestionInline]
    actions = ["open_surveys", "close_surveys", "create_follow_ups"]

    def save_through_service(self, request, obj, form, change):
        return survey_save(survey=obj, by=request.user)

    def delete_through_service(self, request, obj):
        survey_delete(survey=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        done = {"new": [], "changed": [], "deleted": []}
        steps = [
            ("deleted", question_delete, [(obj, None) for obj in formset.deleted_objects]),
            ("changed", question_update, formset.changed_objects),
            ("new", question_create, [(obj, None) for obj in formset.new_objects]),
        ]
        for kind, service, rows in steps:
            for obj, changed_fields in rows:
                label = str(obj)
                try:
                    service(question=obj, by=request.user)
                except RefusedError as error:
                    self.message_user(request, f"{label} : {refusal_text(error)}", messages.ERROR)
                    continue
                done[kind].append(obj if changed_fields is None else (obj, changed_fields))
        mark_formset_saved(formset, new=done["new"], changed=done["changed"], deleted=done["deleted"])

    @admin.display(description="lien ouvert (QR code)")
    def open_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("indicators:survey_answer_open", args=[obj.open_code]),
            f"/indicateurs/q/e/{obj.open_code}/",
        )

    @admin.display(description="résultats")
    def results_link(self, obj):
        return format_html('<a href="{}">Résultats</a>', reverse("indicators:survey_detail", args=[obj.pk]))

    @admin.action(description="Ouvrir (les invitations partent)", permissions=["change"])
    def open_surveys(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda s: survey_open(survey=s, by=request.user),
            "questionnaire(s) ouvert(s).",
        )

    @admin.action(description="Clore", permissions=["change"])
    def close_surveys(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda s: survey_close(survey=s, by=request.user),
            "questionnaire(s) clos.",
        )

    @admin.action(
        description=f"Créer le questionnaire de suivi ({DEFAULT_FOLLOW_UP_MONTHS} mois après, modifiable)",
        permissions=["add"],
    )
    def create_follow_ups(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda s: survey_create_follow_up(survey=s, months=DEFAULT_FOLLOW_UP_MONTHS, by=request.user),
            "questionnaire(s) de suivi créé(s), en brouillon.",
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Once open, the questionnaire's frame is what people answered: only the texts change.
        if obj is not None and obj.status != SurveyStatus.DRAFT:
            fields += ["action", "event", "is_anonymous", "follow_up_of", "min_answers"]
        return fields


@admin.register(SurveyOptOut)
class SurveyOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
