"""Admin of the "jardiniers de la nature" network (imported by clubs/admin.py: the admin autodiscovery only imports `clubs.admin`).

Every save, deletion and action goes through the services (pacte.admin_tools): a checklist
changed here is kept as a new checklist version, a charter version is prepared, published by an
action and its text is then frozen; each write is in the change journal.
"""

from django.contrib import admin
from django.db.models import Count, Max

from pacte.admin_tools import ServiceModelAdmin, run_each

from .models import Charter, CharterSignature, Garden, GardenChecklistVersion, GardenPractice
from .services import (
    PRACTICE_FIELDS,
    charter_draft_delete,
    charter_draft_save,
    charter_publish,
    garden_practice_create,
    garden_practice_update,
    garden_update,
    garden_withdraw,
)


class WithdrawnFilter(admin.SimpleListFilter):
    title = "dans le réseau"
    parameter_name = "dans_le_reseau"

    def lookups(self, request, model_admin):
        return [("oui", "Inscrits"), ("non", "Retirés")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "non":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class ChecklistVersionInline(admin.TabularInline):
    model = GardenChecklistVersion
    extra = 0
    can_delete = False
    fields = ["created_at", "practice_list"]
    readonly_fields = ["created_at", "practice_list"]
    verbose_name_plural = "historique de la liste des pratiques"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("practices")

    @admin.display(description="pratiques")
    def practice_list(self, obj):
        return ", ".join(p.name for p in obj.practices.all()) or "—"


class SignatureInline(admin.TabularInline):
    model = CharterSignature
    extra = 0
    can_delete = False
    fields = ["charter", "user", "signed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Garden)
class GardenAdmin(ServiceModelAdmin):
    list_display = [
        "__str__",
        "owner",
        "garden_type",
        "commune",
        "size",
        "practice_count",
        "last_signed_version",
        "created_at",
        "withdrawn_at",
    ]
    list_filter = [
        WithdrawnFilter,
        "garden_type",
        "size",
        "practices",
        ("commune", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["name", "owner__email", "owner__first_name", "owner__last_name", "commune__name"]
    list_select_related = ["owner", "commune"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["commune"]
    filter_horizontal = ["practices"]
    fields = ["owner", "garden_type", "commune", "size", "name", "practices", "created_at", "withdrawn_at"]
    readonly_fields = ["owner", "created_at", "withdrawn_at"]
    inlines = [SignatureInline, ChecklistVersionInline]
    actions = ["withdraw"]

    def has_add_permission(self, request):
        # A garden enters the network through its gardener, who signs the charter.
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_practices=Count("practices", distinct=True),
                last_version=Max("signatures__charter__version"),
            )
        )

    @admin.display(description="pratiques", ordering="n_practices")
    def practice_count(self, obj):
        return obj.n_practices

    @admin.display(description="charte signée", ordering="last_version")
    def last_signed_version(self, obj):
        return f"v{obj.last_version}" if obj.last_version else "—"

    def has_delete_permission(self, request, obj=None):
        # A garden leaves the network by the "withdraw" action: its past stays in the figures.
        return False

    def save_through_service(self, request, obj, form, change):
        # Through the service, so that a changed checklist is kept as a new version.
        data = form.cleaned_data
        return garden_update(
            garden=obj,
            garden_type=data["garden_type"],
            commune=data["commune"],
            size=data["size"],
            name=data.get("name", ""),
            practices=list(data.get("practices") or []),
            by=request.user,
        )

    @admin.action(description="Retirer du réseau les jardins choisis")
    def withdraw(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda garden: garden_withdraw(
                garden=garden, by=request.user, reason="Retiré par l'équipe du réseau."
            ),
            "jardin(s) retiré(s) du réseau.",
        )


@admin.register(GardenPractice)
class GardenPracticeAdmin(ServiceModelAdmin):
    list_display = ["name", "description", "position", "is_active", "garden_count"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_garden_counts()

    @admin.display(description="jardins qui l'appliquent", ordering="garden_count")
    def garden_count(self, obj):
        return obj.garden_count

    def has_delete_permission(self, request, obj=None):
        # Past checklist versions point at the practice: retire it ("proposée" unticked) instead.
        return False

    def save_through_service(self, request, obj, form, change):
        # From the change form or from a row of the list (list_editable): the form has already
        # put its fields on `obj`; the service compares them with the stored row.
        values = {name: getattr(obj, name) for name in PRACTICE_FIELDS}
        if change:
            return garden_practice_update(practice=obj, by=request.user, **values)
        return garden_practice_create(by=request.user, **values)


@admin.register(Charter)
class CharterAdmin(ServiceModelAdmin):
    list_display = ["version", "title", "published_at", "signature_count", "created_at"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "text"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    actions = ["publish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_signatures=Count("signatures"))

    @admin.display(description="signatures", ordering="n_signatures")
    def signature_count(self, obj):
        return obj.n_signatures

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at:
            # What people signed never changes: a new wording is a new version.
            return ["version", "title", "text", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.published_at is None

    def save_through_service(self, request, obj, form, change):
        return charter_draft_save(
            charter=obj if change else None,
            version=obj.version,
            title=obj.title,
            text=obj.text,
            by=request.user,
        )

    def delete_through_service(self, request, obj):
        charter_draft_delete(charter=obj, by=request.user)

    @admin.action(description="Publier la version choisie (les nouveaux jardins la signeront)")
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset.order_by("version"),
            lambda charter: charter_publish(charter=charter, by=request.user),
            "version(s) publiée(s).",
        )


@admin.register(CharterSignature)
class CharterSignatureAdmin(admin.ModelAdmin):
    list_display = ["garden", "commune", "user", "charter_version", "signed_at"]
    list_filter = ["charter", ("garden__commune", admin.RelatedOnlyFieldListFilter), "signed_at"]
    search_fields = ["user__email", "user__last_name", "garden__name", "garden__commune__name"]
    list_select_related = ["charter", "garden", "garden__commune", "user"]
    date_hierarchy = "signed_at"
    readonly_fields = ["charter", "garden", "user", "signed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="commune", ordering="garden__commune__sort_name")
    def commune(self, obj):
        return obj.garden.commune.name

    @admin.display(description="version", ordering="charter__version")
    def charter_version(self, obj):
        return f"v{obj.charter.version}"
