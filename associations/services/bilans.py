"""The bilan that closes a funded programme (CERFA 15059): prefilled with the planned actions and
with the portal's own figures for the association over the programme's period."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from pacte.enums import RegistrationStatus
from pacte.metrics import PARIS
from pacte.models import Event, Registration
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..enums import BILAN_OPEN_STATUSES
from ..enums import ApplicationStatus as S
from ..models import Bilan, BilanParticipation, BilanPhoto, SubsidyApplication
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
from .instruction import _move, _required, _tell_association, application_request_bilan

GAP_THRESHOLD = Decimal("0.10")
MAX_PHOTOS = 10
REMIND_BEFORE_DAYS = 30


def portal_figures(application) -> dict:
    """The association's events on the portal over the programme's period: how many, the
    registrations, who came (attendance recorded) and the walk-ins. Three queries."""
    start, end = application.programme_start, application.programme_end
    if not start or not end:
        return {}
    since = datetime.combine(start, time.min, tzinfo=PARIS)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS)
    events = Event.objects.published().filter(
        organiser=application.organisation_id, starts_at__gte=since, starts_at__lt=until
    )
    totals = events.aggregate(events=Count("id"), walk_ins=Sum("walk_in_count"))
    registrations = Registration.objects.filter(event__in=events).aggregate(
        confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
        attended=Count("id", filter=Q(attended=True)),
    )
    return {
        "du": start.isoformat(),
        "au": end.isoformat(),
        "events": totals["events"],
        "registrations": registrations["confirmed"],
        "attended": registrations["attended"],
        "walk_ins": totals["walk_ins"] or 0,
        "people": registrations["attended"] + (totals["walk_ins"] or 0),
        "titles": list(events.order_by("starts_at").values_list("title", flat=True)[:20]),
    }


def _open_bilan(application, by) -> tuple[SubsidyApplication, Bilan]:
    application = (
        SubsidyApplication.objects.select_for_update(of=("self",))
        .select_related("organisation", "campaign")
        .get(pk=application.pk)
    )
    require_referent(by, application.organisation)
    if application.status not in BILAN_OPEN_STATUSES:
        raise RefusedError(
            f"Le bilan ne peut pas être modifié : le dossier est « {application.get_status_display()} ».",
            code="bilan_closed",
        )
    bilan, _ = Bilan.objects.get_or_create(application=application)
    return application, bilan


@transaction.atomic
def bilan_save(
    *, application, actions_held, account: str, participations: list[dict], actuals: dict, by
) -> Bilan:
    """Save the bilan as a draft: actions held, account, people reached by public and commune, and
    the actual amount (with the gap explained) of each budget line, `actuals` = {line id: (amount, text)}."""
    application, bilan = _open_bilan(application, by)
    bilan.actions_held, bilan.account = actions_held, (account or "").strip()
    bilan.full_clean()
    bilan.save()
    bilan.participations.all().delete()
    merged = {}
    for row in participations:
        key = (row["public"], row["commune"].pk)
        merged[key] = (row["commune"], merged.get(key, (None, 0))[1] + row["participants"])
    for (public, _), (commune, participants) in merged.items():
        participation = BilanParticipation(
            bilan=bilan, public=public, commune=commune, participants=participants
        )
        participation.full_clean()
        participation.save()
    for line in application.budget_lines.all():
        if line.pk in actuals:
            line.actual_amount, line.gap_explanation = (
                actuals[line.pk][0],
                (actuals[line.pk][1] or "").strip(),
            )
            line.full_clean()
            line.save(update_fields=["actual_amount", "gap_explanation"])
    audit_log(target=application, verb="bilan.save", by=by)
    return bilan


@transaction.atomic
def bilan_add_photo(*, application, image, caption: str, by) -> BilanPhoto:
    """`image` is a `pacte.images.ProcessedImage` (checked, metadata removed)."""
    application, bilan = _open_bilan(application, by)
    if bilan.photos.count() >= MAX_PHOTOS:
        raise RefusedError(f"{MAX_PHOTOS} photos au plus par bilan.", code="too_many_photos")
    limit(by=by, action="associations.upload")
    caption = _required(caption, "caption", "Donnez une légende à la photo (elle sert de texte alternatif).")
    photo = BilanPhoto(bilan=bilan, caption=caption[:200])
    photo.image.save(image.image.name, image.image, save=False)
    photo.thumbnail.save(image.thumbnail.name, image.thumbnail, save=False)
    photo.full_clean()
    photo.save()
    audit_log(target=application, verb="bilan.photo_add", by=by)
    return photo


def bilan_missing(application) -> dict[str, str]:
    """{field: French message} of what the bilan lacks before it can be filed."""
    bilan = getattr(application, "bilan", None)
    missing = {}
    if bilan is None:
        return {"account": "Remplissez le bilan avant de le déposer."}
    if bilan.actions_held is None:
        missing["actions_held"] = "Indiquez le nombre d'actions réalisées."
    if not bilan.account.strip():
        missing["account"] = "Racontez en quelques lignes ce qui a été réalisé."
    if not bilan.participations.exists():
        missing["participations"] = "Indiquez les personnes touchées, par public et par commune."
    for line in application.budget_lines.all():
        key = f"line-{line.pk}"
        if line.actual_amount is None:
            missing[key] = f"Indiquez le montant réalisé de la ligne « {line.get_category_display()} »."
        elif line.gap_ratio is not None and abs(line.gap_ratio) > GAP_THRESHOLD and not line.gap_explanation:
            missing[key] = (
                f"L'écart de la ligne « {line.get_category_display()} » dépasse 10 % : expliquez-le."
            )
        elif not line.amount and line.actual_amount and not line.gap_explanation:
            missing[key] = f"La ligne « {line.get_category_display()} » n'était pas prévue : expliquez-la."
    return missing


@transaction.atomic
def bilan_submit(*, application, by) -> SubsidyApplication:
    """File the bilan: refused with what is missing when incomplete; the portal's figures are frozen."""
    application, bilan = _open_bilan(application, by)
    missing = bilan_missing(application)
    if missing:
        raise RefusedError("Le bilan est incomplet : " + " ".join(missing.values()), code="incomplete")
    bilan.portal_figures = portal_figures(application)
    bilan.submitted_at = timezone.now()
    bilan.correction_request = ""
    bilan.full_clean()
    bilan.save()
    if application.status == S.PAID:
        # The bilan came before the due date was called: record that step too, for the journal.
        _move(application, S.BILAN_DUE, verb="application.request_bilan", by=by)
    _move(
        application, S.BILAN_SUBMITTED, verb="bilan.submit", by=by, data={"personnes": bilan.people_reached}
    )
    notify(
        to=instructor_emails(application),
        subject=f"{application.reference} · bilan déposé",
        lines=[f"{application.organisation.name} a déposé le bilan du programme « {application.title} »."],
        url=admin_url(application),
        link_label="Valider le bilan",
    )
    return application


