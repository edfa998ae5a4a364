"""Staff moderate the showcase in the admin, through the services; the pending count is on the
admin home's to-do."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from associations.reseau.models import ShowcaseStatus
from pacte.enums import StaffGroup
from pacte.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dacte(client):
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name=StaffGroup.DACTE_ADMIN))
    client.force_login(user)
    return user


def _change_url(action):
    return reverse("admin:associations_showcaseaction_change", args=[action.pk])


def _decision(status, reason=""):
    """The change form's fields, with the (empty) management forms of its read-only inlines."""
    data = {"status": status, "refusal_reason": reason}
    for prefix in ("photos", "reports"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


@pytest.mark.parametrize("role,status", [("referent", 302), ("citizen", 302), ("dacte", 200)])
def test_admin_pages(client, net, role, status):
    if role == "dacte":
        user = UserFactory(staff=True)
        user.groups.add(Group.objects.get(name=StaffGroup.DACTE_ADMIN))
        client.force_login(user)
    else:
        net.login(client, role)
    assert client.get(reverse("admin:associations_showcaseaction_changelist")).status_code == status
    assert client.get(_change_url(net.pending)).status_code == status


def test_publish_from_the_change_form(client, net, dacte, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change_url(net.pending), _decision("published"))
    assert response.status_code == 302
    net.pending.refresh_from_db()
    assert net.pending.status == ShowcaseStatus.PUBLISHED
    assert AuditEntry.objects.filter(verb="showcase.publish", actor=dacte).exists()
    assert mail.outbox[-1].to == [net.people["referent"].email]


def test_refuse_needs_a_reason(client, net, dacte, django_capture_on_commit_callbacks):
    response = client.post(_change_url(net.pending), _decision("refused"))
    assert response.status_code == 200 and "Donnez le motif du refus" in response.content.decode()
    net.pending.refresh_from_db()
    assert net.pending.status == ShowcaseStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_change_url(net.pending), _decision("refused", "Trop court."))
    net.pending.refresh_from_db()
    assert net.pending.status == ShowcaseStatus.REFUSED and net.pending.refusal_reason == "Trop court."
    assert "Trop court." in mail.outbox[-1].body


def test_publish_action_in_bulk(client, net, dacte):
    response = client.post(
        reverse("admin:associations_showcaseaction_changelist"),
        {"action": "publish", "_selected_action": [net.pending.pk, net.other_pending.pk, net.published.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "2 action(s) publiée(s)." in body and "déjà publiée" in body
    net.other_pending.refresh_from_db()
    assert net.other_pending.status == ShowcaseStatus.PUBLISHED


def test_no_addition_nor_deletion_in_the_admin(client, net, dacte):
    assert client.get(reverse("admin:associations_showcaseaction_add")).status_code == 403
    assert (
        client.get(reverse("admin:associations_showcaseaction_delete", args=[net.pending.pk])).status_code
        == 403
    )


def test_pending_count_on_the_admin_todo(client, net, dacte):
    from associations.reseau.my_space import showcase_todo

    class Request:
        user = dacte

    (item,) = showcase_todo(Request())
    assert item.count == 2 and item.label == "actions de la vitrine à relire"
    listing = client.get(item.url)
    assert listing.status_code == 200 and "Bourse aux vélos" in listing.content.decode()
    assert "Fête des récoltes" not in listing.content.decode()
    response = client.get(reverse("admin:index"))
    assert "actions de la vitrine à relire" in response.content.decode()
