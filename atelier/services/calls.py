"""Calls for applications, applications, reviews and decisions (every write audited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ExpressionWrapper, F, FloatField, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from pacte.emails import send_templated_email
from pacte.enums import OrganisationKind
from pacte.models import Organisation
from pacte.ratelimit import rate_limit
from pacte.services.audit import audit_log
from pacte.services.documents import private_document_create
from pacte.services.errors import RefusedError

from ..enums import DECISIONS, ApplicationStatus
from ..models import Application, ApplicationDocument, Call, Criterion, RequiredDocument, Review, Score
from ..models.calls import MAX_SCORE
from .common import check_referent_or_staff, check_staff, referent_emails, renew_public_pages
from .residencies import residency_create

# The fields an applicant fills in, step by step (the form's steps follow this order).
APPLICATION_FIELDS = (
    "project_title",
    "project",
    "frequency",
    "hours_per_week",
    "partners",
    "expected_public",
    "expected_attendance",
)
REQUIRED_FIELDS = {
    "project_title": "Donnez un titre au projet.",
    "project": "Décrivez le projet.",
    "needed_spaces": "Choisissez au moins un espace.",
    "frequency": "Indiquez à quelle fréquence vous viendrez.",
    "hours_per_week": "Indiquez le nombre d'heures par semaine souhaitées.",
    "themes": "Choisissez au moins un thème.",
    "expected_public": "Décrivez le public attendu.",
}


@transaction.atomic
def call_open(
    *,
    title: str,
    slug: str,
    text: str,
    opens_at,
    closes_at,
    residency_starts_on,
    residency_ends_on,
    criteria: list[tuple[str, int]],
    documents: list[str],
    weekly_quota_hours: int = 8,
    summary: str = "",
    by,
) -> Call:
    """Publish a call with its weighted criteria and the documents it asks for (staff only)."""
    check_staff(by)
    if not criteria:
        raise RefusedError("Un appel a au moins un critère de sélection.", code="no_criteria")
    call = Call(
        title=title,
        slug=slug,
        summary=summary,
        text=text,
        opens_at=opens_at,
        closes_at=closes_at,
        residency_starts_on=residency_starts_on,
        residency_ends_on=residency_ends_on,
        weekly_quota_hours=weekly_quota_hours,
        is_published=True,
    )
    call.full_clean()
    call.save()
    for position, (label, weight) in enumerate(criteria):
        criterion = Criterion(call=call, label=label, weight=weight, position=position)
        criterion.full_clean()
        criterion.save()
    for position, label in enumerate(documents):
        RequiredDocument.objects.create(call=call, label=label, position=position)
    audit_log(target=call, verb="atelier.call.open", by=by, to_state="published")
    renew_public_pages()
    return call


@transaction.atomic
def application_start(*, call: Call, organisation: Organisation, by) -> Application:
    """The association's application to `call`: its draft if one exists, else a new draft.

    Refused when the call is not open, the organisation is not an association, or `by` is not
    one of its référents.
    """
    check_referent_or_staff(by, organisation)
    if organisation.kind != OrganisationKind.ASSOCIATION:
        raise RefusedError("Seules les associations peuvent candidater à l'Atelier.", code="not_association")
    existing = Application.objects.filter(call=call, organisation=organisation).first()
    if existing is not None:
        return existing
    if not call.is_open():
        raise RefusedError("Cet appel n'est pas ouvert aux candidatures.", code="call_closed")
    rate_limit(by=by, action="atelier.application", limit="10/h")
    application = Application(call=call, organisation=organisation, created_by=by)
    application.full_clean()
    application.save()
    audit_log(target=application, verb="atelier.application.create", by=by, to_state=application.status)
    return application


def _check_editable(application: Application, by) -> None:
    check_referent_or_staff(by, application.organisation)
    if not application.is_draft:
        raise RefusedError("La candidature est déposée : elle ne se modifie plus.", code="not_draft")
    if not application.call.is_open():
        raise RefusedError("L'appel est clos : la candidature ne se modifie plus.", code="call_closed")


@transaction.atomic
def application_save(*, application: Application, data: dict, by, spaces=None, themes=None) -> Application:
    """Save a step of the draft: only the fields given change (nothing typed is lost)."""
    application = (
        Application.objects.select_for_update().select_related("call", "organisation").get(pk=application.pk)
    )
    _check_editable(application, by)
    for name, value in data.items():
        if name not in APPLICATION_FIELDS:
            raise ValueError(f"Unknown application field: {name}")
        setattr(application, name, value)
    application.full_clean()
    application.save()
    if spaces is not None:
        application.needed_spaces.set(spaces)
    if themes is not None:
        application.themes.set(themes)
    audit_log(target=application, verb="atelier.application.save", by=by, data={"fields": sorted(data)})
    return application


@transaction.atomic
def application_attach_document(
    *, application: Application, required: RequiredDocument, uploaded, by
) -> ApplicationDocument:
    """Attach (or replace) the file answering one of the call's required documents."""
    application = (
        Application.objects.select_for_update().select_related("call", "organisation").get(pk=application.pk)
    )
    _check_editable(application, by)
    if required.call_id != application.call_id:
        raise RefusedError("Ce document n'est pas demandé par cet appel.", code="wrong_document")
    rate_limit(by=by, action="atelier.upload", limit="30/h")
    try:
        document = private_document_create(
            title=f"{required.label} — {application.organisation.name}"[:200],
            uploaded=uploaded,
            organisation=application.organisation,
            by=by,
        )
    except ValidationError as error:  # the file's content is not an accepted document
        raise RefusedError(error.messages[0], code="document") from error
    attachment, _ = ApplicationDocument.objects.update_or_create(
        application=application, required=required, defaults={"document": document}
    )
    audit_log(
        target=application, verb="atelier.application.document", by=by, data={"document": required.label}
    )
    return attachment


