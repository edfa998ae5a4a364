"""Admin of the letter, for the editors' group ("Édition de la lettre") and the DACTE.

Saves, transitions and sendings go through the services. An issue's page links to its previews
(in the browser, and as the e-mail in HTML and text) and to its sending page: test send to
oneself, schedule, send now, and the progress (sent, failed, remaining) refreshed while it runs.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from pacte.admin_tools import ServiceModelAdmin, mark_formset_saved, refusal_text, run_each
from pacte.services.errors import RefusedError

from .enums import DeliveryStatus, IssueStatus
from .forms import ScheduleForm
from .models import Delivery, ExperienceSheet, Issue, Section, Subscriber
from .rendering import issue_context, issue_message, preview_links
from .services import (
    issue_cancel_schedule,
    issue_save,
    issue_schedule,
    issue_send_now,
    issue_send_test,
    section_delete,
    section_save,
    sheet_publish,
    sheet_return_to_draft,
    sheet_save,
    sheet_submit,
    subscriber_deactivate,
)
from .services.issues import can_send


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Issues ----------------------------------------------------------------------------------


class SectionInline(admin.StackedInline):
    model = Section
    extra = 1
    fields = ["kind", "title", "body", "link", "position"]


class IssueForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["number", "month", "title", "theme", "editorial", "sheets"]
        widgets = {"month": forms.DateInput(attrs={"type": "date"})}


def progress(issue) -> dict:
    counts = dict(issue.deliveries.values_list("status").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    remaining = counts.get(DeliveryStatus.PENDING, 0) + counts.get(DeliveryStatus.SENDING, 0)
    return {
        "total": total,
        "sent": counts.get(DeliveryStatus.SENT, 0),
        "failed": counts.get(DeliveryStatus.FAILED, 0),
        "skipped": counts.get(DeliveryStatus.SKIPPED, 0),
        "remaining": remaining,
        "percent": round(100 * (total - remaining) / total) if total else 0,
    }


@admin.register(Issue)
class IssueAdmin(ServiceModelAdmin):
    form = IssueForm
    inlines = [SectionInline]
    list_display = ["number", "title", "month", "status", "scheduled_at", "sent_at", "progress_column"]
    list_filter = ["status"]
    search_fields = ["title", "editorial"]
    readonly_fields = ["status", "scheduled_at", "sending_started_at", "sent_at"]
    filter_horizontal = ["sheets"]
    change_form_template = "admin/newsletter/issue/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description="envois (faits / échecs / restants)")
    def progress_column(self, obj):
        if obj.status == IssueStatus.DRAFT or obj.status == IssueStatus.SCHEDULED:
            return "—"
        return f"{obj.delivered} / {obj.failed} / {obj.remaining}"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status not in (IssueStatus.DRAFT, IssueStatus.SCHEDULED):
            return False  # an issue that left is read-only: the archive shows what was sent
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        return issue_save(issue=obj, sheets=form.cleaned_data.get("sheets"), by=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        try:
            for section in instances:
                section.issue = form.instance
                section_save(section=section, by=request.user)
            for section in formset.deleted_objects:
                section_delete(section=section, by=request.user)
        except RefusedError as error:
            self._refused(request, error)
        mark_formset_saved(
            formset, new=formset.new_objects, changed=formset.changed_objects, deleted=formset.deleted_objects
        )

    # Custom pages ----------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/apercu/", view(self.preview_view), name="newsletter_issue_preview"),
            path(
                "<int:pk>/apercu-email.html", view(self.email_html_view), name="newsletter_issue_email_html"
            ),
            path("<int:pk>/apercu-email.txt", view(self.email_text_view), name="newsletter_issue_email_text"),
            path("<int:pk>/envoi/", view(self.sending_view), name="newsletter_issue_sending"),
            path("<int:pk>/envoi/progression/", view(self.progress_view), name="newsletter_issue_progress"),
            *super().get_urls(),
        ]

    def _issue(self, request, pk) -> Issue:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Issue.objects.select_related("theme"), pk=pk)

    def preview_view(self, request, pk):
        """The issue as its archive page will show it, drafts included."""
        from django.shortcuts import render

        issue = self._issue(request, pk)
        return render(request, "newsletter/issue_preview.html", {**issue_context(issue), "preview": True})

    def _message(self, issue):
        return issue_message(context=issue_context(issue), to="apercu@exemple.fr", **preview_links())

    def email_html_view(self, request, pk):
        message = self._message(self._issue(request, pk))
        response = HttpResponse(message.alternatives[0][0], content_type="text/html; charset=utf-8")
        # The e-mail's own styles are inline (mail clients need them): this one page allows them,
        # and nothing else (no script, images from the portal only).
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'self'"
        )
        return response

    def email_text_view(self, request, pk):
        message = self._message(self._issue(request, pk))
        head = f"Objet : {message.subject}\nÀ : (chaque abonné·e)\n\n"
        return HttpResponse(head + message.body, content_type="text/plain; charset=utf-8")

    def _sending_context(self, request, issue, schedule_form=None):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "issue": issue,
            "title": f"Envoi — {issue}",
            "progress": progress(issue),
            "can_send": can_send(request.user),
            "schedule_form": schedule_form or ScheduleForm(initial={"scheduled_at": issue.scheduled_at}),
            "running": issue.status == IssueStatus.SENDING,
            "audience": Subscriber.objects.active().count(),
        }

    def sending_view(self, request, pk):
        issue = self._issue(request, pk)
        schedule_form = None
        if request.method == "POST":
            action = request.POST.get("action")
            try:
                if action == "test":
                    address = issue_send_test(issue=issue, by=request.user)
                    self.message_user(request, f"Essai envoyé à {address}.", messages.SUCCESS)
                elif action == "send_now":
                    issue_send_now(issue=issue, by=request.user)
                    self.message_user(request, "L'envoi a commencé.", messages.SUCCESS)
                elif action == "schedule":
                    schedule_form = ScheduleForm(request.POST)
                    if schedule_form.is_valid():
                        at = schedule_form.cleaned_data["scheduled_at"]
                        issue_schedule(issue=issue, at=at, by=request.user)
                        when = timezone.localtime(at).strftime("%d/%m/%Y à %H:%M")
                        self.message_user(request, f"Envoi programmé le {when}.", messages.SUCCESS)
                        schedule_form = None
                elif action == "unschedule":
                    issue_cancel_schedule(issue=issue, by=request.user)
                    self.message_user(request, "Programmation annulée.", messages.SUCCESS)
                else:
                    self.message_user(request, "Action inconnue.", messages.ERROR)
            except RefusedError as error:
                if schedule_form is not None and hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        schedule_form.add_error(field if field in schedule_form.fields else None, errors)
                else:
                    self.message_user(request, refusal_text(error), messages.ERROR)
            if schedule_form is None or not schedule_form.errors:
                return redirect("admin:newsletter_issue_sending", issue.pk)
            issue.refresh_from_db()
        status = 400 if schedule_form is not None and schedule_form.errors else 200
        return TemplateResponse(
            request,
            "admin/newsletter/issue/sending.html",
            self._sending_context(request, issue, schedule_form),
            status=status,
        )

    def progress_view(self, request, pk):
        """The progress block alone, fetched every few seconds while the sending runs."""
        issue = self._issue(request, pk)
        return TemplateResponse(
            request,
            "admin/newsletter/issue/_progress.html",
            {"issue": issue, "progress": progress(issue), "running": issue.status == IssueStatus.SENDING},
        )


# --- Experience sheets -----------------------------------------------------------------------


@admin.register(ExperienceSheet)
class ExperienceSheetAdmin(ServiceModelAdmin):
    list_display = ["title", "commune", "status", "published_at", "updated_at"]
    list_filter = ["status", "themes", ("commune", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "summary", "action"]
    list_select_related = ["commune"]
    readonly_fields = ["status", "published_at", "author", "public_link"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "published_at", "author", "public_link"]}),
        (
            "La fiche",
            {"fields": ["summary", "context", "public", "action", "partners", "results", "contact"]},
        ),
        ("Classement", {"fields": ["themes", "commune"]}),
    ]
    actions = ["submit", "publish", "return_to_draft"]

    @admin.display(description="page publique")
    def public_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        return sheet_save(sheet=obj, themes=form.cleaned_data.get("themes"), by=request.user)

    @admin.action(description="Envoyer en relecture", permissions=["change"])
    def submit(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda s: sheet_submit(sheet=s, by=request.user),
            "fiche(s) en relecture.",
        )

    @admin.action(description="Publier (après relecture)", permissions=["change"])
    def publish(self, request, queryset):
        run_each(
            self, request, queryset, lambda s: sheet_publish(sheet=s, by=request.user), "fiche(s) publiée(s)."
        )

    @admin.action(description="Remettre en brouillon", permissions=["change"])
    def return_to_draft(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda s: sheet_return_to_draft(
                sheet=s, by=request.user, reason="Remise en brouillon par la rédaction."
            ),
            "fiche(s) remise(s) en brouillon.",
        )


# --- Subscribers and deliveries --------------------------------------------------------------


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "email",
        "name",
        "structure",
        "role",
        "commune",
        "status",
        "confirmed_at",
        "deactivation_reason",
    ]
    list_filter = ["status", "role", ("commune", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "name", "structure"]
    list_select_related = ["commune"]
    actions = ["deactivate"]

    @admin.action(description="Désactiver les adresses choisies", permissions=["view"])
    def deactivate(self, request, queryset):
        if not request.user.has_perm("newsletter.send_issue"):
            raise PermissionDenied
        run_each(
            self,
            request,
            queryset,
            lambda s: subscriber_deactivate(
                subscriber=s, reason="Désactivée par la rédaction.", by=request.user
            ),
            "adresse(s) désactivée(s).",
        )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["issue", "subscriber", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "issue"]
    search_fields = ["subscriber__email"]
    list_select_related = ["issue", "subscriber"]
