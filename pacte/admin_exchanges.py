"""Admin of the exchanges (imported at the end of pacte/admin.py). Moderation goes through the
services, so every hide/restore is audited."""

from django.contrib import admin, messages

from .models import ExchangeOptOut, Reply, Topic
from .services.errors import RefusedError
from .services.exchanges import reply_hide, reply_restore, topic_hide, topic_restore


def _run(modeladmin, request, queryset, service, key, done_text):
    done = 0
    for obj in queryset:
        try:
            service(**{key: obj}, by=request.user, reason="Modération par l'équipe.")
            done += 1
        except RefusedError as error:
            modeladmin.message_user(request, f"{obj} : {error.messages[0]}", messages.WARNING)
    modeladmin.message_user(request, f"{done} {done_text}")


class ReplyInline(admin.TabularInline):
    model = Reply
    extra = 0
    fields = ["author", "body", "is_hidden", "created_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "network",
        "organisation",
        "author",
        "reply_total",
        "is_hidden",
        "last_activity_at",
    ]
    list_filter = ["network", "is_hidden", ("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "body", "author__email", "organisation__name"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation", "author"]
    readonly_fields = ["network", "organisation", "author", "is_hidden", "hidden_at", "last_activity_at"]
    fields = [
        "network",
        "organisation",
        "title",
        "body",
        "author",
        "is_hidden",
        "hidden_at",
        "last_activity_at",
    ]
    inlines = [ReplyInline]
    actions = ["hide", "restore"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    def has_add_permission(self, request):
        # Topics are opened on the site by members, through the service.
        return False

    @admin.display(description="réponses", ordering="reply_count")
    def reply_total(self, obj):
        return obj.reply_count

    @admin.action(description="Masquer les sujets choisis")
    def hide(self, request, queryset):
        _run(self, request, queryset, topic_hide, "topic", "sujet(s) masqué(s).")

    @admin.action(description="Rétablir les sujets choisis")
    def restore(self, request, queryset):
        _run(self, request, queryset, topic_restore, "topic", "sujet(s) rétabli(s).")


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "is_hidden", "created_at"]
    list_filter = ["is_hidden", "topic__network"]
    search_fields = ["body", "author__email", "topic__title"]
    list_select_related = ["topic", "author"]
    readonly_fields = ["topic", "author", "is_hidden", "hidden_at"]
    fields = ["topic", "body", "author", "is_hidden", "hidden_at"]
    actions = ["hide", "restore"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Masquer les réponses choisies")
    def hide(self, request, queryset):
        _run(self, request, queryset.select_related("topic"), reply_hide, "reply", "réponse(s) masquée(s).")

    @admin.action(description="Rétablir les réponses choisies")
    def restore(self, request, queryset):
        _run(
            self, request, queryset.select_related("topic"), reply_restore, "reply", "réponse(s) rétablie(s)."
        )


@admin.register(ExchangeOptOut)
class ExchangeOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "created_at"]
    search_fields = ["user__email", "topic__title"]
    list_select_related = ["user", "topic"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
