"""The tool library in the admin: French lists, the overdue filter, actions and saves through the
services (journaled), no deletion."""

import pytest
from django.urls import reverse

from associations.reseau.tools.enums import LoanStatus
from associations.reseau.tools.models import Loan, Tool
from pacte.enums import StaffGroup
from pacte.models import AuditEntry
from tests.associations.factories import instructor

from .factories import LoanFactory, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def dacte(client):
    user = instructor(StaffGroup.DACTE_ADMIN)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "name",
    ["tool_changelist", "toolcopy_changelist", "loan_changelist", "loanhandoff_changelist", "tool_add"],
)
def test_admin_pages(client, world, dacte, name):
    assert client.get(reverse(f"admin:associations_{name}")).status_code == 200


def test_non_staff_have_no_admin(client, world):
    world.login(client, "holder")
    assert client.get(reverse("admin:associations_loan_changelist")).status_code in (302, 403)


def test_overdue_filter_lists_only_late_copies(client, world, dacte):
    late = LoanFactory(
        copy=world.other_tool.copies.get(),
        borrower=world.borrower,
        status=LoanStatus.OUT,
        start_on=days(-5),
        end_on=days(-1),
    )
    response = client.get(reverse("admin:associations_loan_changelist") + "?retard=oui")
    assert list(response.context["cl"].queryset) == [late]


def test_accept_action_goes_through_the_service(client, world, dacte):
    response = client.post(
        reverse("admin:associations_loan_changelist"),
        {"action": "accept", "_selected_action": [world.loan.pk]},
    )
    assert response.status_code == 302
    world.loan.refresh_from_db()
    assert world.loan.status == LoanStatus.ACCEPTED and world.loan.decided_by == dacte
    assert AuditEntry.objects.filter(verb="loan.accept", object_id=str(world.loan.pk)).exists()


def test_a_refused_action_says_why(client, world, dacte):
    Loan.objects.filter(pk=world.loan.pk).update(status=LoanStatus.RETURNED)
    response = client.post(
        reverse("admin:associations_loan_changelist"),
        {"action": "accept", "_selected_action": [world.loan.pk]},
        follow=True,
    )
    assert "Seule une demande en attente" in response.content.decode()


def test_tool_added_in_the_admin_is_created_by_the_service(client, world, dacte):
    response = client.post(
        reverse("admin:associations_tool_add"),
        {
            "owner": "",
            "title": "Exposition Climat",
            "kind": "exposition",
            "summary": "Douze panneaux.",
            "description": "Sur roll-up.",
            "public": "grand_public",
            "age_min": "",
            "age_max": "",
            "copies-TOTAL_FORMS": "0",
            "copies-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tool = Tool.objects.get(title="Exposition Climat")
    assert tool.owner is None and tool.created_by == dacte
    assert AuditEntry.objects.filter(verb="tool.create", object_id=str(tool.pk)).exists()


def test_withdraw_action_refuses_with_live_loans(client, world, dacte):
    response = client.post(
        reverse("admin:associations_tool_changelist"),
        {"action": "withdraw", "_selected_action": [world.tool.pk, world.metropole_tool.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "traitez-les avant de le retirer" in page
    world.tool.refresh_from_db()
    world.metropole_tool.refresh_from_db()
    assert (world.tool.is_withdrawn, world.metropole_tool.is_withdrawn) == (False, True)


def test_no_deletion(client, world, dacte):
    assert client.get(reverse("admin:associations_loan_delete", args=[world.loan.pk])).status_code == 403
    assert client.get(reverse("admin:associations_tool_delete", args=[world.tool.pk])).status_code == 403


def test_refuse_with_a_reason_through_the_decision_page(
    client, world, dacte, mailoutbox, django_capture_on_commit_callbacks
):
    changelist = reverse("admin:associations_loan_changelist")
    response = client.post(changelist, {"action": "refuse", "_selected_action": [world.loan.pk]})
    page = reverse("admin:associations_loan_decision", args=[world.loan.pk, "refuser"])
    assert response.status_code == 302 and response["Location"] == page
    change = client.get(reverse("admin:associations_loan_change", args=[world.loan.pk])).content.decode()
    assert page in change and "Refuser la demande de prêt" in change
    assert "Motif du refus" in client.get(page).content.decode()
    # The reason is required: the page comes back with the form.
    assert client.post(page, {"reason": "  "}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"reason": "Le jeu part en réparation ce mois-ci."})
    assert response.status_code == 302
    world.loan.refresh_from_db()
    assert world.loan.status == LoanStatus.REFUSED and world.loan.decided_by == dacte
    assert world.loan.reason == "Le jeu part en réparation ce mois-ci."
    assert AuditEntry.objects.filter(verb="loan.refuse", object_id=str(world.loan.pk)).exists()
    assert any("réparation" in message.body for message in mailoutbox)
    # A decided loan has no refusal left: the service says why on the page.
    response = client.post(page, {"reason": "Encore ?"})
    assert response.status_code == 200 and "ne peut plus être refusé" in response.content.decode()


def test_refuse_action_takes_one_loan_at_a_time(client, world, dacte):
    other = LoanFactory(copy=world.copy, borrower=world.borrower, start_on=days(30), end_on=days(31))
    response = client.post(
        reverse("admin:associations_loan_changelist"),
        {"action": "refuse", "_selected_action": [world.loan.pk, other.pk]},
        follow=True,
    )
    assert "Choisissez une seule demande" in response.content.decode()
    world.loan.refresh_from_db()
    assert world.loan.status == LoanStatus.REQUESTED
