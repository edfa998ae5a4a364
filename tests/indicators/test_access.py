"""Who reads the indicators (indicators.access.reads_indicators)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from indicators.access import reads_indicators
from pacte.enums import StaffGroup
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff_in(group, **kwargs):
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_readers_are_staff_of_the_dacte_or_of_the_indicators_group():
    assert reads_indicators(staff_in(StaffGroup.INDICATORS))
    assert reads_indicators(staff_in(StaffGroup.DACTE_ADMIN))


def test_other_people_do_not_read_them():
    others = [
        AnonymousUser(),
        UserFactory(),
        staff_in(StaffGroup.ATELIER),
        staff_in(StaffGroup.INDICATORS, second_factor=False),
    ]
    assert [reads_indicators(person) for person in others] == [False] * 4
