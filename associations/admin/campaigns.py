from django.contrib import admin

from ..models import Campaign, CampaignDocument, CampaignQuestion
from ..services.campaigns import campaign_save


class CampaignDocumentInline(admin.TabularInline):
    model = CampaignDocument
    extra = 1


class CampaignQuestionInline(admin.TabularInline):
    model = CampaignQuestion
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "opens_on", "closes_on", "envelope", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    inlines = [CampaignDocumentInline, CampaignQuestionInline]

    def save_model(self, request, obj, form, change):
        # Through the service: validated and written to the journal.
        campaign_save(campaign=obj, by=request.user)