def application_missing(application: Application) -> dict[str, str]:
    """What still prevents submission: {field name or "document-<id>": French message}."""
    missing = {}
    for name, message in REQUIRED_FIELDS.items():
        if name in ("needed_spaces", "themes"):
            if not getattr(application, name).exists():
                missing[name] = message
        elif getattr(application, name) in (None, ""):
            missing[name] = message
    attached = set(application.documents.values_list("required_id", flat=True))
    for required in application.call.required_documents.all():
        if required.pk not in attached:
            missing[f"document-{required.pk}"] = f"Joignez : {required.label}."
    return missing


@transaction.atomic
def application_submit(*, application: Application, by) -> Application:
    """Submit a complete draft; refused with every missing item, field by field, otherwise."""
    application = (
        Application.objects.select_for_update().select_related("call", "organisation").get(pk=application.pk)
    )
    _check_editable(application, by)
    missing = application_missing(application)
    if missing:
        raise RefusedError(missing, code="incomplete")
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.full_clean()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_log(
        target=application,
        verb="atelier.application.submit",
        by=by,
        from_state=ApplicationStatus.DRAFT,
        to_state=ApplicationStatus.SUBMITTED,
    )
    send_templated_email(
        to=referent_emails(application.organisation),
        template="atelier/application_submitted",
        context={"application": application},
    )
    return application


@transaction.atomic
def review_save(*, application: Application, scores: dict, note: str = "", by) -> Review:
    """A reviewer's scores (0–5 per criterion, every criterion) and private note (staff only)."""
    check_staff(by, "Seule l'équipe de l'Atelier évalue les candidatures.")
    if application.status == ApplicationStatus.DRAFT:
        raise RefusedError("Une candidature en brouillon ne s'évalue pas.", code="draft")
    criteria = {criterion.pk: criterion for criterion in application.call.criteria.all()}
    given = {int(pk): value for pk, value in scores.items()}
    if set(given) != set(criteria):
        raise RefusedError("Notez chacun des critères de l'appel.", code="criteria")
    for value in given.values():
        if not isinstance(value, int) or not 0 <= value <= MAX_SCORE:
            raise RefusedError(f"Chaque note va de 0 à {MAX_SCORE}.", code="score_range")
    review, _ = Review.objects.get_or_create(application=application, reviewer=by)
    review.private_note = note
    review.full_clean()
    review.save()
    for pk, value in given.items():
        Score.objects.update_or_create(review=review, criterion=criteria[pk], defaults={"value": value})
    audit_log(target=application, verb="atelier.review.save", by=by, data={"scores": given})
    return review


