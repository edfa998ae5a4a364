"""Pages of the tool library and its loans. The catalogue, a tool's page and its public files are
public; network-only files, copies and their holders, the calendar, loans and requests are for the
members of labelled associations and staff (`..access`). Every object comes through a queryset
scoped to the person, so another organisation's object is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pacte.cache import anonymous_page_cache, public_context
from pacte.htmx import wants_fragment
from pacte.models import Organisation
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff
from pacte.views.helpers import action_service, filtered_list, form_service, int_or_404

from ..access import in_network_request, network_roles, referent_organisations
from . import calendar as month
from . import ical, services
from .enums import BLOCKING_STATUSES, LoanStatus
from .filters import ToolFilter
from .forms import CopyForm, HandoffForm, LoanRequestForm, RefuseForm, ReturnForm, ToolFileForm, ToolForm
from .models import Loan, LoanHandoff, Tool, ToolCopy, ToolFile, ToolPhoto

# The tools, copies and loans are this app's; the owners' and holders' names, their communes and
# the themes are the kernel's (its "agenda" area): a renamed association or theme shows at once.
AREAS = ("agenda", "associations")
T = "associations/reseau/tools/"


def _network_or_404(request):
    if not in_network_request(request):
        raise Http404("Réservé au réseau Relais COP21.")


# --- Catalogue --------------------------------------------------------------------------------


@login_not_required
@require_safe
@anonymous_page_cache(60, filterset=ToolFilter, areas=AREAS)
def catalogue(request):
    # The filters and the results are the same for everyone (the catalogue lists the tools on
    # offer; a withdrawn tool only shows on its own page): one public fragment per filters and
    # page, built only on a miss (docs/conventions.md, Performance). Only the filters and the
    # page number key it: an unknown parameter changes nothing on the page.
    context = filtered_list(request, ToolFilter, _catalogue_queryset, "tools", areas=AREAS)
    if wants_fragment(request):
        return render(request, T + "includes/_results_fragment.html", context)
    # The person's links: their labelled associations and roles, one query for the request.
    user = request.user
    staff = user.is_authenticated and acts_as_staff(user)
    roles = network_roles(request)
    context["can_add"] = staff or bool(roles.referent_ids)
    context["in_network"] = staff or bool(roles.roles)
    return render(request, T + "catalogue.html", context)


def _catalogue_queryset():
    # The catalogue lists the tools on offer, the same for everyone: a withdrawn tool only shows
    # on its own page (to its owner's référents and staff), so the results are shared.
    return Tool.objects.offered().for_listing().order_by("title", "id")


def _tool_data(pk) -> Tool:
    """A tool with what its page and its edit page show, the same for everyone who may see them
    (owner, themes, photos, every file and copy), cached under the content version. The views
    check who may see it and pick the files and copies the person may see; an unknown tool is a
    404 raised here, never cached."""

    def build():
        return get_object_or_404(
            Tool.objects.select_related("owner", "owner__commune").prefetch_related(
                "themes",
                "photos",
                Prefetch("files", queryset=ToolFile.objects.order_by("title", "id")),
                Prefetch("copies", queryset=ToolCopy.objects.select_related("holder")),
            ),
            pk=pk,
        )

    return public_context(f"reseau_tools:tool:{pk}", build, areas=AREAS)


def _tool_page(pk) -> dict:
    """A tool's page as it is shown, rendered once per content version from `_tool_data`: its
    public part, its files for the network and for everyone else, its active copies (the
    network's), and what the view decides with (owner, withdrawn, copies or not). Read with the
    versions in one cache round trip: a hit unpickles strings, no instance. An unknown tool is a
    404 raised here, never cached."""
    tool = _tool_data(pk)
    files = list(tool.files.all())
    copies = [copy for copy in tool.copies.all() if copy.is_active]
    return {
        "pk": tool.pk,
        "title": tool.title,
        "summary": tool.summary,
        "owner_id": tool.owner_id,
        "is_withdrawn": tool.is_withdrawn,
        "has_copies": bool(copies),
        "article": render_to_string(T + "includes/_tool_article.html", {"tool": tool}),
        "public_files": render_to_string(
            T + "includes/_tool_files.html",
            {"files": [document for document in files if document.is_public], "in_network": False},
        ),
        "network_files": render_to_string(
            T + "includes/_tool_files.html", {"files": files, "in_network": True}
        ),
        "copies": render_to_string(T + "includes/_tool_copies.html", {"tool": tool, "copies": copies}),
    }


@login_not_required
@require_safe
@anonymous_page_cache(60, areas=AREAS)
def tool_detail(request, pk):
    user = request.user
    staff = user.is_authenticated and acts_as_staff(user)
    # The person's labelled associations and roles (one query per request) answer "in the
    # network?", "may borrow?" and "may edit?"; the tool itself comes from the shared cache.
    roles = network_roles(request)
    referent_of = roles.referent_ids
    network = staff or bool(roles.roles)
    public = public_context(f"reseau_tools:tool:{pk}:page", lambda: _tool_page(pk), areas=AREAS)
    # As Tool.objects.visible_to: a withdrawn tool is its owner's référents' and staff's only.
    if public["is_withdrawn"] and not (staff or public["owner_id"] in referent_of):
        raise Http404("Outil introuvable.")
    context = {"public": public, "in_network": network}
    if network:
        context["loans"] = list(
            Loan.objects.filter(
                copy__tool_id=pk, status__in=BLOCKING_STATUSES, end_on__gte=timezone.localdate()
            )
            .select_related("borrower", "copy")
            .order_by("start_on")[:20]
        )
        context["can_borrow"] = (
            not public["is_withdrawn"] and public["has_copies"] and bool(referent_of - {public["owner_id"]})
        )
    context["can_edit"] = staff or (public["owner_id"] is not None and public["owner_id"] in referent_of)
    return render(request, T + "detail.html", context)


@login_not_required
@require_safe
def tool_file(request, pk, file_pk):
    """Public files to everyone, network-only files to the network; a 404 for the others."""
    tool = get_object_or_404(Tool.objects.visible_to(request.user), pk=pk)
    document = get_object_or_404(ToolFile.objects.visible_to(request.user), tool=tool, pk=file_pk)
    response = FileResponse(
        document.file.open("rb"), content_type=document.content_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="{document.file.name.rsplit("/", 1)[-1]}"'
    response["Cache-Control"] = "public, max-age=600" if document.is_public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def tool_calendar(request, pk):
    _network_or_404(request)
    tool = get_object_or_404(Tool.objects.visible_to(request.user).select_related("owner"), pk=pk)
    today = timezone.localdate()
    first = month.parse_month(request.GET.get("mois"), today)
    copies = list(tool.copies.filter(is_active=True))
    context = {
        "tool": tool,
        "weeks": month.month_grid(tool, copies, first, today),
        "weekdays": month.WEEKDAYS,
        "month_label": month.month_label(first),
        "previous": month.shift(first, -1),
        "next": month.shift(first, 1),
        "copies": copies,
    }
    return render(request, T + "calendar.html", context)


# --- Managing tools ----------------------------------------------------------------------------


def _editable(request, pk) -> Tool:
    return get_object_or_404(Tool.objects.editable_by(request.user).select_related("owner"), pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def tool_create(request):
    user = request.user
    if not (acts_as_staff(user) or referent_organisations(user).exists()):
        raise Http404("Réservé aux référents des associations Relais COP21.")
    form = ToolForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        done, tool = form_service(
            form,
            services.tool_create,
            owner=form.cleaned_data.get("owner"),
            themes=form.cleaned_data["themes"],
            photos=form.cleaned_data["photos"],
            by=user,
            **form.service_fields(),
        )
        if done:
            messages.success(request, "L'outil est au catalogue. Ajoutez ses exemplaires et ses fichiers.")
            return redirect("associations:reseau_tools:edit", pk=tool.pk)
    return render(request, T + "tool_form.html", {"form": form, "tool": None})


@require_http_methods(["GET", "HEAD", "POST"])
def tool_edit(request, pk):
    tool = _editable(request, pk)
    form = ToolForm(request.POST or None, request.FILES or None, instance=tool, user=request.user)
    if request.method == "POST" and form.is_valid():
        done, tool = form_service(
            form,
            services.tool_update,
            tool=tool,
            themes=form.cleaned_data["themes"],
            photos=form.cleaned_data["photos"],
            by=request.user,
            **form.service_fields(),
        )
        if done:
            messages.success(request, "L'outil est enregistré.")
            return redirect("associations:reseau_tools:edit", pk=tool.pk)
    return _edit_page(request, tool, form=form)


def _edit_page(request, tool, *, form=None, file_form=None, copy_form=None, status=200):
    # The editor was checked by `_editable`; what the page lists comes from the shared cache.
    tool = _tool_data(tool.pk)
    context = {
        "tool": tool,
        "form": form or ToolForm(instance=tool, user=request.user),
        "file_form": file_form or ToolFileForm(prefix="fichier"),
        "copy_form": copy_form or CopyForm(prefix="exemplaire"),
    }
    return render(request, T + "tool_form.html", context, status=status)


@require_POST
def tool_file_add(request, pk):
    tool = _editable(request, pk)
    form = ToolFileForm(request.POST, request.FILES, prefix="fichier")
    if form.is_valid():
        done, _ = form_service(
            form,
            services.tool_file_add,
            tool=tool,
            title=form.cleaned_data["title"],
            uploaded=form.cleaned_data["file"],
            is_public=form.cleaned_data["is_public"],
            by=request.user,
        )
        if done:
            messages.success(request, "Le fichier est ajouté.")
            return redirect("associations:reseau_tools:edit", pk=tool.pk)
    return _edit_page(request, tool, file_form=form)


@require_POST
def tool_copy_add(request, pk):
    tool = _editable(request, pk)
    form = CopyForm(request.POST, prefix="exemplaire")
    if form.is_valid():
        done, _ = form_service(form, services.copy_add, tool=tool, by=request.user, **form.cleaned_data)
        if done:
            messages.success(request, "L'exemplaire est ajouté.")
            return redirect("associations:reseau_tools:edit", pk=tool.pk)
    return _edit_page(request, tool, copy_form=form)


@require_POST
def tool_file_delete(request, pk, file_pk):
    tool = _editable(request, pk)
    tool_file_obj = get_object_or_404(ToolFile, tool=tool, pk=file_pk)
    action_service(
        request,
        services.tool_file_delete,
        tool_file=tool_file_obj,
        by=request.user,
        success="Le fichier est retiré.",
    )
    return redirect("associations:reseau_tools:edit", pk=tool.pk)


@require_POST
def tool_photo_delete(request, pk, photo_pk):
    tool = _editable(request, pk)
    photo = get_object_or_404(ToolPhoto, tool=tool, pk=photo_pk)
    action_service(
        request, services.tool_photo_delete, photo=photo, by=request.user, success="La photo est retirée."
    )
    return redirect("associations:reseau_tools:edit", pk=tool.pk)


@require_POST
def tool_withdraw(request, pk):
    tool = _editable(request, pk)
    if tool.is_withdrawn:
        action_service(
            request,
            services.tool_restore,
            tool=tool,
            by=request.user,
            success="L'outil est de nouveau au catalogue.",
        )
    else:
        action_service(
            request,
            services.tool_withdraw,
            tool=tool,
            by=request.user,
            success="L'outil est retiré du catalogue.",
        )
    return redirect("associations:reseau_tools:edit", pk=tool.pk)


# --- Loans ------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def loan_request(request, pk):
    user = request.user
    if not referent_organisations(user).exists():
        raise Http404("Réservé aux référents des associations Relais COP21.")
    tool = get_object_or_404(Tool.objects.visible_to(user).offered().select_related("owner"), pk=pk)
    initial = {}
    start = request.GET.get("du", "")
    if len(start) == 10:
        initial = {"start_on": start, "end_on": start}
    form = LoanRequestForm(request.POST or None, tool=tool, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, loan = form_service(
            form,
            services.loan_request,
            copy=data["copy"],
            borrower=data["borrower"],
            start_on=data["start_on"],
            end_on=data["end_on"],
            event=data["event"],
            message=data["message"],
            by=user,
        )
        if done:
            messages.success(request, "Votre demande est envoyée à l'association qui prête.")
            return redirect(loan.get_absolute_url())
    return render(request, T + "loan_request.html", {"tool": tool, "form": form})


@require_safe
def loans(request):
    """The person's loans board: what waits for their decision, what their associations borrow and lend."""
    _network_or_404(request)
    user = request.user
    staff = acts_as_staff(user)
    roles = network_roles(request)
    mine, referent_of = roles.network_ids, roles.referent_ids
    live = [LoanStatus.REQUESTED, LoanStatus.ACCEPTED, LoanStatus.OUT]
    visible = Loan.objects.visible_to(user).for_listing()
    # What the person's associations borrow and lend, in one query split here.
    ours = (
        list(visible.filter(Q(borrower_id__in=mine) | Q(copy__tool__owner_id__in=mine), status__in=live))
        if mine
        else []
    )
    if staff:
        to_decide = list(
            visible.filter(pk__in=Loan.objects.decidable_by(user).values("pk"), status=LoanStatus.REQUESTED)
        )
    else:
        # Loan.objects.decidable_by: the owner's référents.
        to_decide = [
            loan
            for loan in ours
            if loan.status == LoanStatus.REQUESTED and loan.copy.tool.owner_id in referent_of
        ]
    context = {
        "to_decide": to_decide,
        "borrowed": [loan for loan in ours if loan.borrower_id in mine],
        "lent": [loan for loan in ours if loan.copy.tool.owner_id in mine],
        "overdue": list(visible.overdue()) if staff else [],
        "is_staff": staff,
        "feeds": [(org, ical.feed_url(org)) for org in roles.referent_organisations()],
        "my_tools": list(
            Tool.objects.filter(owner_id__in=referent_of).select_related("owner").order_by("title")
        )
        if not staff and referent_of
        else [],
    }
    return render(request, T + "loans.html", context)


def _visible_loan(request, pk) -> Loan:
    queryset = Loan.objects.visible_to(request.user).select_related(
        "copy", "copy__tool", "copy__tool__owner", "copy__holder", "borrower", "event", "requested_by"
    )
    return get_object_or_404(queryset, pk=pk)


@require_safe
def loan_detail(request, pk):
    loan = _visible_loan(request, pk)
    user = request.user
    # services.is_lender / is_borrower in one query: is the person a référent of either side?
    sides = {loan.copy.tool.owner_id, loan.borrower_id} - {None}
    referent_of = set(
        Organisation.objects.filter(pk__in=sides).filter(referent_q(user)).values_list("pk", flat=True)
    )
    lender = acts_as_staff(user) or loan.copy.tool.owner_id in referent_of
    borrower = loan.borrower_id in referent_of
    context = {"loan": loan, "lender": lender, "borrower": borrower, "staff": acts_as_staff(user)}
    context.update(refuse_form=RefuseForm(), return_form=ReturnForm())
    context.update(next_loans=[], handoff_form=None, receive_form=None, receive_from=None)
    # Both hand-offs of the loan (to the next borrower, from the previous one) in one query.
    handoffs = list(
        LoanHandoff.objects.filter(Q(from_loan=loan) | Q(to_loan=loan))
        .select_related("to_loan__borrower", "from_loan__borrower")
        .order_by("pk")
    )
    handoff = next((h for h in handoffs if h.from_loan_id == loan.pk), None)
    incoming = next((h for h in handoffs if h.to_loan_id == loan.pk), None)
    context["handoff"], context["incoming"] = handoff, incoming
    if loan.status == LoanStatus.OUT and (borrower or context["staff"]):
        context["next_loans"] = (
            list(services.handoff_candidates(loan)) if handoff is None else [handoff.to_loan]
        )
        context["handoff_form"] = HandoffForm()
    if incoming is not None and not incoming.receiver_at and (borrower or context["staff"]):
        context["receive_form"] = HandoffForm()
    if loan.status == LoanStatus.ACCEPTED and incoming is None and (borrower or context["staff"]):
        previous = Loan.objects.filter(
            copy_id=loan.copy_id, status=LoanStatus.OUT, start_on__lt=loan.start_on
        ).first()
        if previous is not None:
            context["receive_from"] = previous
            context["receive_form"] = HandoffForm()
    return render(request, T + "loan_detail.html", context)


def _back(loan):
    return redirect("associations:reseau_tools:loan", pk=loan.pk)


def _loan_move(request, pk, service, *, success, form_class=None, invalid="", fields=()):
    """A button of the loan's page: `service` on the loan the person may see (the service checks
    their rights), its outcome as a message, back to the loan's page. With `form_class`, what the
    button posts is validated first (`invalid` tells what is missing) and its `fields` go to the
    service."""
    loan = _visible_loan(request, pk)
    values = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, invalid)
            return _back(loan)
        values = {name: form.cleaned_data[name] for name in fields}
    action_service(request, service, loan=loan, by=request.user, success=success, **values)
    return _back(loan)


