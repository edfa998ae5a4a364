"""The instruction of an application, as in Démarches Numériques: every move is a service that
refuses an invalid transition with a reason, writes the audit record and tells the association.
Messages go both ways; private notes stay with the instructors."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from pacte.services.audit import audit_log
from pacte.services.documents import private_document_create
from pacte.services.errors import RefusedError

from ..enums import ApplicationStatus as S
from ..models import ApplicationMessage, InstructorNote, Payment, SubsidyApplication
from ..models.applications import is_instructor
from .common import (
    absolute,
    add_months,
    admin_url,
    euros,
    instructor_emails,
    is_referent,
    limit,
    notify,
    referent_emails,
    renew_public_pages,
)

# Which statuses each move starts from (the lifecycle of the issue, point 4).
ALLOWED_FROM = {
    "take_up": (S.SUBMITTED,),
    "request_correction": (S.SUBMITTED, S.IN_REVIEW),
    "accept": (S.SUBMITTED, S.IN_REVIEW),
    "refuse": (S.SUBMITTED, S.IN_REVIEW),
    "dismiss": (S.SUBMITTED, S.IN_REVIEW, S.CORRECTION, S.ACCEPTED),
    "sign_convention": (S.ACCEPTED,),
    "record_payment": (S.CONVENTION_SIGNED, S.PAID),
    "request_bilan": (S.PAID,),
}
BILAN_DELAY_MONTHS = 6


def allowed_moves(application) -> list[str]:
    return [move for move, origins in ALLOWED_FROM.items() if application.status in origins]


def _require_instructor(by) -> None:
    # `by=None` is the system (a periodic task); a person must be an instructor acting as staff.
    if by is not None and not (is_instructor(by) and by.has_perm("associations.change_subsidyapplication")):
        raise PermissionDenied("Réservé à l'instruction des subventions.")


def _locked(application, move: str, by) -> SubsidyApplication:
    _require_instructor(by)
    application = (
        SubsidyApplication.objects.select_for_update(of=("self",))
        .select_related("campaign", "organisation")
        .get(pk=application.pk)
    )
    if application.status not in ALLOWED_FROM[move]:
        allowed = ", ".join(f"« {S(value).label} »" for value in ALLOWED_FROM[move])
        raise RefusedError(
            f"Impossible depuis l'état « {application.get_status_display()} » : "
            f"cette étape s'applique aux dossiers {allowed}.",
            code="invalid_transition",
        )
    return application


def _move(application, to_status, *, verb, by, reason="", data=None, fields=()):
    before = application.status
    application.status = to_status
    application.full_clean()
    application.save()
    audit_log(
        target=application, verb=verb, by=by, from_state=before, to_state=to_status, reason=reason, data=data
    )
    renew_public_pages()
    return application


def _tell_association(application, *, subject, lines, quote=""):
    notify(
        to=referent_emails(application.organisation),
        subject=f"{application.reference} · {subject}",
        lines=lines,
        quote=quote,
        url=absolute(reverse("associations:application_detail", args=[application.pk])),
        link_label="Voir le dossier",
    )


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


@transaction.atomic
def application_take_up(*, application, by) -> SubsidyApplication:
    """An instructor takes the file up (déposée → en instruction)."""
    application = _locked(application, "take_up", by)
    application.instructor = by if by is not None and by.is_authenticated else application.instructor
    _move(application, S.IN_REVIEW, verb="application.take_up", by=by)
    _tell_association(
        application,
        subject="dossier en instruction",
        lines=[f"Votre demande « {application.title} » est en cours d'instruction par la Métropole."],
    )
    return application


@transaction.atomic
def application_request_correction(*, application, message: str, by) -> SubsidyApplication:
    """Send the file back to the association with what to correct; it edits and resubmits."""
    application = _locked(application, "request_correction", by)
    message = _required(message, "message", "Dites à l'association ce qu'elle doit corriger.")
    application.correction_request = message
    _move(application, S.CORRECTION, verb="application.request_correction", by=by, reason=message)
    ApplicationMessage.objects.create(application=application, author=by, from_instructor=True, body=message)
    _tell_association(
        application,
        subject="correction demandée",
        lines=[
            f"L'instruction de votre demande « {application.title} » demande une correction :",
        ],
        quote=message,
    )
    return application


@transaction.atomic
def application_accept(
    *, application, granted_amount: Decimal, decision_reference: str, decision_date: date, conditions: str, by
) -> SubsidyApplication:
    """Grant `granted_amount` (at most the amount requested) with the decision's reference and date."""
    application = _locked(application, "accept", by)
    requested = application.requested_amount
    if granted_amount is None or granted_amount <= 0:
        raise ValidationError({"granted_amount": "Indiquez le montant accordé."})
    if granted_amount > requested:
        raise ValidationError(
            {"granted_amount": f"Le montant accordé dépasse le montant demandé ({euros(requested)})."}
        )
    if not application.organisation.siret:
        raise RefusedError(
            "L'association n'a pas de SIRET : il est nécessaire au versement et aux données publiées.",
            code="no_siret",
        )
    application.granted_amount = granted_amount
    application.decision_reference = _required(
        decision_reference, "decision_reference", "Indiquez la référence de la délibération ou de l'arrêté."
    )
    if not decision_date:
        raise ValidationError({"decision_date": "Indiquez la date de la décision."})
    application.decision_date = decision_date
    application.conditions = (conditions or "").strip()
    if application.programme_end:
        application.bilan_due_on = add_months(application.programme_end, BILAN_DELAY_MONTHS)
    _move(
        application,
        S.ACCEPTED,
        verb="application.accept",
        by=by,
        data={"montant": str(granted_amount), "décision": application.decision_reference},
    )
    lines = [
        f"Bonne nouvelle : la Métropole accorde {euros(granted_amount)} à votre programme « {application.title} » "
        f"(décision {application.decision_reference} du {decision_date:%d/%m/%Y}).",
        "La DACTE vous adressera la convention à signer ; le versement suivra sa signature.",
    ]
    if application.bilan_due_on:
        lines.append(
            f"Le bilan du programme sera à déposer au plus tard le {application.bilan_due_on:%d/%m/%Y}."
        )
    _tell_association(application, subject="subvention accordée", lines=lines, quote=application.conditions)
    return application


