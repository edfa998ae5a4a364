"""Admin of the exchanges (imported at the end of pacte/admin.py). Moderation and corrections go
through the services, so every hide, restore and edit is audited; topics and replies are hidden,
never deleted, so the discussion's history stays readable to moderators."""

from django.contrib import admin

from .admin_french import titled
from .admin_tools import ServiceModelAdmin, run_each
from .models import ExchangeOptOut, Reply, Topic
from .services.exchanges import (
    reply_hide,
    reply_restore,
    reply_update,
    topic_hide,
    topic_restore,
    topic_update,
)


def _run(modeladmin, request, queryset, service, key, done_text):
    run_each(
        modeladmin,
        request,
        queryset,
        lambda obj: service(**{key: obj}, by=request.user, reason="Modération par l'équipe."),
        done_text,
    )


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
class TopicAdmin(ServiceModelAdmin):
    list_display = [
        "title",
        "network",
        "organisation",
        "author",
        "reply_total",
        "is_hidden",
        "last_activity_at",
    ]
    list_filter = [
        ("network", titled("réseau")),
        ("is_hidden", titled("masqué par la modération")),
        ("organisation", titled("structure", admin.RelatedOnlyFieldListFilter)),
    ]
    search_fields = ["title", "body", "author__email", "organisation__name", "organisation__commune__name"]
    ordering = ["-last_activity_at"]
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

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        return topic_update(
            topic=obj,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            by=request.user,
            reason="Corrigé par l'équipe.",
        )

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
class ReplyAdmin(ServiceModelAdmin):
    list_display = ["__str__", "author", "is_hidden", "created_at"]
    list_filter = [("is_hidden", titled("masquée par la modération")), ("topic__network", titled("réseau"))]
    ordering = ["-created_at"]
    search_fields = ["body", "author__email", "topic__title"]
    list_select_related = ["topic", "author"]
    readonly_fields = ["topic", "author", "is_hidden", "hidden_at"]
    fields = ["topic", "body", "author", "is_hidden", "hidden_at"]
    actions = ["hide", "restore"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        return reply_update(
            reply=obj, body=form.cleaned_data["body"], by=request.user, reason="Corrigé par l'équipe."
        )

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

    def has_delete_permission(self, request, obj=None):
        # A person's choice not to be notified is theirs to change (Mon espace), not the team's.
        return False
