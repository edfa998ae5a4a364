"""Every write of the tool library and its loans (docs/conventions.md): atomic, validated,
audited, refused with a French reason, e-mails after commit, the public catalogue renewed.

Who may do what, in one place:
- a tool: the référents of its labelled owner association, staff for the Métropole's (and all);
- a loan request: a référent of a labelled association, for that association;
- accept / refuse: the owner's référents (the copy's lender), or staff;
- pick-up: the lender's or the borrower's référents, or staff; return: the lender or staff;
- hand-off: the giving borrower's référents confirm the giving, the next borrower's the receiving.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pacte.cache import invalidate
from pacte.documents import sniff_document
from pacte.emails import send_templated_email
from pacte.enums import MembershipRole, StaffGroup
from pacte.images import ProcessedImage
from pacte.models import Event, Membership, Organisation, User
from pacte.models.organisations import referent_q
from pacte.permissions import acts_as_staff
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..access import referent_organisations
from .enums import BLOCKING_STATUSES, CopyCondition, LoanStatus
from .models import (
    MAX_COPIES,
    MAX_FILES,
    MAX_LEAD_DAYS,
    MAX_LOAN_DAYS,
    MAX_PHOTOS,
    Loan,
    LoanHandoff,
    Tool,
    ToolCopy,
    ToolFile,
    ToolPhoto,
)

AREA = "associations"
TOOL_FIELDS = ("title", "kind", "summary", "description", "public", "age_min", "age_max")
# Generous for people, tight for scripts (pacte.ratelimit, with the limit given here).
LIMITS = {"tool": "20/h", "upload": "40/h", "loan": "20/h"}


# --- Permissions ------------------------------------------------------------------------------


def can_edit_tool(*, tool: Tool, user) -> bool:
    return Tool.objects.editable_by(user).filter(pk=tool.pk).exists()


def _check_tool_editor(tool: Tool, by) -> None:
    if not can_edit_tool(tool=tool, user=by):
        raise RefusedError(
            "Seuls les référents de l'association propriétaire et l'équipe du PACTE gèrent cet outil.",
            code="not_owner",
        )


def _check_owner(owner, by) -> None:
    if owner is None:
        if not acts_as_staff(by):
            raise RefusedError("Seule l'équipe du PACTE gère les outils de la Métropole.", code="not_staff")
    elif not acts_as_staff(by) and not referent_organisations(by).filter(pk=owner.pk).exists():
        raise RefusedError(
            "Seuls les référents d'une association labellisée Relais COP21 proposent ses outils.",
            code="not_referent",
        )


def _is_referent(user, organisation) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return Organisation.objects.filter(pk=organisation.pk).filter(referent_q(user)).exists()


def is_lender(*, loan: Loan, user) -> bool:
    """The owner's référents decide; staff decide for every tool (alone for the Métropole's)."""
    return acts_as_staff(user) or _is_referent(user, loan.copy.tool.owner)


def is_borrower(*, loan: Loan, user) -> bool:
    return _is_referent(user, loan.borrower)


def _referent_emails(organisation) -> list[str]:
    if organisation is None:
        return []
    return list(
        Membership.objects.filter(
            organisation=organisation, role=MembershipRole.REFERENT, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


# --- Tools ------------------------------------------------------------------------------------


def _add_photos(tool: Tool, photos: list[ProcessedImage]) -> None:
    start = tool.photos.count()
    if start + len(photos) > MAX_PHOTOS:
        raise RefusedError(f"{MAX_PHOTOS} photos au plus par outil.", code="too_many_photos")
    for position, processed in enumerate(photos, start=start):
        ToolPhoto.objects.create(
            tool=tool, image=processed.image, thumbnail=processed.thumbnail, position=position
        )


@transaction.atomic
def tool_create(*, owner, by, themes=(), photos: list[ProcessedImage] = (), **fields) -> Tool:
    """A référent adds a tool of their labelled association (staff: any, or the Métropole's)."""
    _check_owner(owner, by)
    rate_limit(by=by, action="reseau.tool", limit=LIMITS["tool"])
    rate_limit(by=by, action="reseau.upload", cost=len(photos), limit=LIMITS["upload"])
    tool = Tool(owner=owner, created_by=by, **{name: fields.get(name) for name in TOOL_FIELDS})
    tool.title = (tool.title or "").strip()
    tool.full_clean()
    tool.save()
    tool.themes.set(themes)
    _add_photos(tool, list(photos))
    audit_log(target=tool, verb="tool.create", by=by, data={"photos": len(photos)})
    transaction.on_commit(lambda: invalidate(AREA))
    return tool


@transaction.atomic
def tool_update(*, tool: Tool, by, themes=None, photos: list[ProcessedImage] = (), **fields) -> Tool:
    """Correct a tool's description (its owner never changes here); new photos are appended."""
    _check_tool_editor(tool, by)
    rate_limit(by=by, action="reseau.upload", cost=len(photos), limit=LIMITS["upload"])
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    for name in TOOL_FIELDS:
        if name in fields:
            setattr(tool, name, fields[name])
    tool.full_clean()
    tool.save()
    if themes is not None:
        tool.themes.set(themes)
    _add_photos(tool, list(photos))
    audit_log(target=tool, verb="tool.update", by=by, data={"photos": len(photos)})
    transaction.on_commit(lambda: invalidate(AREA))
    return tool


@transaction.atomic
def tool_withdraw(*, tool: Tool, by, reason: str = "") -> Tool:
    """Take a tool out of the catalogue; refused while one of its copies has a live loan."""
    _check_tool_editor(tool, by)
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    if tool.is_withdrawn:
        raise RefusedError("Cet outil est déjà retiré du catalogue.", code="already_withdrawn")
    if Loan.objects.filter(copy__tool=tool, status__in=BLOCKING_STATUSES).exists():
        raise RefusedError(
            "Des prêts de cet outil sont demandés, acceptés ou en cours : traitez-les avant de le retirer.",
            code="live_loans",
        )
    tool.is_withdrawn = True
    tool.save(update_fields=["is_withdrawn", "updated_at"])
    audit_log(target=tool, verb="tool.withdraw", by=by, from_state="offert", to_state="retire", reason=reason)
    transaction.on_commit(lambda: invalidate(AREA))
    return tool


@transaction.atomic
def tool_restore(*, tool: Tool, by) -> Tool:
    """Offer a withdrawn tool again."""
    _check_tool_editor(tool, by)
    tool = Tool.objects.select_for_update().get(pk=tool.pk)
    if not tool.is_withdrawn:
        raise RefusedError("Cet outil est déjà au catalogue.", code="not_withdrawn")
    tool.is_withdrawn = False
    tool.save(update_fields=["is_withdrawn", "updated_at"])
    audit_log(target=tool, verb="tool.restore", by=by, from_state="retire", to_state="offert")
    transaction.on_commit(lambda: invalidate(AREA))
    return tool


@transaction.atomic
def tool_photo_delete(*, photo: ToolPhoto, by) -> None:
    """Remove one photo; its files go after commit (a rollback keeps them)."""
    _check_tool_editor(photo.tool, by)
    files = [(f.storage, f.name) for f in (photo.image, photo.thumbnail) if f]
    audit_log(target=photo.tool, verb="tool.photo.delete", by=by, data={"photo": photo.pk})
    photo.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    transaction.on_commit(lambda: invalidate(AREA))


@transaction.atomic
def tool_file_add(*, tool: Tool, title: str, uploaded, is_public: bool, by) -> ToolFile:
    """A file of the tool, checked by content (PDF, office) and kept in private storage."""
    _check_tool_editor(tool, by)
    if tool.files.count() >= MAX_FILES:
        raise RefusedError(f"{MAX_FILES} fichiers au plus par outil.", code="too_many_files")
    rate_limit(by=by, action="reseau.upload", limit=LIMITS["upload"])
    try:
        content_type = sniff_document(uploaded)
    except Exception as error:  # a ValidationError from the kernel helper: a reason to read
        raise RefusedError(" ".join(getattr(error, "messages", [str(error)])), code="document_type") from None
    tool_file = ToolFile(tool=tool, title=title.strip(), is_public=is_public, content_type=content_type)
    tool_file.file.save(uploaded.name, uploaded, save=False)
    tool_file.full_clean()
    tool_file.save()
    audit_log(target=tool, verb="tool.file.add", by=by, data={"file": tool_file.pk, "public": is_public})
    transaction.on_commit(lambda: invalidate(AREA))
    return tool_file


@transaction.atomic
def tool_file_delete(*, tool_file: ToolFile, by) -> None:
    _check_tool_editor(tool_file.tool, by)
    storage, name = tool_file.file.storage, tool_file.file.name
    audit_log(target=tool_file.tool, verb="tool.file.delete", by=by, data={"file": tool_file.pk})
    tool_file.delete()
    transaction.on_commit(lambda: storage.delete(name))
    transaction.on_commit(lambda: invalidate(AREA))


@transaction.atomic
def copy_add(*, tool: Tool, label: str, location: str, condition: str = CopyCondition.GOOD, by) -> ToolCopy:
    """A physical copy of the tool, held at first by its owner."""
    _check_tool_editor(tool, by)
    if tool.copies.count() >= MAX_COPIES:
        raise RefusedError(f"{MAX_COPIES} exemplaires au plus par outil.", code="too_many_copies")
    copy = ToolCopy(
        tool=tool, label=label.strip(), location=location.strip(), condition=condition, holder=tool.owner
    )
    copy.full_clean()
    copy.save()
    audit_log(target=tool, verb="tool.copy.add", by=by, data={"copy": copy.pk})
    transaction.on_commit(lambda: invalidate(AREA))
    return copy


@transaction.atomic
def copy_update(*, copy: ToolCopy, by, **fields) -> ToolCopy:
    """Correct a copy's label, place, state, or take it out of lending (`is_active`)."""
    _check_tool_editor(copy.tool, by)
    copy = ToolCopy.objects.select_for_update().get(pk=copy.pk)
    for name in ("label", "location", "condition", "is_active"):
        if name in fields:
            setattr(copy, name, fields[name])
    copy.full_clean()
    copy.save()
    audit_log(target=copy.tool, verb="tool.copy.update", by=by, data={"copy": copy.pk})
    transaction.on_commit(lambda: invalidate(AREA))
    return copy


# --- Loans ------------------------------------------------------------------------------------


def _locked_copy(copy: ToolCopy) -> ToolCopy:
    # The row lock serialises concurrent requests for one copy (PostgreSQL; SQLite serialises whole
    # transactions, IMMEDIATE mode): the overlap check below then sees every committed loan. The
    # exclusion constraint of the migration is the database's own guard on PostgreSQL.
    return (
        ToolCopy.objects.select_for_update(of=("self",)).select_related("tool", "tool__owner").get(pk=copy.pk)
    )


def _locked_loan(loan: Loan) -> Loan:
    _locked_copy(loan.copy)
    return (
        Loan.objects.select_for_update(of=("self",))
        .select_related("copy", "copy__tool", "copy__tool__owner", "borrower", "event")
        .get(pk=loan.pk)
    )


def _notify(loan: Loan, template: str, *, to_lender=False, to_borrower=False, **context) -> None:
    recipients = []
    if to_lender:
        recipients += _referent_emails(loan.copy.tool.owner)
    if to_borrower:
        recipients += _referent_emails(loan.borrower)
        if loan.requested_by_id and loan.requested_by.email:
            recipients.append(loan.requested_by.email)
    recipients = sorted(set(recipients))
    if recipients:
        send_templated_email(to=recipients, template=template, context={"loan": loan, **context})


def _dacte_emails() -> list[str]:
    """The DACTE administration's active staff with an e-mail: they decide on the Métropole's tools."""
    return sorted(
        set(
            User.objects.filter(is_active=True, is_staff=True, groups__name=StaffGroup.DACTE_ADMIN)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def _audit(loan: Loan, verb: str, by, previous: str, reason: str = "", data=None) -> None:
    audit_log(
        target=loan, verb=verb, by=by, from_state=previous, to_state=loan.status, reason=reason, data=data
    )


@transaction.atomic
def loan_request(
    *,
    copy: ToolCopy,
    borrower: Organisation,
    start_on,
    end_on,
    event: Event | None = None,
    message: str = "",
    by,
) -> Loan:
    """A référent of a labelled association asks for a copy, for inclusive dates that overlap no
    live loan of the copy (checked under the copy's row lock; on PostgreSQL the exclusion
    constraint holds as well). The lender is told by e-mail."""
    if not referent_organisations(by).filter(pk=borrower.pk).exists():
        raise RefusedError(
            "Seuls les référents d'une association labellisée Relais COP21 empruntent des outils.",
            code="not_referent",
        )
    rate_limit(by=by, action="reseau.loan", limit=LIMITS["loan"])
    today = timezone.localdate()
    if start_on < today:
        raise RefusedError("Le prêt ne peut commencer dans le passé.", code="past")
    if end_on < start_on:
        raise RefusedError("La fin du prêt doit venir après son début.", code="dates_order")
    if (end_on - start_on).days + 1 > MAX_LOAN_DAYS:
        raise RefusedError(f"Un prêt dure {MAX_LOAN_DAYS} jours au plus.", code="too_long")
    if start_on > today + timedelta(days=MAX_LEAD_DAYS):
        raise RefusedError("Un prêt se demande au plus un an à l'avance.", code="too_far")
    if event is not None and event.organiser_id != borrower.pk:
        raise RefusedError("L'événement servi doit être organisé par votre association.", code="event")
    copy = _locked_copy(copy)
    if copy.tool.is_withdrawn or not copy.is_active:
        raise RefusedError("Cet exemplaire n'est pas prêtable pour le moment.", code="not_lendable")
    if copy.tool.owner_id == borrower.pk:
        raise RefusedError("Cet outil appartient déjà à votre association.", code="own_tool")
    if Loan.objects.blocking().filter(copy=copy).overlapping(start_on, end_on).exists():
        raise RefusedError(
            "Cet exemplaire est déjà réservé sur une partie de ces dates : choisissez d'autres dates "
            "ou un autre exemplaire.",
            code="overlap",
        )
    loan = Loan(
        copy=copy,
        borrower=borrower,
        requested_by=by,
        event=event,
        start_on=start_on,
        end_on=end_on,
        message=message.strip(),
        status=LoanStatus.REQUESTED,
    )
    loan.full_clean()
    loan.save()
    _audit(loan, "loan.request", by, "")
    _notify(loan, "reseau_loan_requested", to_lender=True)
    if copy.tool.owner_id is None:
        # The Métropole's tools have no référent to tell: the DACTE decides on them.
        send_templated_email(
            to=_dacte_emails(), template="reseau_loan_requested_dacte", context={"loan": loan}
        )
    return loan


def _check_lender(loan: Loan, by) -> None:
    if not is_lender(loan=loan, user=by):
        raise RefusedError(
            "Seuls les référents de l'association qui prête et l'équipe du PACTE décident de ce prêt.",
            code="not_lender",
        )


def _check_status(loan: Loan, allowed, message: str) -> None:
    if loan.status not in allowed:
        raise RefusedError(f"{message} (ce prêt est « {loan.get_status_display()} »).", code="status")


@transaction.atomic
def loan_accept(*, loan: Loan, by) -> Loan:
    """The lender accepts a request; the borrower is told."""
    loan = _locked_loan(loan)
    _check_lender(loan, by)
    _check_status(loan, [LoanStatus.REQUESTED], "Seule une demande en attente peut être acceptée")
    previous = loan.status
    loan.status, loan.decided_by, loan.decided_at = LoanStatus.ACCEPTED, by, timezone.now()
    loan.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _audit(loan, "loan.accept", by, previous)
    _notify(loan, "reseau_loan_decided", to_borrower=True)
    return loan


@transaction.atomic
def loan_refuse(*, loan: Loan, reason: str, by) -> Loan:
    """The lender refuses a request, or an accepted loan not yet out, with a reason the borrower reads."""
    loan = _locked_loan(loan)
    _check_lender(loan, by)
    _check_status(loan, [LoanStatus.REQUESTED, LoanStatus.ACCEPTED], "Ce prêt ne peut plus être refusé")
    if not reason.strip():
        raise RefusedError("Donnez le motif du refus : l'association le lira.", code="reason_required")
    previous = loan.status
    loan.status, loan.decided_by, loan.decided_at = LoanStatus.REFUSED, by, timezone.now()
    loan.reason = reason.strip()
    loan.full_clean()
    loan.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
    _audit(loan, "loan.refuse", by, previous, reason=loan.reason)
    _notify(loan, "reseau_loan_decided", to_borrower=True)
    return loan


@transaction.atomic
def loan_cancel(*, loan: Loan, by, reason: str = "") -> Loan:
    """The borrowing association (or staff) withdraws a request or an accepted loan not yet out."""
    loan = _locked_loan(loan)
    if not (acts_as_staff(by) or is_borrower(loan=loan, user=by)):
        raise RefusedError(
            "Seuls les référents de l'association emprunteuse annulent ce prêt.", code="not_borrower"
        )
    _check_status(loan, [LoanStatus.REQUESTED, LoanStatus.ACCEPTED], "Ce prêt ne peut plus être annulé")
    previous = loan.status
    loan.status, loan.reason = LoanStatus.CANCELLED, reason.strip()
    loan.save(update_fields=["status", "reason", "updated_at"])
    _audit(loan, "loan.cancel", by, previous, reason=loan.reason)
    _notify(loan, "reseau_loan_update", to_lender=True, what="cancel")
    return loan


@transaction.atomic
def loan_pickup(*, loan: Loan, by) -> Loan:
    """The copy goes out: the borrower holds it now. From the first day of the loan."""
    loan = _locked_loan(loan)
    if not (is_lender(loan=loan, user=by) or is_borrower(loan=loan, user=by)):
        raise RefusedError("Seules les deux associations du prêt enregistrent la sortie.", code="not_party")
    _check_status(loan, [LoanStatus.ACCEPTED], "Seul un prêt accepté peut sortir")
    if loan.start_on > timezone.localdate():
        raise RefusedError("L'exemplaire sort au plus tôt le premier jour du prêt.", code="too_early")
    if Loan.objects.filter(copy=loan.copy, status=LoanStatus.OUT).exists():
        raise RefusedError(
            "L'exemplaire est encore chez l'emprunteur précédent : enregistrez son retour ou un passage de relais.",
            code="still_out",
        )
    previous = loan.status
    loan.status, loan.picked_up_at = LoanStatus.OUT, timezone.now()
    loan.save(update_fields=["status", "picked_up_at", "updated_at"])
    copy = loan.copy
    copy.holder = loan.borrower
    copy.save(update_fields=["holder", "updated_at"])
    _audit(loan, "loan.pickup", by, previous)
    _notify(loan, "reseau_loan_update", to_lender=True, to_borrower=True, what="pickup")
    return loan


@transaction.atomic
def loan_return(*, loan: Loan, condition: str, note: str = "", by) -> Loan:
    """The copy comes back to its owner, in the state the lender notes."""
    loan = _locked_loan(loan)
    _check_lender(loan, by)
    _check_status(loan, [LoanStatus.OUT], "Seul un exemplaire sorti peut être rendu")
    if condition not in CopyCondition.values:
        raise RefusedError("Indiquez l'état de l'exemplaire au retour.", code="condition")
    previous = loan.status
    loan.status, loan.returned_at, loan.return_note = LoanStatus.RETURNED, timezone.now(), note.strip()
    loan.full_clean()
    loan.save(update_fields=["status", "returned_at", "return_note", "updated_at"])
    copy = loan.copy
    copy.holder, copy.condition = copy.tool.owner, condition
    copy.save(update_fields=["holder", "condition", "updated_at"])
    _audit(loan, "loan.return", by, previous, data={"condition": condition})
    _notify(loan, "reseau_loan_update", to_borrower=True, what="return")
    return loan


def handoff_candidates(loan: Loan):
    """The accepted loans of the same copy that may receive it from `loan` (out) directly."""
    return (
        Loan.objects.filter(copy_id=loan.copy_id, status=LoanStatus.ACCEPTED, start_on__gt=loan.start_on)
        .select_related("borrower")
        .order_by("start_on")
    )


@transaction.atomic
def handoff_confirm(
    *, from_loan: Loan, to_loan: Loan, side: str, note: str = "", photo: ProcessedImage | None = None, by
) -> LoanHandoff:
    """One side of a hand-off: `side` "giver" (the out loan's association) or "receiver" (the next
    accepted loan's). Once both confirmed, the first loan ends, the next goes out and the copy is
    held by its borrower; both associations and the lender are told."""
    from_loan = _locked_loan(from_loan)
    to_loan = Loan.objects.select_for_update(of=("self",)).select_related("borrower").get(pk=to_loan.pk)
    if to_loan.copy_id != from_loan.copy_id:
        raise RefusedError("Les deux prêts ne portent pas sur le même exemplaire.", code="other_copy")
    _check_status(from_loan, [LoanStatus.OUT], "Seul un exemplaire sorti peut passer au suivant")
    _check_status(to_loan, [LoanStatus.ACCEPTED], "Le prêt suivant doit être accepté")
    if to_loan.start_on <= from_loan.start_on:
        raise RefusedError("Le prêt suivant doit commencer après celui-ci.", code="order")
    if to_loan.start_on > timezone.localdate() + timedelta(days=7):
        raise RefusedError(
            "Le passage de relais se fait au plus tôt une semaine avant le prêt suivant.", code="too_early"
        )
    if side == "giver":
        allowed = acts_as_staff(by) or is_borrower(loan=from_loan, user=by)
    elif side == "receiver":
        allowed = acts_as_staff(by) or _is_referent(by, to_loan.borrower)
    else:
        raise RefusedError("Côté du passage inconnu.", code="side")
    if not allowed:
        raise RefusedError(
            "Seuls les référents des deux associations enregistrent le passage de relais.", code="not_party"
        )
    handoff = LoanHandoff.objects.select_for_update().filter(from_loan=from_loan).first()
    if handoff is not None and handoff.to_loan_id != to_loan.pk:
        raise RefusedError(
            "Un passage vers un autre prêt est déjà en cours pour cet exemplaire.", code="other_handoff"
        )
    if handoff is None:
        if LoanHandoff.objects.filter(to_loan=to_loan).exists():
            raise RefusedError("Ce prêt reçoit déjà l'exemplaire d'un autre passage.", code="other_handoff")
        handoff = LoanHandoff(from_loan=from_loan, to_loan=to_loan)
    now = timezone.now()
    if side == "giver":
        if handoff.giver_at:
            raise RefusedError("La remise est déjà confirmée.", code="already_confirmed")
        handoff.giver_by, handoff.giver_at, handoff.giver_note = by, now, note.strip()
    else:
        if handoff.receiver_at:
            raise RefusedError("La réception est déjà confirmée.", code="already_confirmed")
        handoff.receiver_by, handoff.receiver_at, handoff.receiver_note = by, now, note.strip()
    if photo is not None:
        rate_limit(by=by, action="reseau.upload", limit=LIMITS["upload"])
        handoff.photo, handoff.thumbnail = photo.image, photo.thumbnail
    handoff.full_clean()
    handoff.save()
    audit_log(
        target=from_loan,
        verb=f"loan.handoff.{side}",
        by=by,
        data={"to_loan": to_loan.pk},
        reason=note.strip(),
    )
    if handoff.is_complete:
        from_loan.status, from_loan.returned_at = LoanStatus.HANDED_OFF, now
        from_loan.return_note = handoff.giver_note
        from_loan.save(update_fields=["status", "returned_at", "return_note", "updated_at"])
        to_loan.status, to_loan.picked_up_at = LoanStatus.OUT, now
        to_loan.save(update_fields=["status", "picked_up_at", "updated_at"])
        copy = from_loan.copy
        copy.holder = to_loan.borrower
        copy.save(update_fields=["holder", "updated_at"])
        _audit(from_loan, "loan.handoff", by, LoanStatus.OUT, data={"to_loan": to_loan.pk})
        _notify(
            from_loan,
            "reseau_loan_update",
            to_lender=True,
            to_borrower=True,
            what="handoff",
            next_loan=to_loan,
        )
        _notify(to_loan, "reseau_loan_update", to_borrower=True, what="handoff_in", previous_loan=from_loan)
    return handoff


# --- Reminders --------------------------------------------------------------------------------


def loan_send_reminders(now=None) -> int:
    """E-mail the borrower the day before an accepted loan starts, and the day after an out loan
    should have ended; each loan gets each reminder once (claimed before sending: safe to run twice)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    kinds = (
        (
            "start_reminder_sent_at",
            Loan.objects.filter(
                status=LoanStatus.ACCEPTED, start_on__lte=today + timedelta(days=1), start_on__gte=today
            ),
            "start",
        ),
        ("end_reminder_sent_at", Loan.objects.filter(status=LoanStatus.OUT, end_on__lt=today), "end"),
    )
    for field, due, kind in kinds:
        due = due.filter(**{f"{field}__isnull": True}).select_related(
            "copy", "copy__tool", "copy__tool__owner", "borrower", "requested_by"
        )
        for loan in due.iterator(chunk_size=200):
            with transaction.atomic():
                # Claim first: a second run (or worker) finds the mark and sends nothing.
                claimed = Loan.objects.filter(pk=loan.pk, **{f"{field}__isnull": True}).update(**{field: now})
                if not claimed:
                    continue
                audit_log(target=loan, verb=f"loan.remind.{kind}")
                _notify(loan, "reseau_loan_reminder", to_borrower=True, kind=kind)
                sent += 1
    return sent


# --- Personal data ----------------------------------------------------------------------------


def tools_export(user) -> dict:
    """What the tool library holds about the person: tools added, loans asked, decisions, hand-offs."""
    return {
        "outils_ajoutes": [
            {"titre": t.title, "le": t.created_at.isoformat()} for t in Tool.objects.filter(created_by=user)
        ],
        "prets_demandes": [
            {
                "outil": str(loan.copy.tool),
                "association": loan.borrower.name,
                "du": loan.start_on.isoformat(),
                "au": loan.end_on.isoformat(),
                "statut": loan.get_status_display(),
                "message": loan.message,
            }
            for loan in Loan.objects.filter(requested_by=user).select_related("copy__tool", "borrower")
        ],
        "prets_decides": list(Loan.objects.filter(decided_by=user).values_list("pk", flat=True)),
        "passages_de_relais": [
            {
                "pret": h.from_loan_id,
                "suivant": h.to_loan_id,
                "remise": h.giver_note if h.giver_by_id == user.pk else "",
                "reception": h.receiver_note if h.receiver_by_id == user.pk else "",
            }
            for h in LoanHandoff.objects.filter(Q(giver_by=user) | Q(receiver_by=user))
        ],
    }


@transaction.atomic
def tools_erase(user) -> None:
    """The person's account is deleted: the tools and loans stay (they are the associations'),
    without their name."""
    Tool.objects.filter(created_by=user).update(created_by=None)
    Loan.objects.filter(requested_by=user).update(requested_by=None)
    Loan.objects.filter(decided_by=user).update(decided_by=None)
    LoanHandoff.objects.filter(giver_by=user).update(giver_by=None)
    LoanHandoff.objects.filter(receiver_by=user).update(receiver_by=None)
