"""Experience sheets: written by the editors, reviewed, then published (brouillon → relecture →
publiée). Every change is audited and renews the letter's public pages."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from pacte.cache import invalidate
from pacte.permissions import acts_as_staff
from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..enums import SheetStatus
from ..models import ExperienceSheet


def can_edit(user) -> bool:
    """The editors' group ("Édition de la lettre") and the DACTE, in a staff session."""
    return acts_as_staff(user) and user.has_perm("newsletter.change_experiencesheet")


def _check_editor(by) -> None:
    if not can_edit(by):
        raise RefusedError("Seule l'équipe de rédaction de la lettre peut modifier les fiches.")


def _unique_slug(sheet: ExperienceSheet) -> str:
    base = slugify(sheet.title)[:200] or "fiche"
    slug, n = base, 2
    while ExperienceSheet.objects.filter(slug=slug).exclude(pk=sheet.pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _renew_pages():
    transaction.on_commit(lambda: invalidate("newsletter"))


@transaction.atomic
def sheet_save(*, sheet: ExperienceSheet, themes=None, by) -> ExperienceSheet:
    """Create or edit a sheet (its status only changes through the transitions below)."""
    _check_editor(by)
    created = sheet.pk is None
    if created:
        sheet.status = SheetStatus.DRAFT
        sheet.author = sheet.author or by
    else:
        # The status is not a form field: a save cannot publish behind the workflow's back.
        sheet.status = ExperienceSheet.objects.values_list("status", flat=True).get(pk=sheet.pk)
    if not sheet.slug:
        sheet.slug = _unique_slug(sheet)
    sheet.full_clean()
    sheet.save()
    if themes is not None:
        sheet.themes.set(themes)
    audit_log(target=sheet, verb="newsletter.sheet.create" if created else "newsletter.sheet.update", by=by)
    _renew_pages()
    return sheet


def _transition(*, sheet, allowed_from, to, verb, by, reason="") -> ExperienceSheet:
    _check_editor(by)
    sheet = ExperienceSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status not in allowed_from:
        raise RefusedError(
            f"La fiche est « {sheet.get_status_display()} » : elle ne peut pas passer à « {SheetStatus(to).label} »."
        )
    previous = sheet.status
    sheet.status = to
    if to == SheetStatus.PUBLISHED:
        sheet.published_at = sheet.published_at or timezone.now()
    sheet.save(update_fields=["status", "published_at", "updated_at"])
    audit_log(target=sheet, verb=verb, by=by, from_state=previous, to_state=to, reason=reason)
    _renew_pages()
    return sheet


@transaction.atomic
def sheet_submit(*, sheet: ExperienceSheet, by) -> ExperienceSheet:
    """Brouillon → relecture: the sheet is ready for a second pair of eyes."""
    return _transition(
        sheet=sheet,
        allowed_from={SheetStatus.DRAFT},
        to=SheetStatus.REVIEW,
        verb="newsletter.sheet.submit",
        by=by,
    )


@transaction.atomic
def sheet_publish(*, sheet: ExperienceSheet, by) -> ExperienceSheet:
    """Relecture → publiée: only a reviewed sheet goes public."""
    return _transition(
        sheet=sheet,
        allowed_from={SheetStatus.REVIEW},
        to=SheetStatus.PUBLISHED,
        verb="newsletter.sheet.publish",
        by=by,
    )


@transaction.atomic
def sheet_return_to_draft(*, sheet: ExperienceSheet, by, reason: str = "") -> ExperienceSheet:
    """Back to the drafts (from review, or withdrawn from the public pages), with the reason."""
    return _transition(
        sheet=sheet,
        allowed_from={SheetStatus.REVIEW, SheetStatus.PUBLISHED},
        to=SheetStatus.DRAFT,
        verb="newsletter.sheet.unpublish",
        by=by,
        reason=reason,
    )
