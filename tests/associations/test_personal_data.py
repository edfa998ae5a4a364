"""The référent's data in the export and the erasure; the files (public money) stay and still move."""

from datetime import date
from decimal import Decimal

import pytest

from associations.enums import ApplicationStatus as S
from associations.services import instruction
from pacte.services.accounts import user_delete_account, user_export_data
from tests.associations.factories import instructor, submitted

pytestmark = pytest.mark.django_db


def test_export_then_erasure_keeps_the_file_workable():
    staff = instructor()
    application = submitted()
    lead = application.organisation.memberships.get().user
    instruction.message_post(application=application, body="Notre trésorier change.", by=lead)
    data = user_export_data(user=lead)["associations"]
    assert data["demandes_de_subvention_creees"][0]["titre"] == application.title
    assert data["messages"][0]["message"] == "Notre trésorier change."

    user_delete_account(user=lead, by=lead)
    application.refresh_from_db()
    assert application.created_by is None and application.messages.get().author is None
    instruction.application_take_up(application=application, by=staff)
    instruction.application_accept(
        application=application,
        granted_amount=Decimal("100"),
        decision_reference="R",
        decision_date=date(2030, 1, 1),
        conditions="",
        by=staff,
    )
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
