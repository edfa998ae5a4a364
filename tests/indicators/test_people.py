"""People mobilised: distinct people across the six actions, counted once (indicators.people)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from indicators.people import people_mobilised, people_total
from pacte.enums import Action, OrganisationKind, PublicCategory, RegistrationStatus
from pacte.metrics import Period
from pacte.models import Registration
from tests.clubs.factories import ClubFactory, member
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory, UserFactory, commune
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def this_month() -> Period:
    today = timezone.localdate()
    return Period(today.replace(day=1), today)


def attended(event, user):
    return Registration.objects.create(
        event=event, user=user, status=RegistrationStatus.CONFIRMED, attended=True
    )


def today_event(**kwargs):
    now = timezone.now()
    return EventFactory(starts_at=now - timedelta(minutes=90), ends_at=now - timedelta(minutes=30), **kwargs)


@pytest.fixture
def three_actions():
    """Léa (Rouen, habitante) in a club, at an Atelier event and subscribed to the letter; Karim
    (Darnétal, agent of the commune) its referent; two walk-ins; an anonymous subscriber."""
    rouen, darnetal = commune("rouen"), commune("darnetal")
    lea = UserFactory(home_commune=rouen)
    karim = UserFactory(home_commune=darnetal, category=PublicCategory.COMMUNE)
    member(ClubFactory(), lea)
    attended(today_event(action=Action.ATELIER, walk_in_count=2, commune=rouen), lea)
    SubscriberFactory(user=lea, commune=rouen)
    SubscriberFactory(user=None, commune=darnetal)
    MembershipFactory(
        user=karim, organisation=OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=darnetal)
    )
    return lea, karim


def test_a_person_in_three_actions_counts_once(three_actions):
    # Léa once, Karim once, two walk-ins and one anonymous subscriber.
    assert people_total(this_month()) == 5
    [row] = people_mobilised(this_month())
    assert (row.people, row.anonymous) == (2, 3)


def test_by_action_counts_each_person_once_per_action(three_actions):
    rows = {row.action: row.total for row in people_mobilised(this_month(), by=("action",))}
    assert rows == {Action.CLUBS: 1, Action.ATELIER: 3, Action.NEWSLETTER: 2, Action.COMMUNES: 1}
    assert people_total(this_month(), action=Action.ATELIER) == 3


def test_by_commune_and_public(three_actions):
    darnetal = commune("darnetal")
    by_commune = {row.commune: row.total for row in people_mobilised(this_month(), by=("commune",))}
    assert by_commune == {commune("rouen").pk: 3, darnetal.pk: 2}
    by_category = {row.category: row.total for row in people_mobilised(this_month(), by=("category",))}
    assert by_category == {PublicCategory.HABITANT: 1, PublicCategory.COMMUNE: 1, None: 3}
    today = this_month()
    assert people_total(Period(today.start, today.end, commune=darnetal)) == 2
    assert people_total(Period(today.start, today.end, category=PublicCategory.COMMUNE)) == 1


def test_the_period_counts_ongoing_participations_and_not_past_events(three_actions):
    last_year = this_month().start.replace(year=this_month().start.year - 1)
    assert people_total(Period(last_year, last_year + timedelta(days=27))) == 0
    next_month = this_month().end + timedelta(days=40)
    # Memberships, subscriptions and referents go on; the event and its walk-ins do not.
    assert people_total(Period(next_month, next_month)) == 3


def test_absent_and_cancelled_registrations_do_not_count():
    event = today_event()
    Registration.objects.create(
        event=event, user=UserFactory(), status=RegistrationStatus.CONFIRMED, attended=False
    )
    Registration.objects.create(
        event=event, user=UserFactory(), status=RegistrationStatus.CANCELLED, attended=True
    )
    assert people_total(this_month()) == 0


def test_one_query_whatever_the_sources(django_assert_num_queries, three_actions):
    with django_assert_num_queries(1):
        people_mobilised(this_month(), by=("action", "commune", "category"))


def test_unknown_breakdown_is_refused():
    with pytest.raises(ValueError):
        people_mobilised(this_month(), by=("age",))
