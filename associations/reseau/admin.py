"""Admin of the showcase: DACTE staff read what the associations posted and publish it, or refuse
it with the reason the association reads. Every decision goes through the services (audited, the
author told by e-mail after commit); posts are written on the site, where photos are checked."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from pacte.admin_tools import ServiceModelAdmin, run_each
from pacte.services.errors import RefusedError

from .models import ShowcaseAction, ShowcasePhoto, ShowcaseReport, ShowcaseStatus
from .services import showcase_publish, showcase_refuse


class ShowcasePhotoInline(admin.TabularInline):
    model = ShowcasePhoto
    extra = 0
    fields = ["preview", "position"]
    readonly_fields = ["preview", "position"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="photo")
    def preview(self, obj):
        return format_html('<img src="{}" alt="" width="120">', obj.thumbnail.url) if obj.thumbnail else ""


class ShowcaseReportInline(admin.TabularInline):
    model = ShowcaseReport
    extra = 0
    fields = ["created_at", "reporter", "reason", "resolved_at", "resolution"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ShowcaseModerationForm(forms.ModelForm):
    """The review of a post: the decision, and the reason when refused."""

    class Meta:
        model = ShowcaseAction
        fields = ["status", "refusal_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            self.fields["status"].label = "décision"
            self.fields["status"].choices = [
                (value, label)
                for value, label in ShowcaseStatus.choices
                if value in (ShowcaseStatus.PUBLISHED, ShowcaseStatus.REFUSED)
                or value == self.instance.status
            ]

    def clean(self):
        data = super().clean()
        if data.get("status") == ShowcaseStatus.REFUSED and not (data.get("refusal_reason") or "").strip():
            self.add_error("refusal_reason", "Donnez le motif du refus : l'association le lira.")
        return data


@admin.register(ShowcaseAction)
class ShowcaseActionAdmin(ServiceModelAdmin):
    form = ShowcaseModerationForm
    list_display = ["title", "organisation", "commune", "public_category", "status", "created_at"]
    list_filter = ["status", "public_category", "themes", "commune"]
    search_fields = ["title", "text", "organisation__name", "commune__name"]
    list_select_related = ["organisation", "commune"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "organisation",
        "author",
        "title",
        "text",
        "theme_list",
        "commune",
        "public_category",
        "headcount",
        "event",
        "created_at",
        "status_changed_at",
        "published_at",
    ]
    fieldsets = [
        ("Relecture", {"fields": ["status", "refusal_reason", "status_changed_at", "published_at"]}),
        ("L'action, telle que l'association l'a partagée", {"fields": readonly_fields[:-2]}),
    ]
    inlines = [ShowcasePhotoInline, ShowcaseReportInline]
    actions = ["publish"]

    def has_add_permission(self, request, obj=None):
        # The associations post on the site, where photos are checked and re-encoded.
        return False

    def has_delete_permission(self, request, obj=None):
        # A post is refused (with a reason) or withdrawn by its association, never deleted here.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == ShowcaseStatus.WITHDRAWN:
            return ["status", "refusal_reason", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(description="thèmes")
    def theme_list(self, obj):
        return ", ".join(theme.name for theme in obj.themes.all()) or "—"

    def save_through_service(self, request, obj, form, change):
        current = ShowcaseAction.objects.get(pk=obj.pk)
        decision = form.cleaned_data.get("status", current.status)
        if decision == ShowcaseStatus.PUBLISHED:
            if current.status == ShowcaseStatus.PUBLISHED and not current.reports.open().exists():
                return current
            return showcase_publish(action=current, by=request.user)
        if decision == ShowcaseStatus.REFUSED:
            if current.status == ShowcaseStatus.REFUSED:
                if form.cleaned_data["refusal_reason"].strip() != current.refusal_reason:
                    raise RefusedError("Cette action est déjà refusée.", code="unchanged")
                return current
            return showcase_refuse(
                action=current, reason=form.cleaned_data["refusal_reason"], by=request.user
            )
        return current

    @admin.action(description="Publier les actions choisies")
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda action: showcase_publish(action=action, by=request.user),
            "action(s) publiée(s).",
        )
