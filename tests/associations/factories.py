"""Factories of action 3: a labelled association, an open campaign, a complete application, and
the steps of the lifecycle taken through the services."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from associations.enums import BudgetCategory, LabelStatus, TargetPublic
from associations.models import Campaign, CampaignDocument, CampaignQuestion, RelaisLabel, SubsidyApplication
from associations.services import applications as apply
from associations.services import instruction
from pacte.enums import StaffGroup
from pacte.models import Theme
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, commune

PDF = b"%PDF-1.4\n%%EOF\n"
VALID_SIRET = "73282932000074"  # Luhn-valid


def pdf(name="piece.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def instructor(group=StaffGroup.SUBSIDY):
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def referent(organisation):
    return MembershipFactory(organisation=organisation, referent=True).user


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ["year"]
        skip_postgeneration_save = True

    # Within the model's bounds (2018-2100) however many campaigns the test session has made.
    year = factory.Sequence(lambda n: 2030 + n % 70)
    title = factory.LazyAttribute(lambda o: f"Campagne Relais COP21 {o.year}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    envelope = Decimal("50000")
    max_request = Decimal("8000")
    rules = "Les programmes des associations labellisées."
    is_published = True

    @factory.post_generation
    def requirements(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            CampaignDocument.objects.create(campaign=obj, title="Relevé d'identité bancaire")
            CampaignQuestion.objects.create(campaign=obj, label="Quels partenaires ?")


def labelled_association(**fields):
    organisation = OrganisationFactory(siret=VALID_SIRET, **fields)
    today = timezone.localdate()
    RelaisLabel.objects.create(
        organisation=organisation,
        status=LabelStatus.GRANTED,
        charter_version="2026.1",
        charter_accepted_at=timezone.now(),
        valid_from=today - timedelta(days=100),
        valid_until=today + timedelta(days=300),
    )
    return organisation


def complete_application(campaign, organisation, by) -> SubsidyApplication:
    """A draft filled at every step, ready to submit."""
    start = date(campaign.year, 2, 1)
    end = date(campaign.year, 10, 31)
    application = apply.application_start(campaign=campaign, organisation=organisation, by=by)
    apply.application_update_programme(
        application=application,
        title="Jardiner au naturel",
        summary="Ateliers de jardinage.",
        objectives="Faire découvrir le jardinage au naturel.",
        themes=list(Theme.objects.all()[:1]),
        publics=[TargetPublic.FAMILIES],
        programme_start=start,
        programme_end=end,
        by=by,
    )
    apply.application_set_actions(
        application=application,
        actions=[
            {
                "title": "Ateliers",
                "public": TargetPublic.FAMILIES,
                "expected_participants": 40,
                "communes": [commune("rouen")],
                "starts_on": start,
                "ends_on": end,
            }
        ],
        by=by,
    )
    apply.application_set_budget(
        application=application,
        lines=[
            {"category": BudgetCategory.PURCHASES, "label": "Semences", "amount": Decimal("3000")},
            {"category": BudgetCategory.REQUEST, "label": "", "amount": Decimal("2500")},
            {"category": BudgetCategory.OWN_FUNDS, "label": "", "amount": Decimal("500")},
        ],
        by=by,
    )
    for requirement in campaign.required_documents.all():
        apply.application_add_document(
            application=application, requirement=requirement, uploaded=pdf(), by=by
        )
    apply.application_update_answers(
        application=application,
        answers={str(q.pk): "Le centre social." for q in campaign.questions.all()},
        certifies_accuracy=True,
        certifies_obligations=True,
        by=by,
    )
    application.refresh_from_db()
    return application


def submitted(campaign=None, organisation=None, by=None):
    campaign = campaign or CampaignFactory()
    organisation = organisation or labelled_association()
    by = by or referent(organisation)
    application = complete_application(campaign, organisation, by)
    return apply.application_submit(application=application, by=by)


def accepted(staff, **kwargs):
    application = submitted(**kwargs)
    instruction.application_take_up(application=application, by=staff)
    return instruction.application_accept(
        application=application,
        granted_amount=Decimal("2000"),
        decision_reference="C2030-0012",
        decision_date=timezone.localdate(),
        conditions="Versement unique.",
        by=staff,
    )


def paid(staff, **kwargs):
    application = accepted(staff, **kwargs)
    instruction.application_sign_convention(
        application=application, signed_on=timezone.localdate(), uploaded=pdf("convention.pdf"), by=staff
    )
    instruction.payment_record(
        application=application, amount=Decimal("2000"), paid_on=timezone.localdate(), by=staff
    )
    application.refresh_from_db()
    return application
