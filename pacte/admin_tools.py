"""What every model admin of the portal shares: actions and saves go through the services
(docs/architecture.md, "the admin goes through the services").

A service refusal is a reason the agent must read: it is shown as an error message and nothing of
the save is kept (no related rows, no "saved successfully", no admin log entry). Forms show the
usual refusals next to their field beforehand; this catches what changed in between.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from .services.errors import RefusedError

REFUSED_FLAG = "_pacte_admin_refused"


def refusal_text(error: RefusedError) -> str:
    return " ".join(error.messages)


def run_each(modeladmin, request, objects, call, done_text: str) -> int:
    """Call `call(obj)` (a service) for each object; a refusal is reported per object and the
    others go on. Ends with one summary message, "<n> <done_text>"."""
    done = 0
    for obj in objects:
        try:
            call(obj)
            done += 1
        except RefusedError as error:
            modeladmin.message_user(request, f"{obj} : {refusal_text(error)}", messages.WARNING)
    modeladmin.message_user(request, f"{done} {done_text}", messages.SUCCESS if done else messages.INFO)
    return done


def mark_formset_saved(formset, *, new=(), changed=(), deleted=()) -> None:
    """What formset.save() would have recorded, for the admin's change message."""
    formset.new_objects = list(new)
    formset.changed_objects = list(changed)
    formset.deleted_objects = list(deleted)


class ChangedByActionsOnly:
    """For a model admin whose objects change only through its actions or decision pages (which
    call the services): the change page shows the object, without save buttons, and a posted change
    form is refused instead of saving the row with a plain model.save(), unjournaled.

    The change permission stays: it is what the actions and the decision pages require."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        no_save = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        return super().changeform_view(request, object_id, form_url, {**no_save, **(extra_context or {})})


class ServiceModelAdmin(admin.ModelAdmin):
    """A model admin whose saves and deletions call services.

    Subclasses implement `save_through_service(request, obj, form, change)` (returning the saved
    object) and, when deleting is allowed, `delete_through_service(request, obj)`. The saved
    object's state is copied back onto `obj`, which the admin goes on using.
    """

    def save_through_service(self, request, obj, form, change):
        raise NotImplementedError

    def delete_through_service(self, request, obj):
        raise NotImplementedError

    def _refused(self, request, error: RefusedError, prefix: str = "") -> None:
        setattr(request, REFUSED_FLAG, True)
        self.message_user(request, prefix + refusal_text(error), messages.ERROR)

    def was_refused(self, request) -> bool:
        return getattr(request, REFUSED_FLAG, False)

    def save_model(self, request, obj, form, change):
        try:
            saved = self.save_through_service(request, obj, form, change)
        except RefusedError as error:
            self._refused(request, error)
            return
        if saved is not None and saved is not obj:
            obj.pk = saved.pk
            obj._state.adding = False
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # form.save_m2m() is left out on purpose: the services set the many-to-many fields.
        if self.was_refused(request):
            for formset in formsets:
                mark_formset_saved(formset)
            return
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _delete_one(self, request, obj) -> bool:
        # The admin log entry is written with the deletion, in one savepoint: a refused deletion
        # leaves no "deleted" line in the admin history.
        try:
            with transaction.atomic():
                super().log_deletions(request, [obj])
                self.delete_through_service(request, obj)
            return True
        except RefusedError as error:
            self._refused(request, error, prefix=f"{obj} : ")
            return False

    def delete_model(self, request, obj):
        self._delete_one(request, obj)

    def delete_queryset(self, request, queryset):
        done = sum(self._delete_one(request, obj) for obj in queryset)
        if self.was_refused(request) and done:
            self.message_user(request, f"{done} supprimé(s).", messages.SUCCESS, force=True)

    def log_deletions(self, request, queryset):
        # Written by _delete_one, together with each deletion.
        return []

    def log_addition(self, request, obj, message):
        if not self.was_refused(request):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not self.was_refused(request):
            return super().log_change(request, obj, message)

    def message_user(self, request, message, level=messages.INFO, *args, force=False, **kwargs):
        # After a refusal, Django's own "saved/deleted successfully" would contradict the reason.
        if level == messages.SUCCESS and self.was_refused(request) and not force:
            return
        return super().message_user(request, message, level, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        if self.was_refused(request):
            return HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.was_refused(request):
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        if self.was_refused(request):
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj_id])
            )
        return super().response_delete(request, obj_display, obj_id)
