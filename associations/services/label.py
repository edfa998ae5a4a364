"""The Relais COP21 label: request (with statutes and charter), decision, expiry reminders."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pacte.enums import OrganisationKind
from pacte.models import Organisation
from pacte.services.audit import audit_log
from pacte.services.documents import private_document_create
from pacte.services.errors import RefusedError

from ..enums import LabelStatus
from ..models import CHARTER_VERSION, RelaisLabel
from .common import (
    absolute,
    admin_url,
    instructor_emails,
    limit,
    notify,
    referent_emails,
    renew_public_pages,
    require_referent,
)

REMINDER_DAYS = (60, 15)


def labelled_organisations(on: date | None = None):
    """Associations holding a label in force (today by default)."""
    current = RelaisLabel.objects.current(on).values("organisation")
    return Organisation.objects.active().filter(pk__in=current)


def current_label(organisation, on: date | None = None) -> RelaisLabel | None:
    return RelaisLabel.objects.current(on).filter(organisation=organisation).order_by("-valid_until").first()


@transaction.atomic
def label_request(
    *,
    organisation: Organisation,
    rna: str,
    siret: str,
    statutes,
    charter_accepted: bool,
    motivation: str = "",
    by,
) -> RelaisLabel:
    """Apply for (or renew) the label for `organisation`.

    Guarantees: the person is a référent of this association; RNA and/or SIRET are given and valid
    (the kernel's validators, written on the organisation); the statutes are stored as a private
    document of the association; the charter's version and the moment it was accepted are kept;
    at most one open request per association. Instructors are told.
    """
    organisation = Organisation.objects.select_for_update(of=("self",)).get(pk=organisation.pk)
    require_referent(by, organisation)
    limit(by=by, action="associations.label_request")
    if organisation.kind != OrganisationKind.ASSOCIATION:
        raise RefusedError("Le label Relais COP21 est réservé aux associations.", code="not_association")
    if not charter_accepted:
        raise ValidationError(
            {"charter_accepted": "Acceptez la charte des Relais COP21 pour demander le label."}
        )
    if RelaisLabel.objects.filter(organisation=organisation, status=LabelStatus.REQUESTED).exists():
        raise RefusedError(
            "Une demande de label est déjà en cours d'examen pour cette association.",
            code="already_requested",
        )
    rna, siret = (rna or "").strip().upper(), (siret or "").replace(" ", "")
    if not rna and not siret:
        raise ValidationError({"rna": "Indiquez le numéro RNA ou le SIRET de l'association (ou les deux)."})
    if statutes is None:
        raise ValidationError({"statutes": "Joignez les statuts de l'association."})
    before = {"rna": organisation.rna, "siret": organisation.siret}
    organisation.rna, organisation.siret = rna, siret
    organisation.full_clean()
    organisation.save(update_fields=["rna", "siret", "updated_at"])
    if before != {"rna": rna, "siret": siret}:
        audit_log(target=organisation, verb="organisation.identifiers", by=by, data={"avant": before})
    try:
        document = private_document_create(
            title=f"Statuts · {organisation.name}", uploaded=statutes, organisation=organisation, by=by
        )
    except ValidationError as error:
        raise ValidationError({"statutes": error.messages}) from None
    label = RelaisLabel(
        organisation=organisation,
        statutes=document,
        motivation=motivation.strip(),
        charter_version=CHARTER_VERSION,
        charter_accepted_at=timezone.now(),
        requested_by=by,
        renewal_of=current_label(organisation),
    )
    label.full_clean()
    label.save()
    audit_log(
        target=label,
        verb="label.request",
        by=by,
        to_state=LabelStatus.REQUESTED,
        data={"charte": CHARTER_VERSION, "renouvellement": label.renewal_of_id is not None},
    )
    notify(
        to=instructor_emails(),
        subject=f"Demande de label Relais COP21 : {organisation.name}",
        lines=[f"{organisation.name} demande le label Relais COP21. Les statuts sont joints à la demande."],
        url=admin_url(label),
        link_label="Examiner la demande",
    )
    return label


def _decidable(label: RelaisLabel) -> RelaisLabel:
    label = (
        RelaisLabel.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=label.pk)
    )
    if label.status != LabelStatus.REQUESTED:
        raise RefusedError(
            f"Cette demande a déjà été traitée (« {label.get_status_display()} »).", code="already_decided"
        )
    return label


@transaction.atomic
def label_grant(*, label: RelaisLabel, valid_from: date, valid_until: date, by) -> RelaisLabel:
    """Grant the label for [valid_from, valid_until]; refused for a decided request or a period
    that ends before it starts or already lies in the past."""
    label = _decidable(label)
    if not valid_from or not valid_until or valid_until < valid_from:
        raise ValidationError({"valid_until": "La fin de validité doit suivre son début."})
    if valid_until < timezone.localdate():
        raise ValidationError({"valid_until": "Cette période est déjà passée."})
    label.status = LabelStatus.GRANTED
    label.valid_from, label.valid_until = valid_from, valid_until
    label.decided_at, label.decided_by = timezone.now(), by
    label.full_clean()
    label.save()
    audit_log(
        target=label,
        verb="label.grant",
        by=by,
        from_state=LabelStatus.REQUESTED,
        to_state=LabelStatus.GRANTED,
        data={"du": valid_from.isoformat(), "au": valid_until.isoformat()},
    )
    renew_public_pages()
    notify(
        to=referent_emails(label.organisation),
        subject="Votre association est labellisée Relais COP21",
        lines=[
            f"{label.organisation.name} est labellisée Relais COP21 du {valid_from:%d/%m/%Y} au {valid_until:%d/%m/%Y}.",
            "Elle figure dans l'annuaire des associations Relais COP21 et peut répondre aux campagnes de subvention.",
        ],
        url=absolute(reverse("associations:space", args=[label.organisation.slug])),
        link_label="Votre espace association",
    )
    return label


@transaction.atomic
def label_refuse(*, label: RelaisLabel, reason: str, by) -> RelaisLabel:
    """Refuse the request, with the reason the association reads."""
    label = _decidable(label)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif du refus : l'association le recevra."})
    label.status = LabelStatus.REFUSED
    label.refusal_reason = reason
    label.decided_at, label.decided_by = timezone.now(), by
    label.full_clean()
    label.save()
    audit_log(
        target=label,
        verb="label.refuse",
        by=by,
        from_state=LabelStatus.REQUESTED,
        to_state=LabelStatus.REFUSED,
        reason=reason,
    )
    notify(
        to=referent_emails(label.organisation),
        subject="Votre demande de label Relais COP21",
        lines=[f"La demande de label Relais COP21 de {label.organisation.name} n'a pas été retenue. Motif :"],
        quote=reason,
        url=absolute(reverse("associations:space", args=[label.organisation.slug])),
        link_label="Votre espace association",
    )
    return label


def label_send_expiry_reminders(*, today: date | None = None) -> int:
    """Remind the référents 60 and 15 days before their label expires; safe to run twice.

    Each reminder is claimed by a conditional update before its e-mail is queued, so a second run
    (or two workers at once) finds nothing left to send. No reminder once a renewal is on its way.
    """
    today = today or timezone.localdate()
    sent = 0
    for days, field in zip(REMINDER_DAYS, ("reminded_60_at", "reminded_15_at"), strict=True):
        due = (
            RelaisLabel.objects.current(today)
            .filter(valid_until__lte=today + timedelta(days=days), **{f"{field}__isnull": True})
            .select_related("organisation")
        )
        for label in due:
            renewing = RelaisLabel.objects.filter(
                organisation=label.organisation_id, created_at__gt=label.created_at
            )
            if (
                renewing.filter(status=LabelStatus.REQUESTED).exists()
                or renewing.current(label.valid_until + timedelta(days=1)).exists()
            ):
                continue
            with transaction.atomic():
                claimed = RelaisLabel.objects.filter(pk=label.pk, **{f"{field}__isnull": True}).update(
                    **{field: timezone.now()}
                )
                if not claimed:
                    continue
                left = (label.valid_until - today).days
                notify(
                    to=referent_emails(label.organisation),
                    subject=f"Votre label Relais COP21 expire dans {left} jours",
                    lines=[
                        f"Le label Relais COP21 de {label.organisation.name} expire le {label.valid_until:%d/%m/%Y}.",
                        "Pour rester dans l'annuaire et répondre aux prochaines campagnes, demandez son "
                        "renouvellement dès maintenant : vos identifiants et vos statuts vous seront redemandés.",
                    ],
                    url=absolute(reverse("associations:label_request", args=[label.organisation.slug])),
                    link_label="Renouveler le label",
                )
                audit_log(target=label, verb="label.remind", data={"jours": days})
            sent += 1
    return sent