@require_POST
def loan_accept(request, pk):
    return _loan_move(
        request, pk, services.loan_accept, success="Le prêt est accepté ; l'association est prévenue."
    )


@require_POST
def loan_refuse(request, pk):
    return _loan_move(
        request,
        pk,
        services.loan_refuse,
        success="La demande est refusée ; l'association est prévenue.",
        form_class=RefuseForm,
        invalid="Donnez le motif du refus : l'association le lira.",
        fields=("reason",),
    )


@require_POST
def loan_cancel(request, pk):
    return _loan_move(request, pk, services.loan_cancel, success="Le prêt est annulé.")


@require_POST
def loan_pickup(request, pk):
    return _loan_move(request, pk, services.loan_pickup, success="La sortie de l'exemplaire est enregistrée.")


@require_POST
def loan_return(request, pk):
    return _loan_move(
        request,
        pk,
        services.loan_return,
        success="Le retour de l'exemplaire est enregistré.",
        form_class=ReturnForm,
        invalid="Indiquez l'état de l'exemplaire au retour.",
        fields=("condition", "note"),
    )


@require_POST
def loan_handoff(request, pk):
    """One side of a hand-off. The giver posts from the out loan (`to` = the next loan), the
    receiver from the next loan (`from` = the out loan)."""
    loan = _visible_loan(request, pk)
    form = HandoffForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return _back(loan)
    side = request.POST.get("side")
    other_pk = int_or_404(request.POST.get("other"))
    # The other loan of the hand-off is on the same copy (the one the person may see): the next or
    # previous borrower may be a third association; the service checks each side's rights.
    other = get_object_or_404(Loan, pk=other_pk, copy_id=loan.copy_id)
    from_loan, to_loan = (loan, other) if side == "giver" else (other, loan)
    done, handoff = action_service(
        request,
        services.handoff_confirm,
        from_loan=from_loan,
        to_loan=to_loan,
        side=side,
        note=form.cleaned_data["note"],
        photo=form.cleaned_data["photo"],
        by=request.user,
    )
    if done:
        messages.success(
            request,
            "Le passage de relais est enregistré par les deux associations : l'exemplaire change de main."
            if handoff.is_complete
            else "Votre confirmation est enregistrée ; l'autre association confirme à son tour.",
        )
    return _back(loan)


@login_not_required
@require_safe
def loans_ical(request, slug, token):
    organisation = get_object_or_404(Organisation.objects.all(), slug=slug)
    if not ical.token_matches(organisation, token):
        raise Http404("Lien de calendrier invalide.")
    response = HttpResponse(ical.loans_calendar(organisation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prets-{organisation.slug}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
