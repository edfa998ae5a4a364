"""One admin page for every decision: a form, a service call, the refusal shown on the form."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from pacte.services.errors import RefusedError


def decision_view(model_admin, request, object_id, move, moves):
    """`moves` = {name: (title, form class, call(obj, cleaned_data, by), success message)}."""
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or move not in moves:
        raise Http404
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    title, form_class, call, success = moves[move]
    form = form_class(request.POST or None, request.FILES or None)
    change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    if request.method == "POST" and form.is_valid():
        try:
            call(obj, form.cleaned_data, request.user)
        except RefusedError as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, success)
            return redirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "title": f"{title} · {obj}",
        "form": form,
        "change_url": change_url,
        "has_file_field": any(field.widget.needs_multipart_form for field in form.fields.values()),
    }
    return TemplateResponse(request, "admin/associations/decision.html", context)