@transaction.atomic
def bilan_accept(*, application, by) -> SubsidyApplication:
    """Accept the bilan: the file is closed."""
    application = _locked_bilan(application, by)
    application.bilan.accepted_at = timezone.now()
    application.bilan.save(update_fields=["accepted_at", "updated_at"])
    application.closed_at = timezone.now()
    _move(application, S.CLOSED, verb="bilan.accept", by=by)
    _tell_association(
        application,
        subject="bilan validé, dossier clôturé",
        lines=[f"Le bilan du programme « {application.title} » est validé : le dossier est clôturé. Merci !"],
    )
    return application


@transaction.atomic
def bilan_request_correction(*, application, message: str, by) -> SubsidyApplication:
    """Send the bilan back to the association with what to correct."""
    application = _locked_bilan(application, by)
    message = _required(message, "message", "Dites à l'association ce qu'elle doit corriger dans le bilan.")
    application.bilan.correction_request = message
    application.bilan.save(update_fields=["correction_request", "updated_at"])
    _move(application, S.BILAN_DUE, verb="bilan.request_correction", by=by, reason=message)
    _tell_association(
        application,
        subject="correction du bilan demandée",
        lines=[f"L'instruction demande une correction du bilan de « {application.title} » :"],
        quote=message,
    )
    return application


def _locked_bilan(application, by) -> SubsidyApplication:
    from .instruction import _require_instructor

    _require_instructor(by)
    application = (
        SubsidyApplication.objects.select_for_update(of=("self",))
        .select_related("organisation", "campaign", "bilan")
        .get(pk=application.pk)
    )
    if application.status != S.BILAN_SUBMITTED:
        raise RefusedError(
            f"Aucun bilan à examiner : le dossier est « {application.get_status_display()} ».",
            code="invalid_transition",
        )
    return application


def bilan_send_reminders(*, today=None) -> int:
    """Daily: call for the bilan once a paid programme has ended, remind 30 days before the due
    date and once it has passed. Each reminder is claimed before it is sent: safe to run twice."""
    today = today or timezone.localdate()
    sent = 0
    ended = SubsidyApplication.objects.filter(status=S.PAID, programme_end__lt=today).with_paid()
    for application in ended:
        if application.paid_total and application.paid_total >= application.granted_amount:
            application_request_bilan(application=application, by=None)
            sent += 1
    steps = [
        (
            "bilan_reminded_before_at",
            {"bilan_due_on__lte": today + timedelta(days=REMIND_BEFORE_DAYS), "bilan_due_on__gte": today},
        ),
        ("bilan_reminded_after_at", {"bilan_due_on__lt": today}),
    ]
    for field, window in steps:
        due = SubsidyApplication.objects.filter(status=S.BILAN_DUE, **{f"{field}__isnull": True}, **window)
        for application in due.select_related("organisation", "campaign"):
            with transaction.atomic():
                if not SubsidyApplication.objects.filter(
                    pk=application.pk, **{f"{field}__isnull": True}
                ).update(**{field: timezone.now()}):
                    continue
                late = application.bilan_due_on < today
                notify(
                    to=referent_emails(application.organisation),
                    subject=f"{application.reference} · bilan {'en retard' if late else 'à déposer'}",
                    lines=[
                        f"Le bilan du programme « {application.title} » "
                        + (
                            f"était attendu le {application.bilan_due_on:%d/%m/%Y} : merci de le déposer au plus vite."
                            if late
                            else f"est attendu au plus tard le {application.bilan_due_on:%d/%m/%Y}."
                        )
                    ],
                    url=absolute(reverse("associations:bilan", args=[application.pk])),
                    link_label="Remplir le bilan",
                )
                audit_log(target=application, verb="bilan.remind", data={"retard": late})
            sent += 1
    renew_public_pages()
    return sent
