from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from .admin_french import titled
from .admin_tools import ServiceModelAdmin, mark_formset_saved, refusal_text, run_each
from .enums import RegistrationStatus
from .forms import LogoField
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
from .services.accounts import user_delete_account, user_rights_changed
from .services.audit import state_label, verb_label
from .services.communes import COMMUNE_FIELDS, commune_update
from .services.documents import private_document_create, private_document_delete, private_document_update
from .services.errors import RefusedError
from .services.events import (
    EVENT_FIELDS,
    capacity_refusal,
    event_create,
    event_delete,
    event_publish,
    event_unpublish,
    event_update,
)
from .services.memberships import membership_add, membership_change_role, membership_remove
from .services.organisations import STAFF_FIELDS as ORGANISATION_STAFF_FIELDS
from .services.organisations import organisation_create, organisation_update
from .services.registrations import registration_cancel, registration_set_attended
from .services.themes import THEME_FIELDS, theme_create, theme_update


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
        ("category", titled("public")),
        ("is_staff", titled("membre de l'équipe")),
        ("is_active", titled("compte actif")),
        ("groups", titled("groupe de l'équipe")),
        ("home_commune", titled("commune de résidence", admin.RelatedOnlyFieldListFilter)),
    ]
    search_fields = ["email", "first_name", "last_name", "home_commune__name"]
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
    actions = ["delete_accounts"]

    def has_delete_permission(self, request, obj=None):
        # Never a plain DELETE: it would drop the person's memberships without closing their
        # history and lose who decided what. Accounts are deleted through user_delete_account.
        return False

    @admin.action(description="Supprimer les comptes choisis (anonymiser)", permissions=["change"])
    def delete_accounts(self, request, queryset):
        run_each(
            self,
            request,
            queryset.filter(anonymised_at__isnull=True),
            lambda user: user_delete_account(user=user, by=request.user),
            "compte(s) supprimé(s) et anonymisé(s) ; leurs participations restent comptées.",
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        rights = {"is_active", "is_staff", "is_superuser", "groups", "user_permissions"} & set(
            form.changed_data
        )
        if change and rights:
            user_rights_changed(user=obj, fields=sorted(rights), by=request.user)


@admin.register(Commune)
class CommuneAdmin(ServiceModelAdmin):
    list_display = ["name", "insee_code", "postal_codes", "population"]
    search_fields = ["name", "insee_code", "postal_codes"]
    fields = ["name", "slug", "insee_code", "postal_codes", "population", "latitude", "longitude"]
    readonly_fields = ["insee_code", "latitude", "longitude"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]

    def has_add_permission(self, request):
        # The 71 member communes are reference data, loaded by migration (pacte/data/README.md).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in COMMUNE_FIELDS if name in form.cleaned_data}
        return commune_update(
            commune=obj, by=request.user, reason="Corrigée dans l'administration.", **values
        )


@admin.register(Theme)
class ThemeAdmin(ServiceModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # A theme tags objects of every app: it is retired (« actif » unticked), never deleted.
        return False

    def save_through_service(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in THEME_FIELDS if name in form.cleaned_data}
        if change:
            return theme_update(theme=obj, by=request.user, **values)
        return theme_create(by=request.user, **values)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


def save_membership_formset(modeladmin, request, formset, organisation) -> None:
    """The membership rows of an organisation's form, each through the membership services (so
    the derived records, such as a club's history, follow). A changed person is a removal plus an
    addition; a refusal is reported for its row and the other rows are saved."""
    reason = "Modifié dans l'administration."
    new, changed, deleted = [], [], []
    for form in formset.forms:
        try:
            if form in formset.deleted_forms:
                if form.instance.pk:
                    membership_remove(membership=form.instance, by=request.user, reason=reason)
                    deleted.append(form.instance)
                continue
            if not form.has_changed():
                continue
            data = form.cleaned_data
            if form.instance.pk is None or "user" in form.changed_data:
                if form.instance.pk is not None:
                    previous = Membership.objects.get(pk=form.instance.pk)
                    membership_remove(membership=previous, by=request.user, reason=reason)
                new.append(
                    membership_add(
                        organisation=organisation,
                        user=data["user"],
                        role=data["role"],
                        by=request.user,
                        reason=reason,
                    )
                )
            elif "role" in form.changed_data:
                changed.append(
                    (
                        membership_change_role(
                            membership=form.instance, role=data["role"], by=request.user, reason=reason
                        ),
                        ["role"],
                    )
                )
        except RefusedError as error:
            modeladmin.message_user(request, f"{form.instance} : {refusal_text(error)}", "error")
    mark_formset_saved(formset, new=new, changed=changed, deleted=deleted)


class OrganisationAdminForm(forms.ModelForm):
    # The logo goes through pacte.images (checked by content, GPS and other metadata removed).
    new_logo = LogoField(
        label="Nouveau logo",
        required=False,
        help_text="JPEG, PNG, WebP ou GIF. Les métadonnées de l'image (position GPS…) sont retirées.",
    )
    remove_logo = forms.BooleanField(label="Retirer le logo actuel", required=False)

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "slug",
            "summary",
            "description",
            "email",
            "phone",
            "website",
            "commune",
            "themes",
            "rna",
            "siret",
            "is_active",
            "publishes_events_directly",
        ]


@admin.register(Organisation)
class OrganisationAdmin(ServiceModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "commune", "member_count", "is_active", "created_at"]
    list_filter = [
        ("kind", titled("type de structure")),
        ("is_active", titled("structure active")),
        "themes",
        ("commune", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "commune__name", "rna", "siret", "email"]
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

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        values = {name: data[name] for name in ORGANISATION_STAFF_FIELDS if name in data}
        themes = list(data.get("themes") or [])
        if change:
            return organisation_update(
                organisation=obj,
                by=request.user,
                themes=themes,
                logo=data.get("new_logo"),
                remove_logo=data.get("remove_logo", False),
                reason="Modifié dans l'administration.",
                **values,
            )
        return organisation_create(by=request.user, themes=themes, logo=data.get("new_logo"), **values)

    def has_delete_permission(self, request, obj=None):
        # Deactivate it instead: events, memberships' history and decisions keep pointing at it.
        return False

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_membership_formset(self, request, formset, form.instance)
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Membership)
class MembershipAdmin(ServiceModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", ("organisation__kind", titled("type de structure"))]
    search_fields = [
        "organisation__name",
        "organisation__commune__name",
        "user__email",
        "user__first_name",
        "user__last_name",
    ]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    ordering = ["organisation__name", "user__last_name", "user__first_name"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a membership to another person or structure is a removal and an addition.
        return ["user", "organisation"] if obj is not None else []

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            return membership_change_role(
                membership=obj, role=data["role"], by=request.user, reason="Modifié dans l'administration."
            )
        return membership_add(
            organisation=data["organisation"],
            user=data["user"],
            role=data["role"],
            by=request.user,
            reason="Ajouté dans l'administration.",
        )

    def delete_through_service(self, request, obj):
        membership_remove(membership=obj, by=request.user, reason="Retiré dans l'administration.")


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


class AttendanceFilter(admin.SimpleListFilter):
    title = "présences"
    parameter_name = "presences"

    def lookups(self, request, model_admin):
        return [("a-saisir", "À saisir"), ("saisies", "Saisies")]

    def queryset(self, request, queryset):
        if self.value() == "a-saisir":
            return queryset.filter(pk__in=Event.objects.awaiting_attendance().values("pk"))
        if self.value() == "saisies":
            return queryset.filter(attendance_recorded_at__isnull=False)
        return queryset


class EventWhenFilter(admin.SimpleListFilter):
    title = "date"
    parameter_name = "quand"

    def lookups(self, request, model_admin):
        return [("a-venir", "À venir"), ("passes", "Passés")]

    def queryset(self, request, queryset):
        if self.value() == "a-venir":
            return queryset.filter(ends_at__gte=timezone.now())
        if self.value() == "passes":
            return queryset.filter(ends_at__lt=timezone.now())
        return queryset


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "action",
            "summary",
            "description",
            "organiser",
            "themes",
            "commune",
            "place",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "registration_required",
            "audience",
            "is_published",
            "walk_in_count",
        ]

    def clean_capacity(self):
        # The reason shows next to the field; the service checks again under the row lock.
        capacity = self.cleaned_data.get("capacity")
        if self.instance.pk:
            current = Event.objects.only("seats_taken").get(pk=self.instance.pk)
            refusal = capacity_refusal(event=current, capacity=capacity)
            if refusal:
                raise forms.ValidationError(refusal, code="capacity_below_confirmed")
        return capacity


def save_attendance_formset(modeladmin, request, formset) -> None:
    changed = []
    for form in formset.forms:
        if form.instance.pk and "attended" in form.changed_data:
            try:
                registration_set_attended(
                    registration=form.instance, attended=form.cleaned_data["attended"], by=request.user
                )
                changed.append((form.instance, ["attended"]))
            except RefusedError as error:
                modeladmin.message_user(request, f"{form.instance} : {refusal_text(error)}", "error")
    mark_formset_saved(formset, changed=changed)


@admin.register(Event)
class EventAdmin(ServiceModelAdmin):
    form = EventAdminForm
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
        EventWhenFilter,
        AttendanceFilter,
        "action",
        ("is_published", titled("publication")),
        "themes",
        ("commune", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "commune__name", "place", "organiser__name"]
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

    def get_ordering(self, request):
        # What agents look for first: the next events, soonest first; then the past, latest first.
        now = timezone.now()
        past = Q(ends_at__lt=now)
        return [
            Case(When(past, then=Value(1)), default=Value(0)).asc(),
            Case(When(~past, then=F("starts_at"))).asc(nulls_last=True),
            Case(When(past, then=F("starts_at"))).desc(nulls_last=True),
        ]

    @admin.display(description="en attente", ordering="n_waitlisted")
    def waitlisted(self, obj):
        return obj.n_waitlisted

    def save_through_service(self, request, obj, form, change):
        themes = list(form.cleaned_data.get("themes") or [])
        if change:
            # Only what the agent changed: the form's date-times drop microseconds, for instance.
            values = {name: form.cleaned_data[name] for name in form.changed_data if name in EVENT_FIELDS}
            return event_update(
                event=obj,
                by=request.user,
                themes=themes if "themes" in form.changed_data else None,
                reason="Modifié dans l'administration.",
                **values,
            )
        values = {name: value for name, value in form.cleaned_data.items() if name in EVENT_FIELDS}
        return event_create(by=request.user, themes=themes, **values)

    def delete_through_service(self, request, obj):
        event_delete(event=obj, by=request.user, reason="Supprimé dans l'administration.")

    def save_formset(self, request, form, formset, change):
        if formset.model is Registration:
            save_attendance_formset(self, request, formset)
        else:
            super().save_formset(request, form, formset, change)

    @admin.action(description="Publier les événements choisis")
    def publish(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda event: event_publish(event=event, by=request.user, reason="Publié par l'équipe."),
            "événement(s) publié(s).",
        )

    @admin.action(description="Dépublier les événements choisis")
    def unpublish(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            lambda event: event_unpublish(event=event, by=request.user, reason="Dépublié par l'équipe."),
            "événement(s) dépublié(s).",
        )


@admin.register(Registration)
class RegistrationAdmin(ServiceModelAdmin):
    list_display = ["event", "user", "status", "attended", "created_at", "cancelled_at"]
    list_filter = [
        "status",
        ("attended", titled("présence")),
        ("event__action", titled("action du PACTE")),
    ]
    search_fields = ["event__title", "event__commune__name", "user__email", "user__last_name"]
    list_select_related = ["event", "user"]
    ordering = ["-created_at"]
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

    def has_delete_permission(self, request, obj=None):
        # Deleting would leave the event's seat count and waiting list wrong: cancel instead.
        return False

    def save_through_service(self, request, obj, form, change):
        if "attended" in form.changed_data:
            return registration_set_attended(
                registration=obj, attended=form.cleaned_data["attended"], by=request.user
            )
        return obj

    @admin.action(description="Annuler les inscriptions choisies (promeut la liste d'attente)")
    def cancel_registrations(self, request, queryset):
        run_each(
            self,
            request,
            queryset.select_related("event"),
            lambda registration: registration_cancel(
                registration=registration, by=request.user, reason="Annulée par l'équipe."
            ),
            "inscription(s) annulée(s).",
        )


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):  # renamed or removed since the entry was written
        return name


class AuditAppFilter(admin.SimpleListFilter):
    """Which part of the portal the entry concerns: the app of the object changed."""

    title = "partie du portail"
    parameter_name = "partie"

    def lookups(self, request, model_admin):
        # The portal's own apps (the kernel and the action apps), never a library's technical types.
        from .portal import portal_apps

        names = {app.label: app.verbose_name for app in portal_apps()}
        labels = AuditEntry.objects.order_by().values_list("content_type__app_label", flat=True).distinct()
        choices = [(label, names[label]) for label in labels if label in names]
        return sorted(choices, key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type__app_label=self.value())
        return queryset


class AuditVerbFilter(admin.SimpleListFilter):
    """What happened, in the journal's French words (pacte.services.audit.register_verbs)."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        verbs = AuditEntry.objects.order_by().values_list("verb", flat=True).distinct()
        return sorted(((verb, verb_label(verb)) for verb in verbs), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(verb=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "who", "what", "object_repr", "state_change", "reason"]
    list_filter = [AuditAppFilter, AuditVerbFilter]
    search_fields = ["object_repr", "actor__email", "actor__last_name", "reason"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    fields = ["created_at", "who", "what", "object_repr", "state_change", "reason", "details"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="par", ordering="actor__email")
    def who(self, obj):
        return obj.actor_label

    @admin.display(description="action", ordering="verb")
    def what(self, obj):
        return verb_label(obj.verb)

    @admin.display(description="changement d'état")
    def state_change(self, obj):
        before, after = state_label(obj.from_state, obj.verb), state_label(obj.to_state, obj.verb)
        if before and after:
            return f"{before} → {after}"
        return after or (f"était {before}" if before else "—")

    @admin.display(description="détails")
    def details(self, obj):
        # Field names in the model's words, people by their journal label: never raw identifiers.
        if not obj.data:
            return "—"
        model = obj.content_type.model_class()
        lines = []
        for key, value in obj.data.items():
            if key == "fields" and isinstance(value, list):
                lines.append("champs modifiés : " + ", ".join(_field_label(model, name) for name in value))
            elif key == "user":
                person = User.objects.filter(pk=value).first()
                lines.append("personne : " + (person.audit_label if person else f"compte n° {value}"))
            else:
                lines.append(f"{key} : {value}")
        return " ; ".join(lines)


class PrivateDocumentAdminForm(forms.ModelForm):
    class Meta:
        model = PrivateDocument
        fields = ["title", "file", "organisation"]

    def clean_file(self):
        from .documents import sniff_document

        uploaded = self.cleaned_data.get("file")
        if uploaded is not None and hasattr(uploaded, "content_type"):  # a new upload
            sniff_document(uploaded)
        return uploaded


@admin.register(PrivateDocument)
class PrivateDocumentAdmin(ServiceModelAdmin):
    form = PrivateDocumentAdminForm
    list_display = ["title", "organisation", "uploaded_by", "content_type", "created_at"]
    search_fields = ["title", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["content_type", "uploaded_by"]

    def get_readonly_fields(self, request, obj=None):
        # The file of a stored document never changes: a new file is a new document.
        return [*self.readonly_fields, "file"] if obj is not None else self.readonly_fields

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            return private_document_update(
                document=obj, title=data["title"], organisation=data["organisation"], by=request.user
            )
        return private_document_create(
            title=data["title"], uploaded=data["file"], organisation=data["organisation"], by=request.user
        )

    def delete_through_service(self, request, obj):
        private_document_delete(document=obj, by=request.user, reason="Supprimé dans l'administration.")


from . import admin_exchanges  # noqa: E402,F401
