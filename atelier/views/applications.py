"""An association référent's application, step by step: each step saves the draft."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.models import Organisation
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff
from pacte.services.errors import RefusedError

from ..forms import FIELD_STEP, STEPS, DocumentsForm
from ..models import Application, ApplicationDocument, Call
from ..services.calls import (
    REQUIRED_FIELDS,
    application_attach_document,
    application_missing,
    application_save,
    application_start,
    application_submit,
)

STEP_ORDER = [*STEPS, "documents", "depot"]
STEP_TITLES = {
    **{slug: title for slug, (title, _form) in STEPS.items()},
    "documents": "Documents",
    "depot": "Vérifier et déposer",
}


def application_for(request, pk) -> Application:
    """An application of an association the person is référent of (staff: any); 404 otherwise."""
    return get_object_or_404(
        Application.objects.editable_by(request.user).select_related("call", "organisation"), pk=pk
    )


@require_POST
def application_start_view(request, slug):
    call = get_object_or_404(Call.objects.published(), slug=slug)
    organisation_id = request.POST.get("organisation", "")
    if not organisation_id.isdigit():
        raise Http404("Association inconnue.")
    organisation = get_object_or_404(Organisation.objects.editable_by(request.user), pk=organisation_id)
    try:
        application = application_start(call=call, organisation=organisation, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
        return redirect(call.get_absolute_url())
    return redirect(application.get_absolute_url())


def _next_step(step):
    index = STEP_ORDER.index(step)
    return STEP_ORDER[min(index + 1, len(STEP_ORDER) - 1)]


def _step_url(application, step):
    return f"{application.get_absolute_url()}?etape={step}"


@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request, pk):
    application = application_for(request, pk)
    step = request.GET.get("etape", "projet")
    if step not in STEP_ORDER:
        step = "projet"
    editable = application.is_draft and application.call.is_open()
    if not editable or step == "depot":
        return _recap(request, application, editable)
    call = application.call
    if step == "documents":
        attached = {doc.required_id: doc for doc in application.documents.select_related("document")}
        form = DocumentsForm(
            request.POST or None,
            request.FILES or None,
            required_documents=call.required_documents.all(),
            attached=attached,
        )
        if request.method == "POST" and form.is_valid():
            failed = False
            for required in form.required_documents:
                uploaded = form.cleaned_data.get(f"document-{required.pk}")
                if uploaded:
                    try:
                        application_attach_document(
                            application=application, required=required, uploaded=uploaded, by=request.user
                        )
                    except RefusedError as error:
                        form.add_error(f"document-{required.pk}", error.messages[0])
                        failed = True
            if not failed:
                messages.success(request, "Brouillon enregistré.")
                return redirect(_step_url(application, _next_step(step)))
        context = {"form": form, "attached": attached}
    else:
        form_class = STEPS[step][1]
        form = form_class(request.POST or None, instance=application)
        if request.method == "POST" and form.is_valid():
            data = {
                name: form.cleaned_data[name]
                for name in form_class._meta.fields
                if name not in ("needed_spaces", "themes")
            }
            try:
                application_save(
                    application=application,
                    data=data,
                    spaces=form.cleaned_data.get("needed_spaces") if "needed_spaces" in form.fields else None,
                    themes=form.cleaned_data.get("themes") if "themes" in form.fields else None,
                    by=request.user,
                )
            except RefusedError as error:
                form.add_error(None, error.messages[0])
            else:
                messages.success(request, "Brouillon enregistré.")
                target = step if "rester" in request.POST else _next_step(step)
                return redirect(_step_url(application, target))
        context = {"form": form}
    return render(
        request,
        "atelier/application_form.html",
        {
            **context,
            "application": application,
            "step": step,
            "step_title": STEP_TITLES[step],
            "steps": [(slug, STEP_TITLES[slug]) for slug in STEP_ORDER],
            "missing": application_missing(application) if request.GET.get("verifier") else {},
        },
    )


def _recap(request, application, editable, missing=None):
    """Every field with its value, or what is missing next to it, and the submit button."""
    missing = application_missing(application) if missing is None else missing
    call = application.call
    attached = {doc.required_id: doc for doc in application.documents.select_related("document")}
    rows = [
        ("Titre du projet", application.project_title, "project_title"),
        ("Le projet", application.project, "project"),
        ("Espaces souhaités", ", ".join(s.name for s in application.needed_spaces.all()), "needed_spaces"),
        ("Fréquence", application.get_frequency_display() if application.frequency else "", "frequency"),
        ("Heures par semaine", application.hours_per_week or "", "hours_per_week"),
        ("Partenaires", application.partners, "partners"),
        ("Thèmes", ", ".join(t.name for t in application.themes.all()), "themes"),
        ("Public attendu", application.expected_public, "expected_public"),
        ("Personnes attendues sur l'année", application.expected_attendance or "", "expected_attendance"),
    ]
    fields = [
        {
            "label": label,
            "value": value,
            "missing": missing.get(name),
            "required": name in REQUIRED_FIELDS,
            "url": _step_url(application, FIELD_STEP[name]),
            "id": name,
        }
        for label, value, name in rows
    ]
    documents = [
        {
            "label": required.label,
            "attached": attached.get(required.pk),
            "missing": missing.get(f"document-{required.pk}"),
            "url": _step_url(application, "documents"),
            "id": f"document-{required.pk}",
        }
        for required in call.required_documents.all()
    ]
    return render(
        request,
        "atelier/application_recap.html",
        {
            "application": application,
            "editable": editable,
            "fields": fields,
            "documents": documents,
            "missing": missing,
            "step": "depot",
            "steps": [(slug, STEP_TITLES[slug]) for slug in STEP_ORDER],
        },
    )


@require_POST
def application_submit_view(request, pk):
    application = application_for(request, pk)
    try:
        application_submit(application=application, by=request.user)
    except RefusedError as error:
        if hasattr(error, "error_dict"):
            return _recap(
                request, application, True, missing={k: v[0].message for k, v in error.error_dict.items()}
            )
        messages.error(request, error.messages[0])
        return redirect(application.get_absolute_url())
    messages.success(request, "Candidature déposée. Un e-mail de confirmation vous est envoyé.")
    return redirect(reverse("atelier:application", args=[application.pk]))


@require_safe
def application_document(request, pk, document_pk):
    """A file of an application, for its association's référents and the Atelier's staff (who read
    applications: `atelier.view_application`), never from a public URL; 404 for anyone else.

    Served here rather than by the kernel's private-document view, whose staff permission covers
    every private document (subsidy files, bank details) and belongs to other teams."""
    user = request.user
    if acts_as_staff(user):
        queryset = (
            Application.objects.all()
            if user.has_perm("atelier.view_application")
            else Application.objects.none()
        )
    else:
        queryset = Application.objects.filter(referent_q(user, "organisation__")).distinct()
    application = get_object_or_404(queryset, pk=pk)
    attachment = get_object_or_404(
        ApplicationDocument.objects.select_related("document"), application=application, pk=document_pk
    )
    document = attachment.document
    response = FileResponse(
        document.file.open("rb"), content_type=document.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="{document.file.name.rsplit("/", 1)[-1]}"'
    response["Cache-Control"] = "private, no-store"
    return response
