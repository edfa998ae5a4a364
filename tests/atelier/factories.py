"""Atelier factories: a venue open Monday–Saturday, its spaces, calls, residencies, bookings."""

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from atelier.enums import ApplicationStatus, BookingStatus, Frequency, SpaceKind
from atelier.models import (
    Application,
    Booking,
    Call,
    Criterion,
    OpeningHours,
    RequiredDocument,
    Residency,
    Space,
    Venue,
)
from pacte.enums import MembershipRole
from pacte.models import Membership, Theme
from tests.factories import OrganisationFactory, UserFactory, commune


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        skip_postgeneration_save = True

    name = "Atelier des Transitions"
    slug = factory.Sequence(lambda n: f"atelier-des-transitions-{n}")
    address = "12 rue de la Transition, 76000 Rouen"
    commune = factory.LazyFunction(commune)
    access = "Métro : station Théâtre des Arts."
    accessibility = "Plain-pied, toilettes adaptées."
    house_rules = "Laisser les lieux propres."

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            for weekday in range(5):
                OpeningHours.objects.create(venue=obj, weekday=weekday, opens_at=time(9), closes_at=time(19))
            OpeningHours.objects.create(venue=obj, weekday=5, opens_at=time(10), closes_at=time(17))


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Salle n° {n}")
    slug = factory.Sequence(lambda n: f"salle-{n}")
    kind = SpaceKind.MEETING_ROOM
    capacity = 20
    equipment = "Vidéoprojecteur\nPaperboard"
    min_duration_minutes = 30
    max_duration_minutes = 240


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Appel à résidence n° {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    text = "L'Atelier accueille des associations qui contribuent au PACTE."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    residency_starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    residency_ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))
    weekly_quota_hours = 8
    is_published = True

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=30)),
        )

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Criterion.objects.create(call=obj, label="Contribution au PACTE", weight=3, position=0)
            Criterion.objects.create(call=obj, label="Partenariats", weight=1, position=1)
            RequiredDocument.objects.create(call=obj, label="Statuts de l'association", position=0)


def referent(organisation, user=None):
    user = user or UserFactory()
    Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": MembershipRole.REFERENT}
    )
    return user


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    project_title = "Repair café mensuel"
    project = "Un atelier de réparation ouvert à tous."
    frequency = Frequency.WEEKLY
    hours_per_week = 4
    expected_public = "Habitants du quartier"
    status = ApplicationStatus.DRAFT


class ResidencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residency
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))
    weekly_quota_hours = 8
    rules_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def spaces(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.spaces.set(extracted)


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    space = factory.SubFactory(SpaceFactory)
    title = "Réunion du bureau"
    starts_at = factory.LazyFunction(lambda: slot(days=7, hour=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    status = BookingStatus.CONFIRMED


def next_monday(weeks_ahead: int = 1) -> date:
    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) + 7 * (weeks_ahead - 1))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def slot(days: int = 7, hour: int = 10) -> datetime:
    """A future weekday (Monday of the week after `days`' week) at `hour`, local time."""
    return at(next_monday(max(1, days // 7)), hour)


def resident(space, *, quota=8, user=None, **kwargs):
    """A residency giving `space`, with its référent (returned second)."""
    residency = ResidencyFactory(spaces=[space], weekly_quota_hours=quota, **kwargs)
    return residency, referent(residency.organisation, user)


def any_theme():
    return Theme.objects.first()
