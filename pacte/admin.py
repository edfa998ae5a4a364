from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Q

from .enums import RegistrationStatus
from .models import (
    AuditEntry,
    Commune,
    Event,
    Membership,
    Organisation,
    PrivateDocument,
    Registration,
    Theme,
    User,
)
from .services.errors import RefusedError
from .services.registrations import registration_cancel


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "home_commune",
        "category",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = [
        "category",
        "is_staff",
        "is_active",
        "groups",
        ("home_commune", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["home_commune"]
    autocomplete_fields = ["home_commune"]
    readonly_fields = ["last_login", "date_joined", "anonymised_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name", "home_commune", "category"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined", "anonymised_at"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "postal_codes", "population"]
    search_fields = ["name", "insee_code", "postal_codes"]
    readonly_fields = ["insee_code", "latitude", "longitude"]
    ordering = ["name"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "member_count", "is_active", "created_at"]
    list_filter = ["kind", "is_active", "themes", ("commune", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "rna", "siret", "email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["commune"]
    filter_horizontal = ["themes"]
    list_select_related = ["commune"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_members=Count("memberships"))

    @admin.display(description="membres", ordering="n_members")
    def member_count(self, obj):
        return obj.n_members


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["user", "status", "attended", "created_at", "cancelled_at"]
    readonly_fields = ["user", "status", "created_at", "cancelled_at"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Registrations go through the service so that capacity and the waiting list hold.
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "action",
        "starts_at",
        "commune",
        "organiser",
        "capacity",
        "seats_taken",
        "waitlisted",
        "is_published",
    ]
    list_filter = [
        "action",
        "is_published",
        "themes",
        ("commune", admin.RelatedOnlyFieldListFilter),
        "starts_at",
    ]
    search_fields = ["title", "place", "organiser__name"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organiser", "commune"]
    filter_horizontal = ["themes"]
    readonly_fields = ["seats_taken", "attendance_recorded_at"]
    list_select_related = ["commune", "organiser"]
    inlines = [RegistrationInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_waitlisted=Count(
                    "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
                )
            )
        )

    @admin.display(description="en attente", ordering="n_waitlisted")
    def waitlisted(self, obj):
        return obj.n_waitlisted

    @admin.action(description="Publier les événements choisis")
    def publish(self, request, queryset):
        updated = queryset.update(is_published=True)
        self.message_user(request, f"{updated} événement(s) publié(s).")

    @admin.action(description="Dépublier les événements choisis")
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False)
        self.message_user(request, f"{updated} événement(s) dépublié(s).")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "status", "attended", "created_at", "cancelled_at"]
    list_filter = ["status", "attended", "event__action"]
    search_fields = ["event__title", "user__email", "user__last_name"]
    list_select_related = ["event", "user"]
    readonly_fields = [
        "event",
        "user",
        "status",
        "created_at",
        "cancelled_at",
        "promoted_at",
        "reminder_sent_at",
    ]
    actions = ["cancel_registrations"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Annuler les inscriptions choisies (promeut la liste d'attente)")
    def cancel_registrations(self, request, queryset):
        done = 0
        for registration in queryset.select_related("event"):
            try:
                registration_cancel(
                    registration=registration, by=request.user, reason="Annulée par l'équipe."
                )
                done += 1
            except RefusedError as error:
                self.message_user(request, f"{registration} : {error.messages[0]}", messages.WARNING)
        self.message_user(request, f"{done} inscription(s) annulée(s).")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "verb", "object_repr", "from_state", "to_state", "reason"]
    list_filter = ["verb", "content_type"]
    search_fields = ["object_repr", "actor__email", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PrivateDocument)
class PrivateDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "uploaded_by", "content_type", "created_at"]
    search_fields = ["title", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["content_type", "uploaded_by"]


from . import admin_exchanges  # noqa: E402,F401
