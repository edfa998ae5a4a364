"""The clubs demo content is believable and idempotent (seed_demo runs at each `make run`)."""

import io

import pytest
from django.core.management import call_command

from clubs.models import Club, ClubMembershipRecord, Practice, PracticePhoto
from pacte.enums import Action, MembershipRole
from pacte.models import Event, Membership, Topic

pytestmark = pytest.mark.django_db


def test_seed_demo_twice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        Club.objects.count(),
        Practice.objects.count(),
        Event.objects.filter(action=Action.CLUBS).count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Club.objects.count(),
        Practice.objects.count(),
        Event.objects.filter(action=Action.CLUBS).count(),
    ) == counts
    assert {c.club_type for c in Club.objects.all()} == {"cop21", "jardiniers", "groupe_local"}
    communes = set(Club.objects.values_list("organisation__commune__slug", flat=True))
    assert {
        "rouen",
        "sotteville-les-rouen",
        "elbeuf",
        "canteleu",
        "le-petit-quevilly",
        "mont-saint-aignan",
    } <= communes
    cop21 = Club.objects.get(organisation__slug="club-cop21")
    assert Membership.objects.get(
        organisation=cop21.organisation, user__email="habitante@demo.pacte.fr"
    ).role == (MembershipRole.REFERENT)
    gardeners = Club.objects.get(organisation__slug="club-des-jardiniers")
    assert Membership.objects.get(
        organisation=gardeners.organisation, user__email="asso@demo.pacte.fr"
    ).role == (MembershipRole.MEMBER)
    assert (
        ClubMembershipRecord.objects.count() == Membership.objects.filter(organisation__kind="club").count()
    )
    assert PracticePhoto.objects.exists() and Topic.objects.exists()
    assert Practice.objects.filter(status="reported").count() == 1
