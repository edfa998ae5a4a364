"""Admin of the network of communes. Every save goes through the services (audited, refused with
a reason): conventions and their commitments are entered here; actions are posted by the
communes on the site and reviewed here (publish, or refuse with the reason the commune reads)."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from pacte.admin_tools import ServiceModelAdmin, mark_formset_saved, refusal_text, run_each
from pacte.services.errors import RefusedError

from .enums import ModerationStatus
from .models import ActionDocument, ActionPhoto, Commitment, CommuneAction, Convention, Replication
from .services import (
    action_delete,
    action_publish,
    action_refuse,
    commitment_create,
    commitment_delete,
    commitment_update,
    convention_create,
    convention_update,
)
from .services.conventions import COMMITMENT_FIELDS, CONVENTION_FIELDS


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 1
    fields = ["position", "title", "theme", "target", "progress", "progress_note"]


@admin.register(Convention)
class ConventionAdmin(ServiceModelAdmin):
    list_display = [
        "commune",
        "title",
        "signed_on",
        "starts_on",
        "ends_on",
        "commitment_total",
        "mean_progress",
    ]
    list_filter = ["signed_on"]
    search_fields = ["commune__name", "title"]
    list_select_related = ["commune"]
    fields = ["commune", "title", "signed_on", "starts_on", "ends_on", "summary"]
    inlines = [CommitmentInline]

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("communes.add_convention")

    def get_readonly_fields(self, request, obj=None):
        return ["commune"] if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description="engagements", ordering="commitment_count")
    def commitment_total(self, obj):
        return obj.commitment_count

    @admin.display(description="avancement moyen")
    def mean_progress(self, obj):
        return f"{round(obj.mean_progress or 0)} %"

    def save_through_service(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in CONVENTION_FIELDS if name in form.cleaned_data}
        if change:
            return convention_update(convention=Convention.objects.get(pk=obj.pk), by=request.user, **values)
        return convention_create(commune=form.cleaned_data["commune"], by=request.user, **values)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Commitment:
            return super().save_formset(request, form, formset, change)
        new, changed, deleted = [], [], []
        for commitment_form in formset.forms:
            if not commitment_form.has_changed() and commitment_form not in formset.deleted_forms:
                continue
            instance = commitment_form.instance
            try:
                if commitment_form in formset.deleted_forms:
                    if instance.pk:
                        commitment_delete(commitment=instance, by=request.user)
                        deleted.append(instance)
                    continue
                values = {
                    n: commitment_form.cleaned_data.get(n)
                    for n in COMMITMENT_FIELDS
                    if n in commitment_form.cleaned_data
                }
                values = {
                    n: ("" if v is None and n in ("target", "progress_note", "description") else v)
                    for n, v in values.items()
                }
                if instance.pk:
                    changed.append((commitment_update(commitment=instance, by=request.user, **values), []))
                else:
                    title = values.pop("title")
                    new.append(
                        commitment_create(convention=form.instance, title=title, by=request.user, **values)
                    )
            except RefusedError as error:
                self.message_user(request, refusal_text(error), "error")
        mark_formset_saved(formset, new=new, changed=changed, deleted=deleted)


class ActionPhotoInline(admin.TabularInline):
    model = ActionPhoto
    extra = 0
    fields = ["preview", "position"]
    readonly_fields = ["preview", "position"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="photo")
    def preview(self, obj):
        return format_html('<img src="{}" alt="" width="120">', obj.thumbnail.url) if obj.thumbnail else ""


class ActionDocumentInline(admin.TabularInline):
    model = ActionDocument
    extra = 0
    fields = ["title", "content_type", "link"]
    readonly_fields = ["title", "content_type", "link"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="fichier")
    def link(self, obj):
        return format_html('<a href="{}">Télécharger</a>', obj.get_absolute_url()) if obj.pk else ""


class ModerationForm(forms.ModelForm):
    """The review of an action: its decision, and the reason when refused."""

    class Meta:
        model = CommuneAction
        fields = ["status", "refusal_reason"]

    def clean(self):
        data = super().clean()
        if data.get("status") == ModerationStatus.REFUSED and not (data.get("refusal_reason") or "").strip():
            self.add_error("refusal_reason", "Donnez le motif du refus : la commune le lira.")
        if (
            data.get("status") == ModerationStatus.PENDING
            and self.instance.status != ModerationStatus.PENDING
        ):
            self.add_error(
                "status", "Une action relue ne revient pas « en attente » : publiez-la ou refusez-la."
            )
        return data


@admin.register(CommuneAction)
class CommuneActionAdmin(ServiceModelAdmin):
    form = ModerationForm
    list_display = [
        "title",
        "commune",
        "theme",
        "stage",
        "is_experiment",
        "status",
        "replication_total",
        "created_at",
    ]
    list_filter = ["status", "stage", "is_experiment", "theme", "commune"]
    search_fields = ["title", "description", "commune__name", "author__email", "author__last_name"]
    list_select_related = ["commune", "theme"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "commune",
        "organisation",
        "author",
        "title",
        "theme",
        "stage",
        "description",
        "starts_on",
        "ends_on",
        "budget",
        "partners",
        "public_reached",
        "results",
        "is_experiment",
        "created_at",
        "moderated_at",
        "published_at",
    ]
    fieldsets = [
        ("Relecture", {"fields": ["status", "refusal_reason", "moderated_at", "published_at"]}),
        (
            "L'action, telle que la commune l'a déposée",
            {"fields": readonly_fields[:-2]},
        ),
    ]
    inlines = [ActionPhotoInline, ActionDocumentInline]
    actions = ["publish"]

    def has_add_permission(self, request, obj=None):
        # The communes post their actions on the site, where photos and documents are checked.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_replications=Count("replications"))

    @admin.display(description="reprises", ordering="n_replications")
    def replication_total(self, obj):
        return obj.n_replications

    def save_through_service(self, request, obj, form, change):
        current = CommuneAction.objects.get(pk=obj.pk)
        decision = form.cleaned_data["status"]
        if decision == current.status and decision != ModerationStatus.REFUSED:
            return current
        if decision == ModerationStatus.PUBLISHED:
            return action_publish(action=current, by=request.user)
        if decision == ModerationStatus.REFUSED:
            if current.status == ModerationStatus.REFUSED:
                raise RefusedError("Cette action est déjà refusée.", code="unchanged")
            return action_refuse(action=current, reason=form.cleaned_data["refusal_reason"], by=request.user)
        return current

    def delete_through_service(self, request, obj):
        action_delete(action=obj, by=request.user)

    @admin.action(description="Publier les actions choisies")
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda a: action_publish(action=a, by=request.user),
            "action(s) publiée(s).",
        )


@admin.register(Replication)
class ReplicationAdmin(admin.ModelAdmin):
    list_display = ["source", "source_commune", "commune", "action", "created_at"]
    list_select_related = ["source__commune", "commune", "action"]
    search_fields = ["source__title", "commune__name"]
    readonly_fields = ["source", "commune", "action", "topic", "created_by", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="commune de l'action reprise")
    def source_commune(self, obj):
        return obj.source.commune
