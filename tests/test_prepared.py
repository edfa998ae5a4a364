"""pacte.prepared.PreparedQuery.rows: the rows its .values() queryset would give, for any arguments, from a
statement compiled once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacte.enums import MembershipRole
from pacte.models import Membership, Organisation
from pacte.prepared import PreparedQuery
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _memberships(organisation_id, user_id):
    return Membership.objects.filter(organisation_id=organisation_id, user_id=user_id).values(
        "role", "created_at"
    )


def test_rows_are_the_queryset_s_for_each_call():
    prepared = PreparedQuery(_memberships, cache=False, organisation_id=int, user_id=int)
    first, second = OrganisationFactory(), OrganisationFactory()
    person = UserFactory()
    Membership.objects.create(organisation=first, user=person, role=MembershipRole.REFERENT)
    Membership.objects.create(organisation=second, user=person)
    for organisation in (first, second):
        assert prepared.rows(organisation_id=organisation.pk, user_id=person.pk) == list(
            _memberships(organisation.pk, person.pk)
        )
    assert prepared.rows(organisation_id=first.pk, user_id=UserFactory().pk) == []
    with CaptureQueriesContext(connection) as ctx:
        prepared.rows(organisation_id=second.pk, user_id=person.pk)
    assert len(ctx.captured_queries) == 1
    # Converted as the ORM converts (an aware datetime, not the database's raw value).
    assert (
        prepared.rows(organisation_id=first.pk, user_id=person.pk)[0]["created_at"]
        == Membership.objects.get(organisation=first).created_at
    )


def test_string_arguments():
    prepared = PreparedQuery(lambda slug: Organisation.objects.filter(slug=slug).values("pk"), slug=str)
    organisation = OrganisationFactory(slug="les-binettes")
    assert prepared.rows(slug="les-binettes") == [{"pk": organisation.pk}]
    assert prepared.rows(slug="ailleurs") == []


def test_an_argument_the_orm_transforms_or_an_unknown_type_is_refused():
    prepared = PreparedQuery(
        lambda name: Organisation.objects.filter(name__icontains=name).values("pk"), name=str
    )
    with pytest.raises(ValueError):
        prepared.rows(name="binettes")
    with pytest.raises(TypeError):
        PreparedQuery(lambda pk: Organisation.objects.filter(pk=pk).values("pk"), pk=float)


def test_day_arguments_reach_every_place_they_are_used():
    from datetime import date, timedelta

    from pacte.models import Event

    def starting_on(day):
        return Event.objects.filter(starts_at__date__gte=day, ends_at__date__gte=day).values("pk")

    from tests.factories import EventFactory

    EventFactory(), EventFactory()
    prepared = PreparedQuery(starting_on, day=date)
    today = date.today()
    assert prepared.rows(day=today - timedelta(days=400)), "the events must be found"
    for day in (today - timedelta(days=400), today, today + timedelta(days=400)):
        assert prepared.rows(day=day) == list(starting_on(day))


def test_answers_are_cached_under_the_areas_of_the_tables_read(django_assert_num_queries):
    """pacte_membership is watched by the kernel's area: the answer is kept until a write there."""
    prepared = PreparedQuery(_memberships, organisation_id=int, user_id=int)
    organisation, person = OrganisationFactory(), UserFactory()
    assert prepared.rows(organisation_id=organisation.pk, user_id=person.pk) == []
    with django_assert_num_queries(0):
        assert prepared.rows(organisation_id=organisation.pk, user_id=person.pk) == []
    Membership.objects.create(organisation=organisation, user=person, role=MembershipRole.REFERENT)
    with django_assert_num_queries(1):  # the membership's save renewed the area
        rows = prepared.rows(organisation_id=organisation.pk, user_id=person.pk)
    assert [row["role"] for row in rows] == [MembershipRole.REFERENT]
    other = UserFactory()
    with django_assert_num_queries(1):  # other arguments, another answer
        assert prepared.rows(organisation_id=organisation.pk, user_id=other.pk) == []


def test_a_table_no_area_watches_is_read_each_time(django_assert_num_queries):
    from pacte.models import User

    prepared = PreparedQuery(lambda pk: User.objects.filter(pk=pk).values("email"), pk=int)
    person = UserFactory()
    prepared.rows(pk=person.pk)
    with django_assert_num_queries(1):
        assert prepared.rows(pk=person.pk) == [{"email": person.email}]
