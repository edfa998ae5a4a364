"""The association's side, in Mon espace: the label, and applications filled step by step, saved as
drafts, checked for completeness and submitted. Members who are not référents get a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.enums import OrganisationKind
from pacte.models import AuditEntry, Organisation
from pacte.models.organisations import referent_q
from pacte.services.errors import RefusedError
from pacte.views.helpers import refusal_status

from ..enums import ApplicationStatus, LabelStatus
from ..forms import (
    AnswersForm,
    BudgetLineFormSet,
    DocumentUploadForm,
    LabelRequestForm,
    MessageForm,
    OtherDocumentUploadForm,
    PlannedActionFormSet,
    ProgrammeForm,
)
from ..models import ApplicationDocument, Campaign, RelaisLabel, SubsidyApplication
from ..models.applications import is_instructor
from ..services.applications import (
    application_add_document,
    application_missing,
    application_remove_document,
    application_set_actions,
    application_set_budget,
    application_start,
    application_submit,
    application_update_answers,
    application_update_programme,
    campaign_refusal,
)
from ..services.instruction import message_post
from ..services.label import current_label, label_request
from .common import editable_application, my_association, visible_application

STEPS = [
    ("programme", "Le programme"),
    ("actions", "Les actions prévues"),
    ("budget", "Le budget"),
    ("documents", "Les pièces justificatives"),
    ("questions", "Questions et déclarations"),
]
STEP_NAMES = [name for name, _ in STEPS]


def _apply_errors(form, errors: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (or at the top)."""
    if hasattr(errors, "error_dict"):
        for field, field_errors in errors.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, errors.messages)


# --- The association's space ------------------------------------------------------------------


