"""Campaigns are prepared by staff in the admin; saving one goes through here (audited)."""

from django.db import transaction

from pacte.services.audit import audit_log

from ..models import Campaign
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
