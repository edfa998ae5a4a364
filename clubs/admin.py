"""Admin of the clubs. Saves, moderation and sending go through the services (audited, refused with
a reason); history rows (memberships, mailings, reports) are read-only. Clubs, practices and
replies are deactivated or hidden rather than deleted, so the figures and the history hold."""

from django.contrib import admin
from django.db.models import Case, Count, F, Q, Value, When
from django.utils.html import format_html

from pacte.admin_french import titled
from pacte.admin_tools import (
    ChangedByActionsOnly,
    ServiceModelAdmin,
    mark_formset_saved,
    refusal_text,
    run_each,
)
from pacte.services.errors import RefusedError

from .enums import PracticeStatus
from .models import (
    Club,
    ClubMailing,
    ClubMailingRecipient,
    ClubMembershipRecord,
    ModerationSettings,
    Practice,
    PracticePhoto,
    PracticeReply,
    PracticeReport,
)
from .services import (
    CLUB_STAFF_FIELDS,
    club_mailing_resume,
    club_profile_create,
    club_update,
    moderation_settings_update,
    practice_hide,
    practice_photo_delete,
    practice_reply_set_hidden,
    practice_restore,
    practice_update,
    reports_to_hide,
)


class CurrentMemberFilter(admin.SimpleListFilter):
    title = "adhésion"
    parameter_name = "adhesion"

    def lookups(self, request, model_admin):
        return [("en-cours", "Membres actuels"), ("terminee", "Anciens membres")]

    def queryset(self, request, queryset):
        if self.value() == "en-cours":
            return queryset.filter(left_at__isnull=True)
        if self.value() == "terminee":
            return queryset.filter(left_at__isnull=False)
        return queryset


class ReportOpenFilter(admin.SimpleListFilter):
    title = "traitement"
    parameter_name = "traitement"

    def lookups(self, request, model_admin):
        return [("a-traiter", "À traiter"), ("traites", "Traités")]

    def queryset(self, request, queryset):
        if self.value() == "a-traiter":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "traites":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Club)