@transaction.atomic
def application_refuse(*, application, reason: str, by) -> SubsidyApplication:
    application = _locked(application, "refuse", by)
    reason = _required(reason, "reason", "Indiquez le motif du refus : l'association le recevra.")
    application.decision_reason = reason
    _move(application, S.REFUSED, verb="application.refuse", by=by, reason=reason)
    _tell_association(
        application,
        subject="demande non retenue",
        lines=[f"Votre demande « {application.title} » n'a pas été retenue. Motif :"],
        quote=reason,
    )
    return application


@transaction.atomic
def application_dismiss(*, application, reason: str, by) -> SubsidyApplication:
    """Classer sans suite (withdrawn by the association, duplicate, out of scope...)."""
    application = _locked(application, "dismiss", by)
    reason = _required(reason, "reason", "Indiquez pourquoi le dossier est classé sans suite.")
    application.decision_reason = reason
    _move(application, S.DISMISSED, verb="application.dismiss", by=by, reason=reason)
    _tell_association(
        application,
        subject="dossier classé sans suite",
        lines=[f"Votre demande « {application.title} » est classée sans suite. Motif :"],
        quote=reason,
    )
    return application


@transaction.atomic
def application_sign_convention(*, application, signed_on: date, uploaded, by) -> SubsidyApplication:
    """Record the signed convention (uploaded as a private document of the association)."""
    application = _locked(application, "sign_convention", by)
    if not signed_on:
        raise ValidationError({"signed_on": "Indiquez la date de signature."})
    if uploaded is None:
        raise ValidationError({"convention": "Joignez la convention signée."})
    try:
        document = private_document_create(
            title=f"{application.reference} · convention signée",
            uploaded=uploaded,
            organisation=application.organisation,
            by=by,
        )
    except ValidationError as error:
        raise ValidationError({"convention": error.messages}) from None
    application.convention, application.convention_signed_on = document, signed_on
    _move(application, S.CONVENTION_SIGNED, verb="application.sign_convention", by=by)
    _tell_association(
        application,
        subject="convention signée",
        lines=[
            f"La convention de votre programme « {application.title} » est signée ; elle est jointe au dossier."
        ],
    )
    return application


