"""Helpers of the indicators tests."""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from indicators.services import previous_month
from pacte.enums import RegistrationStatus, StaffGroup
from pacte.models import Registration
from tests.factories import EventFactory, UserFactory


def staff_in(group, **kwargs):
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    return user


def reader(**kwargs):
    return staff_in(StaffGroup.INDICATORS, **kwargs)


def months_ago(count: int):
    """The first day of the closed month `count` months before the last closed one."""
    month = previous_month()
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def past_event(month, people=(), walk_ins=0, **kwargs):
    """A published event on the 10th of `month`, the `people` present."""
    starts_at = timezone.make_aware(datetime.combine(month.replace(day=10), time(18, 0)))
    event = EventFactory(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), walk_in_count=walk_ins, **kwargs
    )
    for person in people:
        Registration.objects.create(
            event=event, user=person, status=RegistrationStatus.CONFIRMED, attended=True
        )
    return event
