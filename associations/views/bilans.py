"""The bilan, in Mon espace: prefilled with the planned actions and the portal's figures."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.services.errors import RefusedError
from pacte.views.helpers import refusal_status

from ..enums import BILAN_OPEN_STATUSES
from ..forms import BilanForm, BilanPhotoForm, ParticipationFormSet
from ..models import BilanPhoto
from ..services.bilans import bilan_add_photo, bilan_missing, bilan_save, bilan_submit, portal_figures
from .common import editable_application, visible_application
from .referent import _apply_errors


def _bilan_forms(application, post=None):
    bilan = getattr(application, "bilan", None)
    lines = list(application.budget_lines.all())
    initial = {"actions_held": bilan.actions_held, "account": bilan.account} if bilan else {}
    for line in lines:
        initial[f"actual-{line.pk}"] = line.actual_amount
        initial[f"gap-{line.pk}"] = line.gap_explanation
    participations = (
        [
            {"public": p.public, "commune": p.commune, "participants": p.participants}
            for p in bilan.participations.all()
        ]
        if bilan
        else []
    )
    if not participations:
        # Prefilled from the planned actions: one row per public and commune, to be corrected.
        seen = set()
        for action in application.actions.prefetch_related("communes"):
            for commune in action.communes.all():
                if (action.public, commune.pk) not in seen:
                    seen.add((action.public, commune.pk))
                    participations.append({"public": action.public, "commune": commune})
    form = BilanForm(post, lines=lines, initial=initial)
    formset = ParticipationFormSet(post, initial=participations, prefix="participations")
    return form, formset


@require_http_methods(["GET", "HEAD", "POST"])
def bilan(request, pk):
    application = editable_application(request, pk)
    if application.status not in BILAN_OPEN_STATUSES:
        if hasattr(application, "bilan") and application.bilan.submitted_at:
            messages.info(request, "Le bilan est déposé : il ne peut plus être modifié.")
        else:
            messages.info(request, "Le bilan s'ouvre une fois la subvention versée.")
        return redirect("associations:application_detail", pk=pk)
    post = request.POST if request.method == "POST" else None
    form, formset = _bilan_forms(application, post)
    if post is not None and form.is_valid() and formset.is_valid():
        try:
            bilan_save(
                application=application,
                actions_held=form.cleaned_data["actions_held"],
                account=form.cleaned_data["account"],
                participations=formset.rows(),
                actuals=form.actuals(),
                by=request.user,
            )
        except RefusedError as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if "deposer" in request.POST:
                try:
                    bilan_submit(application=application, by=request.user)
                except RefusedError:
                    messages.warning(
                        request, "Bilan enregistré, mais incomplet : voyez ce qui manque ci-dessous."
                    )
                    return redirect(f"{request.path}?verifier=1")
                messages.success(request, "Votre bilan est déposé : la DACTE va l'examiner.")
                return redirect("associations:application_detail", pk=pk)
            messages.success(request, "Bilan enregistré : vous pouvez reprendre plus tard.")
            return redirect("associations:bilan", pk=pk)
    missing = {}
    if post is None and request.GET.get("verifier"):
        application.refresh_from_db()
        missing = bilan_missing(application)
        for field, message in missing.items():
            name = field.replace("line-", "actual-")
            if name in form.fields:
                form.errors.setdefault(name, form.error_class()).append(message)
    return _render_bilan(request, application, form, formset, missing=missing)


def _render_bilan(request, application, form, formset, *, missing=None, photo_form=None, status=200):
    return render(
        request,
        "associations/bilan.html",
        {
            "application": application,
            "bilan": getattr(application, "bilan", None),
            "form": form,
            "formset": formset,
            "photo_form": photo_form or BilanPhotoForm(),
            "figures": portal_figures(application),
            "actions": list(application.actions.prefetch_related("communes")),
            "missing": list((missing or {}).values()),
            "photos": list(application.bilan.photos.all()) if hasattr(application, "bilan") else [],
        },
        status=status,
    )


@require_POST
def bilan_photo(request, pk):
    application = editable_application(request, pk)
    form = BilanPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            bilan_add_photo(
                application=application,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                by=request.user,
            )
        except RefusedError as error:
            form.add_error("image", error.messages)
            form.refusal = error  # for refusal_status
        except ValidationError as error:
            form.add_error("image", error.messages)
        else:
            messages.success(request, "Photo ajoutée au bilan.")
            return redirect("associations:bilan", pk=pk)
    if application.status not in BILAN_OPEN_STATUSES:
        return redirect("associations:bilan", pk=pk)  # it says why
    # Invalid or refused: the bilan again, the caption as typed and the reason next to the photo.
    bilan_form, formset = _bilan_forms(application)
    return _render_bilan(
        request, application, bilan_form, formset, photo_form=form, status=refusal_status(form)
    )


@require_safe
def bilan_photo_file(request, pk, photo_pk, size):
    """A bilan photo, for the association's référents and the instructors only."""
    application = visible_application(request, pk)
    photo = get_object_or_404(BilanPhoto, bilan__application=application, pk=photo_pk)
    if size not in ("image", "vignette"):
        raise Http404
    file = photo.image if size == "image" else photo.thumbnail
    content_type = "image/png" if file.name.endswith(".png") else "image/jpeg"
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
