"""Every model admin of the portal's apps saves and deletes through the services
(docs/architecture.md): it is a ServiceModelAdmin, or its objects change only through actions and
decision pages (ChangedByActionsOnly), or it cannot add, change or delete at all. A plain
admin.ModelAdmin that may save would write rows with model.save(), outside the journal."""

import pytest
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.test import RequestFactory

from pacte.admin_tools import ChangedByActionsOnly, ServiceModelAdmin
from pacte.portal import portal_apps
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_no_model_admin_of_the_portal_saves_or_deletes_outside_the_services():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(staff=True, is_superuser=True)
    labels = {app.label for app in portal_apps()}
    plain = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in labels or isinstance(model_admin, ServiceModelAdmin):
            continue
        if isinstance(model_admin, DjangoUserAdmin):
            # Accounts: deleted through user_delete_account (plain deletion off); rights changes
            # journaled by user_rights_changed (tests/pacte/test_admin_services.py).
            continue
        saves = model_admin.has_add_permission(request) or (
            model_admin.has_change_permission(request, model())
            and not isinstance(model_admin, ChangedByActionsOnly)
        )
        deletes = model_admin.has_delete_permission(request) or model_admin.has_delete_permission(
            request, model()
        )
        if saves or deletes:
            plain.append(f"{model._meta.label} ({type(model_admin).__name__})")
    assert not plain, f"admins qui enregistrent sans service : {plain}"
