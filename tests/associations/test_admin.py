"""The instruction in the admin: board, queues, decisions through the services, exports of the
filtered list (CSV and XLSX with openpyxl); only the instruction group gets in."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from associations.enums import ApplicationStatus as S
from associations.enums import LabelStatus
from associations.models import RelaisLabel
from pacte.enums import StaffGroup
from pacte.models import AuditEntry
from tests.associations.conftest import matrix
from tests.associations.factories import paid, pdf, submitted
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    return reverse(f"admin:associations_{name}", args=args)


@matrix(anonymous=302, other_referent=302, member=302, referent=302, instructor=200, other_staff=403)
@pytest.mark.parametrize(
    "name",
    [
        "subsidyapplication_changelist",
        "subsidyapplication_board",
        "relaislabel_changelist",
        "campaign_changelist",
    ],
)
def test_admin_pages_matrix(client, world, role, status, name):
    world.login(client, role)
    response = client.get(admin_url(name))
    if role in ("other_referent", "member", "referent"):
        # Signed in without staff powers: no admin at all.
        assert response.status_code in (302, 403)
    else:
        assert response.status_code == status


def test_dacte_administration_instructs_too(client, world):
    staff = UserFactory(staff=True)
    staff.groups.add(Group.objects.get(name=StaffGroup.DACTE_ADMIN))
    client.force_login(staff)
    assert client.get(admin_url("subsidyapplication_change", world.application.pk)).status_code == 200


def test_board_counts_and_lists_queues(client, world):
    staff = world.people["instructor"]
    paid(staff)
    submitted()
    client.force_login(staff)
    body = client.get(admin_url("subsidyapplication_board")).content.decode()
    assert "À instruire : 2" in body and "Bilan attendu : 1" in body and "Bilan à valider : 0" in body
    response = client.get(admin_url("subsidyapplication_changelist"), {"file": "a-instruire"})
    assert response.status_code == 200 and response.context["cl"].result_count == 2
    from associations.admin.board import board_todo

    request = type("Request", (), {"user": staff})()
    labels = [item.label for item in board_todo(request)]
    assert "dossiers à instruire" in labels and "subventions à payer" not in labels


def test_decisions_go_through_the_services(client, world, django_capture_on_commit_callbacks):
    staff = world.people["instructor"]
    client.force_login(staff)
    application = world.application
    change = client.get(admin_url("subsidyapplication_change", application.pk)).content.decode()
    assert (
        "Prendre en instruction" in change
        and "Demander une correction" in change
        and "Valider le bilan" not in change
    )
    # Refused move: the reason is shown on the form, nothing changes.
    response = client.post(
        admin_url("subsidyapplication_decision", application.pk, "versement"),
        {"amount": "10", "paid_on": "2030-01-01"},
    )
    assert response.status_code == 200 and "Impossible depuis l&#x27;état" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_url("subsidyapplication_decision", application.pk, "demander-correction"),
            {"message": "Précisez le calendrier."},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.CORRECTION and "Précisez le calendrier." in mail.outbox[-1].body
    assert (
        AuditEntry.objects.for_object(application)
        .filter(verb="application.request_correction", actor=staff)
        .exists()
    )
    # Accept with a too-high amount: the field says why.
    application.status = S.IN_REVIEW
    application.save()
    response = client.post(
        admin_url("subsidyapplication_decision", application.pk, "accepter"),
        {"granted_amount": "9999", "decision_reference": "C2030-1", "decision_date": "2030-02-01"},
    )
    assert "dépasse le montant demandé" in response.content.decode()
    client.post(
        admin_url("subsidyapplication_decision", application.pk, "accepter"),
        {"granted_amount": "2 000", "decision_reference": "C2030-1", "decision_date": "2030-02-01"},
    )
    client.post(
        admin_url("subsidyapplication_decision", application.pk, "convention-signee"),
        {"signed_on": "2030-02-10", "convention": pdf("convention.pdf")},
    )
    client.post(
        admin_url("subsidyapplication_decision", application.pk, "versement"),
        {"amount": "2000", "paid_on": "2030-03-01"},
    )
    application.refresh_from_db()
    assert application.status == S.PAID and application.granted_amount == Decimal("2000")
    client.post(admin_url("subsidyapplication_decision", application.pk, "note"), {"body": "RAS"})
    assert application.notes.get().body == "RAS"


def test_other_staff_cannot_decide(client, world):
    client.force_login(world.people["other_staff"])
    response = client.post(
        admin_url("subsidyapplication_decision", world.application.pk, "prendre-en-instruction")
    )
    assert response.status_code == 403
    world.application.refresh_from_db()
    assert world.application.status == S.SUBMITTED


def test_label_decisions_in_admin(client, world):
    organisation = OrganisationFactory()
    label = RelaisLabel.objects.create(
        organisation=organisation, charter_version="2026.1", charter_accepted_at="2030-01-01T10:00:00Z"
    )
    client.force_login(world.people["instructor"])
    assert "Accorder le label" in client.get(admin_url("relaislabel_change", label.pk)).content.decode()
    response = client.post(admin_url("relaislabel_decision", label.pk, "refuser"), {"reason": ""})
    assert response.status_code == 200
    response = client.post(
        admin_url("relaislabel_decision", label.pk, "accorder"),
        {"valid_from": "2030-01-01", "valid_until": "2099-01-01"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    label.refresh_from_db()
    assert label.status == LabelStatus.GRANTED


def test_exports_follow_the_filters(client, world):
    staff = world.people["instructor"]
    done = paid(staff)
    client.force_login(staff)
    response = client.get(admin_url("subsidyapplication_export_csv"), {"file": "bilan-attendu"})
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Référence" and len(rows) == 2 and rows[1][2] == done.organisation.name
    response = client.get(admin_url("subsidyapplication_export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Référence" and sheet.max_row == 3
    names = {sheet.cell(row=r, column=3).value for r in (2, 3)}
    assert names == {done.organisation.name, world.association.name}
    client.force_login(world.people["other_staff"])
    assert client.get(admin_url("subsidyapplication_export_csv")).status_code == 403


def test_indicators_readers_do_not_read_the_files(client, world):
    reader = UserFactory(staff=True)
    reader.groups.add(Group.objects.get(name=StaffGroup.INDICATORS))
    client.force_login(reader)
    assert client.get(admin_url("subsidyapplication_change", world.application.pk)).status_code == 403
    assert client.get(admin_url("relaislabel_changelist")).status_code == 200


def test_campaign_requirements_are_changed_through_the_services(client, world):
    from associations.models import Campaign, CampaignDocument, CampaignQuestion
    from tests.admin_forms import form_data

    client.force_login(world.people["instructor"])
    campaign = Campaign.objects.filter(required_documents__isnull=False).first()
    url = admin_url("campaign_change", campaign.pk)
    page = client.get(url)
    assert page.status_code == 200
    document = campaign.required_documents.first()
    documents_prefix = page.context["inline_admin_formsets"][0].formset.prefix
    questions_prefix = page.context["inline_admin_formsets"][1].formset.prefix
    data = form_data(
        page,
        **{
            f"{documents_prefix}-0-title": "RIB au nom de l'association",
            f"{questions_prefix}-0-DELETE": "on",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.title == "RIB au nom de l'association"
    assert not CampaignQuestion.objects.filter(campaign=campaign).exists()
    verbs = set(AuditEntry.objects.for_object(campaign).values_list("verb", flat=True))
    assert {"campaign.document.update", "campaign.question.delete"} <= verbs
    assert CampaignDocument.objects.filter(campaign=campaign).count() == 1


def test_campaigns_are_deleted_through_the_service_and_kept_once_they_have_applications(client, world):
    from associations.models import Campaign
    from tests.associations.factories import CampaignFactory

    client.force_login(world.people["instructor"])
    with_applications = world.application.campaign
    response = client.post(
        admin_url("campaign_changelist"),
        {"action": "delete_selected", "_selected_action": [with_applications.pk], "post": "yes"},
        follow=True,
    )
    assert Campaign.objects.filter(pk=with_applications.pk).exists()
    assert not AuditEntry.objects.filter(verb="campaign.delete").exists()

    # A year no other campaign of the test has (the factory counts from 2030).
    mistake = CampaignFactory(year=2019, title="Campagne créée par erreur")
    response = client.post(admin_url("campaign_delete", mistake.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Campaign.objects.filter(pk=mistake.pk).exists()
    audit = AuditEntry.objects.get(verb="campaign.delete")
    assert audit.actor == world.people["instructor"] and audit.object_repr == str(mistake)