class ClubAdmin(ServiceModelAdmin):
    list_display = [
        "name",
        "club_type",
        "commune",
        "member_total",
        "practice_total",
        "is_active",
        "created_at",
    ]
    list_filter = [
        "club_type",
        ("organisation__is_active", titled("club actif")),
        ("organisation__commune", titled("commune", admin.RelatedOnlyFieldListFilter)),
    ]
    search_fields = ["organisation__name", "organisation__commune__name", "meeting_place"]
    list_select_related = ["organisation", "organisation__commune"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["organisation", "club_type"]}),
        ("Rencontres", {"fields": ["meeting_place", "meeting_schedule"]}),
        ("E-mails du club", {"fields": ["mail_reply_to", "mail_signature"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_members=Count("organisation__memberships", distinct=True),
                n_practices=Count(
                    "practices", filter=Q(practices__status=PracticeStatus.PUBLISHED), distinct=True
                ),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        # A club profile stays with its organisation (name, members and page live there).
        return ["organisation"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Deactivate the club's structure instead: its history and figures stay.
        return False

    def save_through_service(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in CLUB_STAFF_FIELDS if name in form.cleaned_data}
        if change:
            return club_update(club=obj, by=request.user, reason="Modifié dans l'administration.", **values)
        return club_profile_create(organisation=form.cleaned_data["organisation"], by=request.user, **values)

    @admin.display(description="nom", ordering="organisation__name")
    def name(self, obj):
        return obj.organisation.name

    @admin.display(description="commune", ordering="organisation__commune__sort_name")
    def commune(self, obj):
        return obj.organisation.commune

    @admin.display(description="membres", ordering="n_members")
    def member_total(self, obj):
        return obj.n_members

    @admin.display(description="pratiques publiées", ordering="n_practices")
    def practice_total(self, obj):
        return obj.n_practices

    @admin.display(description="actif", boolean=True, ordering="organisation__is_active")
    def is_active(self, obj):
        return obj.organisation.is_active


@admin.register(ClubMembershipRecord)
class ClubMembershipRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["club", "user", "commune", "joined_at", "left_at", "receives_mailings"]
    list_filter = [
        CurrentMemberFilter,
        ("receives_mailings", titled("e-mails du club")),
        ("club__club_type", titled("type de club")),
        "club",
    ]
    search_fields = ["club__organisation__name", "user__email", "user__last_name", "commune__name"]
    list_select_related = ["club__organisation", "user", "commune"]
    date_hierarchy = "joined_at"


class PracticePhotoInline(admin.TabularInline):
    model = PracticePhoto
    extra = 0
    fields = ["preview", "position", "width", "height"]
    readonly_fields = ["preview", "position", "width", "height"]
    can_delete = True

    def has_add_permission(self, request, obj=None):
        # Photos enter through the practice form, which runs pacte.images.process_image.
        return False

    @admin.display(description="aperçu")
    def preview(self, obj):
        return format_html('<img src="{}" alt="" width="120">', obj.thumbnail.url) if obj.thumbnail else "—"


class PracticeReportInline(admin.TabularInline):
    model = PracticeReport
    extra = 0
    fields = ["reason", "reporter", "created_at", "resolved_at", "resolved_by", "resolution"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Practice)
class PracticeAdmin(ServiceModelAdmin):
    list_display = ["title", "club", "author", "status", "adoption_total", "open_reports", "created_at"]
    list_filter = ["status", ("club__club_type", titled("type de club")), "themes", "club"]
    search_fields = [
        "title",
        "text",
        "author__email",
        "author__last_name",
        "club__organisation__name",
        "club__organisation__commune__name",
    ]
    list_select_related = ["club__organisation", "author"]
    date_hierarchy = "created_at"
    readonly_fields = ["club", "author", "status", "status_changed_at", "created_at"]
    fields = ["club", "author", "title", "text", "themes", "status", "status_changed_at", "created_at"]
    filter_horizontal = ["themes"]
    inlines = [PracticePhotoInline, PracticeReportInline]
    actions = ["hide", "restore"]

    def has_add_permission(self, request):
        # Members share practices on the site, where photos are cleaned of their metadata.
        return False

    def has_delete_permission(self, request, obj=None):
        # Hide it instead: adoptions and reports keep pointing at it.
        return False

    def save_through_service(self, request, obj, form, change):
        return practice_update(
            practice=obj,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            themes=list(form.cleaned_data.get("themes") or []),
            by=request.user,
            reason="Corrigé par l'équipe.",
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not PracticePhoto:
            return super().save_formset(request, form, formset, change)
        deleted = []
        for photo_form in formset.deleted_forms:
            if photo_form.instance.pk:
                try:
                    practice_photo_delete(
                        photo=photo_form.instance, by=request.user, reason="Retirée par l'équipe."
                    )
                    deleted.append(photo_form.instance)
                except RefusedError as error:
                    self.message_user(request, refusal_text(error), "error")
        mark_formset_saved(formset, deleted=deleted)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_adoptions=Count("adoptions", distinct=True),
                n_open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True), distinct=True),
            )
        )

    def get_ordering(self, request):
        # Reported practices wait for a decision: first, then the newest.
        return [Case(When(status=PracticeStatus.REPORTED, then=Value(0)), default=Value(1)), "-created_at"]

    @admin.display(description="adoptions", ordering="n_adoptions")
    def adoption_total(self, obj):
        return obj.n_adoptions

    @admin.display(description="signalements en cours", ordering="n_open_reports")
    def open_reports(self, obj):
        return obj.n_open_reports

    @admin.action(description="Masquer les pratiques choisies")
    def hide(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda p: practice_hide(practice=p, by=request.user, reason="Modération par l'équipe."),
            "pratique(s) masquée(s).",
        )

    @admin.action(description="Rétablir (publier) les pratiques choisies")
    def restore(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda p: practice_restore(practice=p, by=request.user, reason="Modération par l'équipe."),
            "pratique(s) rétablie(s).",
        )


@admin.register(PracticeReport)
class PracticeReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["practice", "club", "reporter", "reason", "created_at", "resolved_at", "resolution"]
    list_filter = [ReportOpenFilter, "resolution", ("practice__club", titled("club"))]
    search_fields = ["reason", "practice__title", "reporter__email"]
    list_select_related = ["practice__club__organisation", "reporter"]
    date_hierarchy = "created_at"
    actions = ["restore_practices", "hide_practices"]

    def get_ordering(self, request):
        # Open reports first (to be dealt with), then the newest.
        return [F("resolved_at").desc(nulls_first=True), "-created_at"]

    @admin.display(description="club", ordering="practice__club__organisation__name")
    def club(self, obj):
        return obj.practice.club

    def _practices(self, queryset):
        return Practice.objects.filter(pk__in=queryset.values("practice")).select_related(
            "club__organisation"
        )

    @admin.action(description="Rétablir les pratiques signalées choisies")
    def restore_practices(self, request, queryset):
        run_each(
            self,
            request,
            self._practices(queryset),
            lambda p: practice_restore(
                practice=p, by=request.user, reason="Signalement écarté par l'équipe."
            ),
            "pratique(s) rétablie(s).",
        )

    @admin.action(description="Masquer les pratiques signalées choisies")
    def hide_practices(self, request, queryset):
        run_each(
            self,
            request,
            self._practices(queryset),
            lambda p: practice_hide(practice=p, by=request.user, reason="Signalement retenu par l'équipe."),
            "pratique(s) masquée(s).",
        )


@admin.register(PracticeReply)
class PracticeReplyAdmin(ChangedByActionsOnly, admin.ModelAdmin):
    list_display = ["__str__", "practice", "author", "is_hidden", "created_at"]
    list_filter = [("is_hidden", titled("masquée par la modération"))]
    search_fields = ["text", "practice__title", "author__email"]
    ordering = ["-created_at"]
    list_select_related = ["practice", "author"]
    readonly_fields = ["practice", "author", "text", "is_hidden", "created_at"]
    fields = readonly_fields
    actions = ["hide", "restore"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Masquer les réponses choisies")
    def hide(self, request, queryset):
        run_each(
            self,
            request,
            queryset.select_related("practice__club"),
            lambda r: practice_reply_set_hidden(reply=r, hidden=True, by=request.user),
            "réponse(s) masquée(s).",
        )

    @admin.action(description="Rétablir les réponses choisies")
    def restore(self, request, queryset):
        run_each(
            self,
            request,
            queryset.select_related("practice__club"),
            lambda r: practice_reply_set_hidden(reply=r, hidden=False, by=request.user),
            "réponse(s) rétablie(s).",
        )


class ClubMailingRecipientInline(admin.TabularInline):
    model = ClubMailingRecipient
    extra = 0
    fields = ["user", "sent_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ClubMailing)
class ClubMailingAdmin(ChangedByActionsOnly, admin.ModelAdmin):
    list_display = ["subject", "club", "author", "status", "recipient_count", "created_at", "sent_at"]
    list_filter = ["status", "club"]
    search_fields = ["subject", "message", "club__organisation__name", "author__email"]
    list_select_related = ["club__organisation", "author"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "club",
        "subject",
        "message",
        "author",
        "status",
        "recipient_count",
        "created_at",
        "sent_at",
    ]
    fields = readonly_fields
    inlines = [ClubMailingRecipientInline]
    actions = ["resume_sending"]

    def has_add_permission(self, request):
        # Animators write to their members from the club's pages.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Reprendre l'envoi (les membres déjà servis ne reçoivent rien de plus)")
    def resume_sending(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda mailing: club_mailing_resume(mailing=mailing, by=request.user),
            "envoi(s) relancé(s).",
        )


from .gardens import admin as gardens_admin  # noqa: E402, F401 — the jardiniers de la nature models


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(ServiceModelAdmin):
    """One row: DACTE staff change it; it is created by the first change (until then the
    environment's default applies) and never deleted."""

    list_display = ["__str__", "reports_to_hide", "updated_at"]
    fields = ["reports_to_hide"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not ModerationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        return {"reports_to_hide": reports_to_hide()}

    def save_through_service(self, request, obj, form, change):
        return moderation_settings_update(
            reports_to_hide=form.cleaned_data["reports_to_hide"], by=request.user
        )
