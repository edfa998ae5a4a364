"""The communes admin renders with data, and its saves and actions go through the services."""

import pytest
from django.urls import reverse

from communes.enums import ModerationStatus
from communes.models import Commitment, CommuneAction, Convention, Replication
from communes.services import replication_create
from pacte.models import AuditEntry
from tests.communes.factories import ActionFactory, CommitmentFactory, referent, theme
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(staff=True, is_superuser=True)


@pytest.fixture
def data():
    action = ActionFactory(title="Extinction nocturne")
    CommitmentFactory(convention__commune=commune("darnetal"))
    replication_create(
        source=action, commune=commune("oissel-sur-seine"), message="x", by=referent("oissel-sur-seine")
    )
    return action


@pytest.mark.parametrize("model", [Convention, CommuneAction, Replication])
def test_admin_pages_render_with_data(client, staff, data, model):
    client.force_login(staff)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "dar"}).status_code == 200
    instance = model.objects.first()
    assert (
        client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        ).status_code
        == 200
    )


def test_staff_without_second_factor_has_no_admin(client):
    client.force_login(UserFactory(staff=True, is_superuser=True, second_factor=False))
    assert client.get(reverse("admin:communes_communeaction_changelist")).status_code == 302


def _moderation_post(action, **values):
    inlines = {}
    for prefix in ("photos", "documents"):
        inlines.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {"status": action.status, "refusal_reason": action.refusal_reason, **inlines, **values}


def test_refusal_in_admin_needs_a_reason_and_goes_through_the_service(
    client, staff, django_capture_on_commit_callbacks, mailoutbox
):
    action = ActionFactory(pending=True)
    client.force_login(staff)
    url = reverse("admin:communes_communeaction_change", args=[action.pk])
    response = client.post(url, _moderation_post(action, status="refused"))
    assert response.status_code == 200 and "Donnez le motif du refus" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, _moderation_post(action, status="refused", refusal_reason="Ajoutez une photo.")
        )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ModerationStatus.REFUSED and action.refusal_reason == "Ajoutez une photo."
    assert AuditEntry.objects.filter(verb="commune_action.refuse", reason="Ajoutez une photo.").exists()
    assert mailoutbox and "Ajoutez une photo." in mailoutbox[-1].body


def test_publish_from_the_change_form_and_the_list_action(client, staff):
    first, second = ActionFactory(pending=True), ActionFactory(pending=True)
    client.force_login(staff)
    url = reverse("admin:communes_communeaction_change", args=[first.pk])
    assert client.post(url, _moderation_post(first, status="published")).status_code == 302
    changelist = reverse("admin:communes_communeaction_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [second.pk]})
    assert set(CommuneAction.objects.values_list("status", flat=True)) == {ModerationStatus.PUBLISHED}
    assert AuditEntry.objects.filter(verb="commune_action.publish").count() == 2
    # Back to "pending" is not a decision.
    response = client.post(url, _moderation_post(first, status="pending"))
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == ModerationStatus.PUBLISHED


def test_pending_actions_are_declared_as_admin_todo(rf, staff):
    from pacte import portal

    ActionFactory(pending=True)
    ActionFactory(pending=True)
    ActionFactory()
    request = rf.get("/admin/")
    request.user = staff
    items = [item for item in portal.admin_todo(request) if item.group == "Réseau des communes"]
    assert [(item.count, item.label) for item in items] == [(2, "actions de communes à relire")]
    assert client_get_ok(items[0].url)
    request.user = referent()
    assert not [item for item in portal.admin_todo(request) if item.group == "Réseau des communes"]


def client_get_ok(url):
    return url.startswith("/admin/communes/communeaction/") and "status__exact=pending" in url


def test_convention_and_commitments_are_saved_through_the_services(client, staff):
    client.force_login(staff)
    prefix = "commitments"
    response = client.post(
        reverse("admin:communes_convention_add"),
        {
            "commune": commune("malaunay").pk,
            "title": "Convention PACTE",
            "signed_on": "2025-03-01",
            "starts_on": "2025-01-01",
            "ends_on": "2027-12-31",
            "summary": "",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-position": "0",
            f"{prefix}-0-title": "Panneaux solaires sur les écoles",
            f"{prefix}-0-theme": theme().pk,
            f"{prefix}-0-target": "Trois écoles",
            f"{prefix}-0-progress": "30",
            f"{prefix}-0-progress_note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    convention = Convention.objects.get(commune__slug="malaunay")
    commitment = Commitment.objects.get(convention=convention)
    assert commitment.progress == 30
    assert AuditEntry.objects.filter(verb="convention.create").exists()
    assert AuditEntry.objects.filter(verb="commitment.create").exists()
    # An impossible progress is refused next to the field.
    response = client.post(
        reverse("admin:communes_convention_change", args=[convention.pk]),
        {
            "title": "Convention PACTE",
            "signed_on": "2025-03-01",
            "starts_on": "2025-01-01",
            "ends_on": "2027-12-31",
            "summary": "",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": commitment.pk,
            f"{prefix}-0-convention": convention.pk,
            f"{prefix}-0-position": "0",
            f"{prefix}-0-title": "Panneaux solaires sur les écoles",
            f"{prefix}-0-theme": theme().pk,
            f"{prefix}-0-target": "Trois écoles",
            f"{prefix}-0-progress": "130",
            f"{prefix}-0-progress_note": "",
        },
    )
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.progress == 30


def test_delete_action_through_the_service(client, staff):
    action = ActionFactory()
    client.force_login(staff)
    response = client.post(reverse("admin:communes_communeaction_delete", args=[action.pk]), {"post": "yes"})
    assert response.status_code == 302 and not CommuneAction.objects.exists()
    assert AuditEntry.objects.filter(verb="commune_action.delete").exists()
