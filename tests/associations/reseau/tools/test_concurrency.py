"""Two associations asking for one copy at once, for overlapping dates, get one loan: the copy's row
lock in the service, and the exclusion constraint (btree_gist) on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections
from django.utils import timezone

from associations.reseau.tools.enums import LoanStatus
from associations.reseau.tools.models import Loan, ToolCopy
from associations.reseau.tools.services import loan_request
from pacte.services.errors import RefusedError
from tests.associations.factories import labelled_association, referent

from .factories import ToolCopyFactory, ToolFactory

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback restores the communes and themes that the data migrations loaded.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"),
]


def test_concurrent_overlapping_requests_give_one_loan():
    owner = labelled_association(name="Propriétaire", slug="proprietaire")
    copy = ToolCopyFactory(tool=ToolFactory(owner=owner))
    borrowers = [labelled_association(name=f"Emprunteuse {n}", slug=f"emprunteuse-{n}") for n in range(8)]
    people = [referent(borrower) for borrower in borrowers]
    today = timezone.localdate()
    barrier = threading.Barrier(len(people))
    refused, errors = [], []

    def ask(n):
        try:
            barrier.wait(timeout=10)
            loan_request(
                copy=ToolCopy.objects.get(pk=copy.pk),
                borrower=borrowers[n],
                # Different ranges, all of them holding day 12.
                start_on=today + timedelta(days=5 + n),
                end_on=today + timedelta(days=12),
                by=people[n],
            )
        except RefusedError as refusal:
            refused.append(refusal.code)
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Loan.objects.filter(copy=copy).count() == 1
    assert refused == ["overlap"] * (len(people) - 1)


def test_the_database_itself_refuses_an_overlap():
    owner = labelled_association(name="Propriétaire", slug="proprietaire")
    borrower = labelled_association(name="Emprunteuse", slug="emprunteuse")
    copy = ToolCopyFactory(tool=ToolFactory(owner=owner))
    today = timezone.localdate()
    Loan.objects.create(copy=copy, borrower=borrower, start_on=today, end_on=today + timedelta(days=3))
    # A refused loan does not hold its dates.
    Loan.objects.create(
        copy=copy,
        borrower=borrower,
        start_on=today,
        end_on=today + timedelta(days=3),
        status=LoanStatus.REFUSED,
    )
    with pytest.raises(IntegrityError):
        Loan.objects.create(
            copy=copy, borrower=borrower, start_on=today + timedelta(days=3), end_on=today + timedelta(days=5)
        )
