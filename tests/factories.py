from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from pacte.enums import Action, MembershipRole, OrganisationKind
from pacte.models import Commune, Event, Membership, Organisation, Theme, User
from pacte.permissions import SECOND_FACTOR_MARK


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("mot-de-passe-solide-2026")

    class Params:
        staff = factory.Trait(is_staff=True)

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        # Staff who passed the second factor: acts as staff in services called directly, and a
        # client.force_login() of it opens a session that passed it (tests/conftest.py).
        # `UserFactory(staff=True, second_factor=False)` is staff with the password only.
        if obj.is_staff and extracted is not False:
            setattr(obj, SECOND_FACTOR_MARK, True)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


def commune(slug="rouen") -> Commune:
    """The real communes are loaded by migration: tests pick one instead of inventing it."""
    return Commune.objects.get(slug=slug)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ASSOCIATION
    name = factory.Sequence(lambda n: f"Association n° {n}")
    slug = factory.Sequence(lambda n: f"association-{n}")
    commune = factory.LazyFunction(commune)

    class Params:
        club = factory.Trait(kind=OrganisationKind.CLUB)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER

    class Params:
        referent = factory.Trait(role=MembershipRole.REFERENT)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Atelier n° {n}")
    slug = factory.Sequence(lambda n: f"atelier-{n}")
    action = Action.CLUBS
    commune = factory.LazyFunction(commune)
    place = "Maison des associations"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    capacity = 10
    is_published = True

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2)),
        )
        draft = factory.Trait(is_published=False)
        unlimited = factory.Trait(capacity=None)