@require_safe
def association_space(request, slug):
    organisation = my_association(request, slug)
    labels = list(RelaisLabel.objects.filter(organisation=organisation).order_by("-created_at")[:5])
    label = current_label(organisation)
    pending = next((item for item in labels if item.status == LabelStatus.REQUESTED), None)
    applications = list(
        SubsidyApplication.objects.filter(organisation=organisation)
        .select_related("campaign")
        .order_by("-campaign__year")
    )
    applied = {application.campaign_id for application in applications}
    campaigns = [
        {"campaign": campaign, "refusal": campaign_refusal(campaign, organisation)}
        for campaign in Campaign.objects.open()
        if campaign.pk not in applied
    ]
    return render(
        request,
        "associations/space.html",
        {
            "organisation": organisation,
            "label": label,
            "pending": pending,
            "last_refused": next((item for item in labels if item.status == LabelStatus.REFUSED), None),
            "applications": applications,
            "campaigns": campaigns,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def label_request_view(request, slug):
    organisation = my_association(request, slug)
    if RelaisLabel.objects.filter(organisation=organisation, status=LabelStatus.REQUESTED).exists():
        messages.info(request, "Une demande de label est déjà en cours d'examen.")
        return redirect("associations:space", slug=slug)
    form = LabelRequestForm(
        request.POST or None,
        request.FILES or None,
        initial={"rna": organisation.rna, "siret": organisation.siret},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            label_request(
                organisation=organisation,
                rna=data["rna"],
                siret=data["siret"],
                statutes=data["statutes"],
                charter_accepted=data["charter_accepted"],
                motivation=data["motivation"],
                by=request.user,
            )
        except RefusedError as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, "Votre demande de label est envoyée : la DACTE vous répondra par e-mail."
            )
            return redirect("associations:space", slug=slug)
    return render(
        request,
        "associations/label_request.html",
        {"organisation": organisation, "form": form, "label": current_label(organisation)},
    )


@require_POST
def application_start_view(request, year):
    campaign = get_object_or_404(Campaign.objects.published(), year=year)
    organisations = (
        Organisation.objects.active()
        .filter(kind=OrganisationKind.ASSOCIATION)
        .filter(referent_q(request.user))
        .distinct()
    )
    organisation = get_object_or_404(organisations, slug=request.POST.get("association", ""))
    try:
        application = application_start(campaign=campaign, organisation=organisation, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
        return redirect("associations:campaign", year=year)
    return redirect("associations:application_step", pk=application.pk, step="programme")


# --- Steps ------------------------------------------------------------------------------------


def _step_context(application, step, **extra):
    index = STEP_NAMES.index(step)
    return {
        "application": application,
        "steps": STEPS,
        "step": step,
        "step_title": dict(STEPS)[step],
        "previous_step": STEP_NAMES[index - 1] if index else None,
        "next_step": STEP_NAMES[index + 1] if index + 1 < len(STEP_NAMES) else None,
        **extra,
    }


def _missing_for(application, step):
    return [item for item in application_missing(application) if item.step == step]


def _show_missing(form, missing) -> list:
    """Completeness messages next to their fields (when the person asked to check); the rest is
    returned for the summary at the top."""
    rest = []
    for item in missing:
        if form is not None and item.field in form.fields:
            form.errors.setdefault(item.field, form.error_class()).append(item.message)
        else:
            rest.append(item)
    return rest


def _programme_initial(application):
    return {
        "title": application.title,
        "summary": application.summary,
        "objectives": application.objectives,
        "themes": list(application.themes.all()),
        "publics": application.publics,
        "programme_start": application.programme_start,
        "programme_end": application.programme_end,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def application_step(request, pk, step):
    if step not in STEP_NAMES:
        return redirect("associations:application_step", pk=pk, step="programme")
    application = editable_application(request, pk)
    if not application.is_editable:
        messages.info(request, "Ce dossier a été déposé : il ne peut plus être modifié.")
        return redirect("associations:application_detail", pk=pk)
    if step == "documents":
        return _documents_step(request, application)
    post = request.POST if request.method == "POST" else None
    form = formset = None
    if step == "programme":
        form = ProgrammeForm(post, initial=_programme_initial(application))
    elif step == "actions":
        initial = [
            {
                "title": a.title,
                "public": a.public,
                "expected_participants": a.expected_participants,
                "communes": list(a.communes.all()),
                "starts_on": a.starts_on,
                "ends_on": a.ends_on,
            }
            for a in application.actions.prefetch_related("communes")
        ]
        formset = PlannedActionFormSet(post, initial=initial, prefix="actions")
    elif step == "budget":
        initial = [
            {"category": line.category, "label": line.label, "amount": line.amount}
            for line in application.budget_lines.all()
        ]
        formset = BudgetLineFormSet(post, initial=initial, prefix="budget")
    else:
        questions = list(application.campaign.questions.all())
        form = AnswersForm(
            post,
            questions=questions,
            initial={
                **{f"question-{q.pk}": application.answers.get(str(q.pk), "") for q in questions},
                "certifies_accuracy": application.certifies_accuracy,
                "certifies_obligations": application.certifies_obligations,
            },
        )
    bound = form if form is not None else formset
    if post is not None and bound.is_valid():
        try:
            _save_step(application, step, form, formset, request.user)
        except RefusedError as error:
            messages.error(request, error.messages[0])
        except ValidationError as error:
            if form is not None:
                _apply_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Brouillon enregistré : vous pouvez reprendre plus tard.")
            if "ajouter" in request.POST or "rester" in request.POST:
                return redirect("associations:application_step", pk=pk, step=step)
            index = STEP_NAMES.index(step)
            if index + 1 < len(STEP_NAMES):
                return redirect("associations:application_step", pk=pk, step=STEP_NAMES[index + 1])
            return redirect("associations:application_submit", pk=pk)
    summary = []
    if post is None and request.GET.get("verifier"):
        summary = _show_missing(form, _missing_for(application, step))
    return render(
        request,
        "associations/application_step.html",
        _step_context(application, step, form=form, formset=formset, missing_summary=summary),
    )


def _save_step(application, step, form, formset, user):
    if step == "programme":
        application_update_programme(application=application, by=user, **form.cleaned_data)
    elif step == "actions":
        application_set_actions(application=application, actions=formset.rows(), by=user)
    elif step == "budget":
        application_set_budget(application=application, lines=formset.rows(), by=user)
    else:
        application_update_answers(
            application=application,
            answers=form.answers(),
            certifies_accuracy=form.cleaned_data["certifies_accuracy"],
            certifies_obligations=form.cleaned_data["certifies_obligations"],
            by=user,
        )


def _documents_step(request, application):
    requirements = list(application.campaign.required_documents.all())
    attached = list(application.documents.select_related("document", "requirement"))
    forms = {}
    if request.method == "POST":
        requirement_id = request.POST.get("requirement") or ""
        requirement = next((r for r in requirements if str(r.pk) == requirement_id), None)
        if requirement_id and requirement is None:
            messages.error(request, "Ce document n'est pas demandé par la campagne.")
            return redirect("associations:application_step", pk=application.pk, step="documents")
        form_class = DocumentUploadForm if requirement else OtherDocumentUploadForm
        form = form_class(request.POST, request.FILES, prefix=f"doc-{requirement_id or 'autre'}")
        if form.is_valid():
            try:
                application_add_document(
                    application=application,
                    requirement=requirement,
                    title=form.cleaned_data.get("title", ""),
                    uploaded=form.cleaned_data["file"],
                    by=request.user,
                )
            except RefusedError as error:
                # Rate limit, file no longer editable…: the reason next to the file, the rest as typed.
                form.add_error("file", error.messages[0])
                form.refusal = error  # for refusal_status
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                messages.success(request, "Document ajouté au dossier.")
                return redirect("associations:application_step", pk=application.pk, step="documents")
        forms[requirement_id or "autre"] = form
    missing = (
        {item.field: item.message for item in _missing_for(application, "documents")}
        if request.GET.get("verifier")
        else {}
    )
    rows = [
        {
            "requirement": requirement,
            "attached": [item for item in attached if item.requirement_id == requirement.pk],
            "form": forms.get(str(requirement.pk)) or DocumentUploadForm(prefix=f"doc-{requirement.pk}"),
            "missing": missing.get(f"document-{requirement.pk}"),
        }
        for requirement in requirements
    ]
    other = {
        "attached": [item for item in attached if item.requirement_id is None],
        "form": forms.get("autre") or OtherDocumentUploadForm(prefix="doc-autre"),
    }
    posted = next(iter(forms.values()), None)
    return render(
        request,
        "associations/application_documents.html",
        # `form`: the page's title starts with "Erreur : " when an upload came back.
        _step_context(application, "documents", rows=rows, other=other, form=posted),
        status=refusal_status(posted) if posted is not None else 200,
    )


@require_POST
def document_remove(request, pk, document_pk):
    application = editable_application(request, pk)
    attached = get_object_or_404(
        ApplicationDocument.objects.select_related("document"), application=application, pk=document_pk
    )
    try:
        application_remove_document(attached=attached, by=request.user)
    except RefusedError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Document retiré du dossier.")
    return redirect("associations:application_step", pk=pk, step="documents")


@require_http_methods(["GET", "HEAD", "POST"])
def application_submit_view(request, pk):
    application = editable_application(request, pk)
    if not application.is_editable:
        return redirect("associations:application_detail", pk=pk)
    error = None
    if request.method == "POST":
        try:
            application_submit(application=application, by=request.user)
        except RefusedError as refusal:
            if refusal.code != "incomplete":
                error = refusal.messages[0]
        else:
            messages.success(
                request, "Votre dossier est déposé : vous serez informé·e par e-mail de son instruction."
            )
            return redirect("associations:application_detail", pk=pk)
    missing = application_missing(application)
    by_step = [(name, title, [item for item in missing if item.step == name]) for name, title in STEPS]
    return render(
        request,
        "associations/application_submit.html",
        {
            "application": application,
            "steps": STEPS,
            "missing": missing,
            "by_step": by_step,
            "tried": request.method == "POST",
            "error": error,
            "actions": list(application.actions.prefetch_related("communes")),
            "lines": list(application.budget_lines.all()),
            "totals": application.budget_totals(),
            "themes": list(application.themes.all()),
            "documents": list(application.documents.select_related("document", "requirement")),
        },
    )


# --- The file, its messages -------------------------------------------------------------------


@require_safe
def application_detail(request, pk):
    return _render_detail(request, visible_application(request, pk), MessageForm())


def _render_detail(request, application, message_form, status=200):
    instructor = is_instructor(request.user)
    labels = dict(ApplicationStatus.choices)
    history = []
    for entry in AuditEntry.objects.for_object(application).order_by("created_at", "id"):
        if entry.to_state in labels:
            entry.state_label = labels[entry.to_state]
            history.append(entry)
    return render(
        request,
        "associations/application_detail.html",
        {
            "application": application,
            "instructor_view": instructor and not _is_referent(request.user, application),
            "history": history,
            "payments": list(application.payments.all()),
            "paid": sum(p.amount for p in application.payments.all()),
            "documents": list(application.documents.select_related("document", "requirement")),
            "thread": list(application.messages.select_related("author", "attachment")),
            "message_form": message_form,
            "can_write": application.status != ApplicationStatus.DRAFT
            and _is_referent(request.user, application),
            "bilan": getattr(application, "bilan", None),
        },
        status=status,
    )


def _is_referent(user, application) -> bool:
    return SubsidyApplication.objects.of_referent(user).filter(pk=application.pk).exists()


@require_POST
def application_message(request, pk):
    application = editable_application(request, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message_post(
                application=application,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
                by=request.user,
            )
        except RefusedError as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Message envoyé à l'instruction.")
            return redirect(reverse("associations:application_detail", args=[pk]) + "#messagerie")
    # What was typed stays in the form, with the reason next to it.
    return _render_detail(request, application, form)
