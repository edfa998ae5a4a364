"""Who belongs to the Relais COP21 network (associations.reseau.access)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from associations.models import RelaisLabel
from associations.reseau import access
from tests.associations.factories import labelled_association, referent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_members_and_referents_of_a_labelled_association_belong_to_the_network():
    association = labelled_association(name="Les Jardins du Mont", slug="jardins-du-mont")
    lead = referent(association)
    member = MembershipFactory(organisation=association).user

    assert access.in_network(lead) and access.in_network(member)
    assert list(access.network_organisations(member)) == [association]
    assert list(access.referent_organisations(lead)) == [association]
    assert not access.referent_organisations(member).exists()


def test_an_association_without_a_label_in_force_is_outside():
    unlabelled = OrganisationFactory(kind="association")
    lapsed = labelled_association(name="Ancienne Relais", slug="ancienne-relais")
    RelaisLabel.objects.filter(organisation=lapsed).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    outsiders = [referent(unlabelled), referent(lapsed), UserFactory(), AnonymousUser()]

    assert [access.in_network(person) for person in outsiders] == [False] * 4
    assert list(access.labelled_organisations()) == []


def test_staff_belong_only_with_the_second_factor():
    assert access.in_network(UserFactory(staff=True))
    assert not access.in_network(UserFactory(staff=True, second_factor=False))
