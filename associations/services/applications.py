"""The association's side of an application: start it, save every step as a draft, attach the
documents, check completeness and submit (or resubmit after a correction)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pacte.services.audit import audit_log
from pacte.services.documents import private_document_create
from pacte.services.errors import RefusedError

from ..enums import EDITABLE_STATUSES, EXPENSE_CATEGORIES, ApplicationStatus, BudgetCategory, TargetPublic
from ..models import ApplicationDocument, BudgetLine, Campaign, PlannedAction, SubsidyApplication
from .common import admin_url, euros, instructor_emails, limit, notify, require_referent
from .label import current_label

MAX_ACTIONS = 30
MAX_BUDGET_LINES = 40


def campaign_refusal(campaign: Campaign, organisation, on=None) -> str | None:
    """Why `organisation` may not apply to `campaign` now, in French; None when it may."""
    if not campaign.is_open(on):
        today = on or timezone.localdate()
        if campaign.is_published and today < campaign.opens_on:
            return f"Les dépôts ouvriront le {campaign.opens_on:%d/%m/%Y}."
        return "Cette campagne est close : les dépôts ne sont plus possibles."
    if organisation is None:
        return "Seules les associations labellisées Relais COP21 peuvent déposer une demande."
    if current_label(organisation, on) is None:
        return (
            f"{organisation.name} n'est pas labellisée Relais COP21 : seules les associations labellisées "
            "peuvent déposer une demande. Demandez d'abord le label."
        )
    return None


def _editable(application: SubsidyApplication, by) -> SubsidyApplication:
    application = (
        SubsidyApplication.objects.select_for_update(of=("self",))
        .select_related("campaign", "organisation")
        .get(pk=application.pk)
    )
    require_referent(by, application.organisation)
    if application.status not in EDITABLE_STATUSES:
        raise RefusedError(
            "Ce dossier a été déposé : il ne peut plus être modifié, sauf si l'instruction vous demande "
            "une correction.",
            code="not_editable",
        )
    return application


@transaction.atomic
def application_start(*, campaign: Campaign, organisation, by) -> SubsidyApplication:
    """Open a draft for `organisation` in `campaign` (or return the one it already has)."""
    require_referent(by, organisation)
    existing = SubsidyApplication.objects.filter(campaign=campaign, organisation=organisation).first()
    if existing is not None:
        return existing
    refusal = campaign_refusal(campaign, organisation)
    if refusal:
        raise RefusedError(refusal, code="cannot_apply")
    limit(by=by, action="associations.application_start")
    application = SubsidyApplication(campaign=campaign, organisation=organisation, created_by=by)
    application.full_clean()
    application.save()
    audit_log(target=application, verb="application.start", by=by, to_state=ApplicationStatus.DRAFT)
    return application


@transaction.atomic
def application_update_programme(
    *, application, title, summary, objectives, themes, publics, programme_start, programme_end, by
) -> SubsidyApplication:
    """Save the programme step as it is (blanks allowed in a draft)."""
    application = _editable(application, by)
    application.title, application.summary, application.objectives = title, summary, objectives
    application.publics = [value for value in publics if value in TargetPublic.values]
    application.programme_start, application.programme_end = programme_start, programme_end
    application.full_clean()
    application.save()
    application.themes.set(themes)
    audit_log(target=application, verb="application.save", by=by, data={"étape": "programme"})
    return application


@transaction.atomic
def application_set_actions(*, application, actions: list[dict], by) -> SubsidyApplication:
    """Replace the planned actions (title, public, expected_participants, communes, starts_on, ends_on)."""
    application = _editable(application, by)
    if len(actions) > MAX_ACTIONS:
        raise RefusedError(f"{MAX_ACTIONS} actions au plus par programme.", code="too_many_actions")
    application.actions.all().delete()
    for position, data in enumerate(actions):
        communes = data.pop("communes", [])
        action = PlannedAction(application=application, position=position, **data)
        action.full_clean()
        action.save()
        action.communes.set(communes)
    audit_log(
        target=application, verb="application.save", by=by, data={"étape": "actions", "nombre": len(actions)}
    )
    return application


@transaction.atomic
def application_set_budget(*, application, lines: list[dict], by) -> SubsidyApplication:
    """Replace the budget lines (category, label, amount); balance is checked at submission."""
    application = _editable(application, by)
    if len(lines) > MAX_BUDGET_LINES:
        raise RefusedError(f"{MAX_BUDGET_LINES} lignes de budget au plus.", code="too_many_lines")
    application.budget_lines.all().delete()
    for position, data in enumerate(lines):
        line = BudgetLine(application=application, position=position, **data)
        line.full_clean()
        line.save()
    audit_log(
        target=application, verb="application.save", by=by, data={"étape": "budget", "lignes": len(lines)}
    )
    return application


@transaction.atomic
def application_add_document(
    *, application, requirement=None, title: str = "", uploaded, by
) -> ApplicationDocument:
    """Attach a document (checked by content by the kernel, kept in private storage)."""
    application = _editable(application, by)
    if requirement is not None and requirement.campaign_id != application.campaign_id:
        raise RefusedError("Ce document n'est pas demandé par cette campagne.", code="wrong_requirement")
    limit(by=by, action="associations.upload")
    title = (title or (requirement.title if requirement else "") or uploaded.name)[:150]
    document = private_document_create(
        title=f"{application.reference} · {title}",
        uploaded=uploaded,
        organisation=application.organisation,
        by=by,
    )
    attached = ApplicationDocument(application=application, requirement=requirement, document=document)
    attached.full_clean()
    attached.save()
    audit_log(target=application, verb="application.document_add", by=by, data={"document": title})
    return attached


@transaction.atomic
def application_remove_document(*, attached: ApplicationDocument, by) -> None:
    application = _editable(attached.application, by)
    title = str(attached.document)
    attached.document.file.delete(save=False)
    attached.document.delete()  # cascades to the attachment row
    audit_log(target=application, verb="application.document_remove", by=by, data={"document": title})


@transaction.atomic
def application_update_answers(
    *, application, answers: dict, certifies_accuracy: bool, certifies_obligations: bool, by
) -> SubsidyApplication:
    """Save the year's questions and the declarations."""
    application = _editable(application, by)
    known = {str(pk) for pk in application.campaign.questions.values_list("pk", flat=True)}
    application.answers = {
        key: (value or "").strip()[:5000] for key, value in answers.items() if key in known
    }
    application.certifies_accuracy = bool(certifies_accuracy)
    application.certifies_obligations = bool(certifies_obligations)
    application.full_clean()
    application.save()
    audit_log(target=application, verb="application.save", by=by, data={"étape": "questions"})
    return application


