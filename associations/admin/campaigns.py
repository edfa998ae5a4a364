from django.contrib import admin

from pacte.admin_tools import ServiceModelAdmin, mark_formset_saved

from ..models import Campaign, CampaignDocument, CampaignQuestion
from ..services.campaigns import (
    campaign_delete,
    campaign_requirement_delete,
    campaign_requirement_save,
    campaign_save,
)


class CampaignDocumentInline(admin.TabularInline):
    model = CampaignDocument
    extra = 1


class CampaignQuestionInline(admin.TabularInline):
    model = CampaignQuestion
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(ServiceModelAdmin):
    list_display = ["title", "year", "opens_on", "closes_on", "envelope", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    inlines = [CampaignDocumentInline, CampaignQuestionInline]

    def save_through_service(self, request, obj, form, change):
        # Validated and written to the journal.
        return campaign_save(campaign=obj, by=request.user)

    def delete_through_service(self, request, obj):
        campaign_delete(campaign=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        # Required documents and questions of the year go through the services too (audited).
        new, changed, deleted = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not formset._should_delete_form(inline_form):
                continue
            item = inline_form.instance
            if formset._should_delete_form(inline_form):
                if item.pk:
                    campaign_requirement_delete(item=item, by=request.user)
                    deleted.append(item)
                continue
            was_new = item.pk is None
            item = campaign_requirement_save(item=inline_form.save(commit=False), by=request.user)
            if was_new:
                new.append(item)
            else:
                changed.append((item, inline_form.changed_data))
        mark_formset_saved(formset, new=new, changed=changed, deleted=deleted)
