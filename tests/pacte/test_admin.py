"""Every admin page a DACTE agent opens renders: changelists (with search), add and change forms."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


def _registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize("model", [m for m, _ in _registered()], ids=lambda m: m._meta.label)
def test_changelist_and_add_render(staff_client, model):
    EventFactory()
    MembershipFactory(referent=True)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": "rouen"}).status_code == 200
    model_admin = admin.site._registry[model]
    request = staff_client.get(changelist).wsgi_request
    if model_admin.has_add_permission(request):
        assert staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
    instance = model._default_manager.first()
    if instance is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert staff_client.get(change).status_code == 200


def test_staff_without_admin_rights_cannot_edit_events(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    client.force_login(UserFactory(staff=True))
    assert client.get(reverse("admin:pacte_event_changelist")).status_code == 403
