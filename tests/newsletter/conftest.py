import pytest

from pacte.enums import StaffGroup
from tests.factories import UserFactory
from tests.matrix import World
from tests.newsletter.factories import editor, staff_in

ROLES = ["anonymous", "citizen", "other_staff", "editor", "dacte"]


@pytest.fixture
def world(db):
    return World(
        people={
            "anonymous": None,
            "citizen": UserFactory(),
            # Staff of another team (subsidies): no power over the letter.
            "other_staff": staff_in(StaffGroup.SUBSIDY.value),
            "editor": editor(),
            "dacte": staff_in(StaffGroup.DACTE_ADMIN.value),
        }
    )


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what services queue after commit (e-mails, tasks), as a real commit would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run