# --- Completeness and submission ------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """Something the application lacks: the field (or step) it concerns and what to do, in French."""

    step: str
    field: str
    message: str


def application_missing(application: SubsidyApplication) -> list[Missing]:
    """Everything that keeps the application from being submitted, step by step."""
    missing = []

    def lack(step, field, message):
        missing.append(Missing(step, field, message))

    organisation = application.organisation
    if not organisation.siret:
        lack(
            "programme",
            "siret",
            "Le SIRET de l'association est nécessaire pour recevoir une subvention : "
            "renseignez-le en renouvelant la demande de label ou auprès de la DACTE.",
        )
    if not application.title.strip():
        lack("programme", "title", "Donnez un titre au programme.")
    if not application.summary.strip():
        lack("programme", "summary", "Résumez le programme en quelques lignes.")
    if not application.objectives.strip():
        lack("programme", "objectives", "Décrivez les objectifs du programme.")
    if not application.themes.exists():
        lack("programme", "themes", "Choisissez au moins un thème.")
    if not application.publics:
        lack("programme", "publics", "Choisissez au moins un public visé.")
    start, end = application.programme_start, application.programme_end
    if not start:
        lack("programme", "programme_start", "Indiquez la date de début du programme.")
    if not end:
        lack("programme", "programme_end", "Indiquez la date de fin du programme.")

    actions = list(application.actions.all())
    if not actions:
        lack("actions", "actions", "Décrivez au moins une action prévue.")
    elif start and end:
        outside = [a.title for a in actions if a.starts_on < start or a.ends_on > end]
        if outside:
            lack(
                "actions",
                "actions",
                "Ces actions sortent de la période du programme : " + ", ".join(outside) + ".",
            )

    lines = list(application.budget_lines.all())
    expenses = sum((line.amount for line in lines if line.category in EXPENSE_CATEGORIES), Decimal(0))
    income = sum((line.amount for line in lines if line.category not in EXPENSE_CATEGORIES), Decimal(0))
    requests = [line for line in lines if line.category == BudgetCategory.REQUEST]
    if not expenses:
        lack("budget", "budget", "Indiquez les dépenses prévues du programme.")
    if not requests or not sum(line.amount for line in requests):
        lack("budget", "budget", "Indiquez le montant demandé à la Métropole (une ligne de recette).")
    elif len(requests) > 1:
        lack("budget", "budget", "Le montant demandé à la Métropole tient sur une seule ligne.")
    elif application.campaign.max_request and requests[0].amount > application.campaign.max_request:
        lack(
            "budget",
            "budget",
            f"Le montant demandé dépasse le plafond de la campagne ({euros(application.campaign.max_request)}).",
        )
    if expenses != income:
        lack(
            "budget",
            "budget",
            f"Le budget n'est pas équilibré : {euros(expenses)} de dépenses pour {euros(income)} de recettes.",
        )

    provided = set(application.documents.values_list("requirement_id", flat=True))
    for requirement in application.campaign.required_documents.all():
        if requirement.is_required and requirement.pk not in provided:
            lack("documents", f"document-{requirement.pk}", f"Joignez le document « {requirement.title} ».")

    for question in application.campaign.questions.all():
        if question.is_required and not (application.answers.get(str(question.pk)) or "").strip():
            lack("questions", f"question-{question.pk}", f"Répondez à la question « {question.label} ».")
    if not application.certifies_accuracy:
        lack("questions", "certifies_accuracy", "Certifiez l'exactitude des informations du dossier.")
    if not application.certifies_obligations:
        lack(
            "questions",
            "certifies_obligations",
            "Certifiez que l'association est à jour de ses obligations sociales et fiscales.",
        )
    return missing


