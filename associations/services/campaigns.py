"""Campaigns are prepared by staff in the admin; saving one goes through here (audited)."""

from django.db import transaction

from pacte.services.audit import audit_log
from pacte.services.errors import RefusedError

from ..models import Campaign, CampaignDocument, CampaignQuestion
from .common import renew_public_pages


@transaction.atomic
def campaign_save(*, campaign: Campaign, by) -> Campaign:
    """Create or update a campaign (dates, envelope, rules); publishing it is recorded apart."""
    created = campaign.pk is None
    was_published = (
        False
        if created
        else Campaign.objects.filter(pk=campaign.pk).values_list("is_published", flat=True).first()
    )
    campaign.full_clean()
    campaign.save()
    verb = "campaign.create" if created else "campaign.update"
    if campaign.is_published and not was_published:
        verb = "campaign.publish"
    audit_log(
        target=campaign,
        verb=verb,
        by=by,
        data={
            "enveloppe": str(campaign.envelope),
            "du": campaign.opens_on.isoformat(),
            "au": campaign.closes_on.isoformat(),
        },
    )
    renew_public_pages()
    return campaign


@transaction.atomic
def campaign_delete(*, campaign: Campaign, by) -> None:
    """Delete a campaign prepared by mistake (journaled); one that has received applications is
    the record of public money distributed and stays."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.applications.exists():
        raise RefusedError(
            "Cette campagne a reçu des demandes de subvention : elle ne peut pas être supprimée.",
            code="campaign_has_applications",
        )
    audit_log(
        target=campaign,
        verb="campaign.delete",
        by=by,
        data={"année": campaign.year, "publiée": "oui" if campaign.is_published else "non"},
    )
    campaign.delete()
    renew_public_pages()


def _requirement_verb(item) -> str:
    return "campaign.document" if isinstance(item, CampaignDocument) else "campaign.question"


@transaction.atomic
def campaign_requirement_save(*, item: CampaignDocument | CampaignQuestion, by):
    """Add or change a document asked of every application, or a question of the year (audited:
    the rules of a campaign that distributes public money change only on the record)."""
    created = item.pk is None
    item.full_clean()
    item.save()
    audit_log(
        target=item.campaign,
        verb=f"{_requirement_verb(item)}.{'add' if created else 'update'}",
        by=by,
        data={"libellé": str(item)},
    )
    renew_public_pages()
    return item


@transaction.atomic
def campaign_requirement_delete(*, item: CampaignDocument | CampaignQuestion, by) -> None:
    """Remove a required document or a question of the year from the campaign (audited)."""
    audit_log(
        target=item.campaign, verb=f"{_requirement_verb(item)}.delete", by=by, data={"libellé": str(item)}
    )
    item.delete()
    renew_public_pages()