def with_weighted_score(queryset):
    """Annotate `weighted_score` (out of 20: criteria weighted, reviewers averaged) and `review_count`."""
    return queryset.annotate(
        review_count=Count("reviews", distinct=True),
        _points=Sum(F("reviews__scores__value") * F("reviews__scores__criterion__weight")),
        _weights=Sum("reviews__scores__criterion__weight"),
    ).annotate(
        weighted_score=ExpressionWrapper(
            Cast("_points", FloatField()) * (20.0 / MAX_SCORE) / Cast("_weights", FloatField()),
            output_field=FloatField(),
        )
    )


def applications_ranked(call: Call) -> list[Application]:
    """The call's submitted applications, best weighted score first (unscored last)."""
    applications = with_weighted_score(
        Application.objects.submitted().filter(call=call).select_related("organisation")
    )
    return sorted(applications, key=lambda a: (a.weighted_score is None, -(a.weighted_score or 0), a.pk))


@transaction.atomic
def application_decide(*, application: Application, decision: str, message: str = "", by) -> Application:
    """Retain, wait-list or reject a submitted application, and tell the association (e-mail).

    A retained application becomes a residency at once: the call's period, the spaces asked for
    and the call's weekly quota (staff adjust them afterwards in the admin).
    """
    check_staff(by, "Seule l'équipe de l'Atelier décide des candidatures.")
    application = (
        Application.objects.select_for_update().select_related("call", "organisation").get(pk=application.pk)
    )
    if decision not in DECISIONS:
        raise RefusedError("Décision inconnue.", code="unknown_decision")
    allowed_from = {ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED}
    if application.status not in allowed_from:
        raise RefusedError(
            f"Une candidature « {application.get_status_display()} » ne peut plus recevoir de décision.",
            code="not_decidable",
        )
    if application.status == decision:
        raise RefusedError("La candidature a déjà reçu cette décision.", code="same_decision")
    previous = application.status
    application.status = decision
    application.decided_at = timezone.now()
    application.decision_message = message
    application.full_clean()
    application.save(update_fields=["status", "decided_at", "decision_message", "updated_at"])
    audit_log(
        target=application,
        verb="atelier.application.decide",
        by=by,
        from_state=previous,
        to_state=decision,
        reason=message,
    )
    residency = None
    if decision == ApplicationStatus.RETAINED:
        call = application.call
        residency = residency_create(
            organisation=application.organisation,
            application=application,
            starts_on=call.residency_starts_on,
            ends_on=call.residency_ends_on,
            spaces=list(application.needed_spaces.all()),
            weekly_quota_hours=call.weekly_quota_hours,
            by=by,
        )
    send_templated_email(
        to=referent_emails(application.organisation),
        template="atelier/application_decided",
        context={"application": application, "residency": residency},
    )
    renew_public_pages()
    return application


@transaction.atomic
def call_save(*, call: Call, by) -> Call:
    """Create or edit a call from the admin (its criteria and documents are its inlines)."""
    check_staff(by)
    created = call.pk is None
    call.full_clean()
    call.save()
    audit_log(
        target=call,
        verb="atelier.call.open" if created else "atelier.call.save",
        by=by,
        to_state="published" if call.is_published else "draft",
    )
    renew_public_pages()
    return call


@transaction.atomic
def call_delete(*, call: Call, by) -> None:
    """Only a call nobody applied to: applications are kept (their decisions and residencies)."""
    check_staff(by)
    if call.applications.exists():
        raise RefusedError(
            "Des associations ont candidaté à cet appel : dépubliez-le plutôt que de le supprimer.",
            code="call_has_applications",
        )
    audit_log(target=call, verb="atelier.call.delete", by=by)
    call.delete()
    renew_public_pages()