@transaction.atomic
def application_submit(*, application, by) -> SubsidyApplication:
    """Submit a complete draft, or resubmit after a correction.

    Refused, with the list of what is missing, when incomplete; a first submission needs the
    campaign still open and the association still labelled. Instructors are told.
    """
    application = _editable(application, by)
    resubmission = application.status == ApplicationStatus.CORRECTION
    if not resubmission:
        refusal = campaign_refusal(application.campaign, application.organisation)
        if refusal:
            raise RefusedError(refusal, code="cannot_apply")
    missing = application_missing(application)
    if missing:
        raise RefusedError(
            "Le dossier est incomplet : " + " ".join(item.message for item in missing), code="incomplete"
        )
    before = application.status
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.full_clean()
    application.save()
    audit_log(
        target=application,
        verb="application.resubmit" if resubmission else "application.submit",
        by=by,
        from_state=before,
        to_state=ApplicationStatus.SUBMITTED,
        data={"montant demandé": str(application.requested_amount)},
    )
    notify(
        to=instructor_emails(application),
        subject=f"{'Dossier corrigé' if resubmission else 'Nouveau dossier'} : {application.reference}",
        lines=[
            f"{application.organisation.name} a {'corrigé et redéposé' if resubmission else 'déposé'} "
            f"sa demande « {application.title} » ({euros(application.requested_amount)} demandés)."
        ],
        url=admin_url(application),
        link_label="Instruire le dossier",
    )
    return application