@transaction.atomic
def payment_record(*, application, amount: Decimal, paid_on: date, reference: str = "", by) -> Payment:
    """Record a payment; the payments of a file never add up to more than its grant."""
    application = _locked(application, "record_payment", by)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Indiquez le montant versé."})
    if not paid_on:
        raise ValidationError({"paid_on": "Indiquez la date du versement."})
    paid = application.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    left = application.granted_amount - paid
    if amount > left:
        raise ValidationError(
            {"amount": f"Ce versement dépasse ce qui reste à verser sur la subvention ({euros(left)})."}
        )
    payment = Payment(
        application=application, amount=amount, paid_on=paid_on, reference=reference.strip(), recorded_by=by
    )
    payment.full_clean()
    payment.save()
    if application.status != S.PAID:
        _move(application, S.PAID, verb="application.paid", by=by, data={"montant": str(amount)})
    audit_log(
        target=application,
        verb="payment.record",
        by=by,
        data={"montant": str(amount), "le": paid_on.isoformat()},
    )
    renew_public_pages()
    _tell_association(
        application,
        subject="versement effectué",
        lines=[
            f"La Métropole a versé {euros(amount)} le {paid_on:%d/%m/%Y} pour votre programme « {application.title} » "
            f"({euros(paid + amount)} versés sur {euros(application.granted_amount)}).",
            "Vous pourrez déposer le bilan du programme depuis votre espace, une fois les actions réalisées.",
        ],
    )
    return payment


@transaction.atomic
def application_request_bilan(*, application, by) -> SubsidyApplication:
    """Versée → bilan attendu (by staff, or by the daily task once the programme has ended)."""
    application = _locked(application, "request_bilan", by)
    if not application.bilan_due_on and application.programme_end:
        application.bilan_due_on = add_months(application.programme_end, BILAN_DELAY_MONTHS)
    _move(application, S.BILAN_DUE, verb="application.request_bilan", by=by)
    due = f" au plus tard le {application.bilan_due_on:%d/%m/%Y}" if application.bilan_due_on else ""
    _tell_association(
        application,
        subject="bilan attendu",
        lines=[
            f"Le programme « {application.title} » est terminé : merci de déposer son bilan{due}.",
            "Le formulaire est prérempli avec vos actions prévues et les chiffres du portail "
            "(événements, inscriptions, présences).",
        ],
    )
    return application


# --- Messages and notes -----------------------------------------------------------------------


@transaction.atomic
def message_post(*, application, body: str, attachment=None, by) -> ApplicationMessage:
    """A message on the file, from an instructor or from a référent; the other side is told."""
    application = SubsidyApplication.objects.select_related("organisation", "campaign").get(pk=application.pk)
    from_instructor = is_instructor(by)
    if not from_instructor and not is_referent(by, application.organisation):
        raise PermissionDenied("Seuls l'instruction et les référents de l'association écrivent ici.")
    if application.status == S.DRAFT:
        raise RefusedError("La messagerie s'ouvre quand le dossier est déposé.", code="draft")
    body = _required(body, "body", "Écrivez votre message.")
    limit(by=by, action="associations.message")
    document = None
    if attachment is not None:
        try:
            document = private_document_create(
                title=f"{application.reference} · pièce jointe",
                uploaded=attachment,
                organisation=application.organisation,
                by=by,
            )
        except ValidationError as error:
            raise ValidationError({"attachment": error.messages}) from None
    message = ApplicationMessage(
        application=application, author=by, from_instructor=from_instructor, body=body, attachment=document
    )
    message.full_clean()
    message.save()
    audit_log(target=application, verb="message.post", by=by, data={"instruction": from_instructor})
    if from_instructor:
        _tell_association(
            application,
            subject="nouveau message de l'instruction",
            lines=["Vous avez reçu un message :"],
            quote=body,
        )
    else:
        notify(
            to=instructor_emails(application),
            subject=f"{application.reference} · message de {application.organisation.name}",
            lines=[f"{application.organisation.name} a écrit sur le dossier « {application.title} » :"],
            quote=body,
            url=admin_url(application),
            link_label="Ouvrir le dossier",
        )
    return message


@transaction.atomic
def note_add(*, application, body: str, by) -> InstructorNote:
    """A private annotation of the instruction (never shown to the association)."""
    _require_instructor(by)
    body = _required(body, "body", "Écrivez la note.")
    note = InstructorNote(application=application, author=by, body=body)
    note.full_clean()
    note.save()
    audit_log(target=application, verb="note.add", by=by)
    return note
