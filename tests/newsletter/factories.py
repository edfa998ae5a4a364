from datetime import date

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from newsletter.enums import SectionKind, SheetStatus, SubscriberRole, SubscriberStatus
from newsletter.models import ExperienceSheet, Issue, Section, Subscriber
from newsletter.services import CONSENT_TEXT
from pacte.enums import StaffGroup
from tests.factories import UserFactory


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"abonne{n}@structure.example.fr")
    name = factory.Faker("name", locale="fr_FR")
    structure = "CCAS de Rouen"
    role = SubscriberRole.CCAS
    status = SubscriberStatus.ACTIVE
    consent_text = CONSENT_TEXT
    consent_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status=SubscriberStatus.PENDING, confirmed_at=None)


class SheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExperienceSheet

    title = factory.Sequence(lambda n: f"Retour d'expériences {n}")
    slug = factory.Sequence(lambda n: f"fiche-{n}")
    summary = "Une action simple, racontée simplement."
    context = "Contexte."
    public = "Familles accompagnées."
    action = "Des ateliers."
    results = "Des résultats."
    status = SheetStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=SheetStatus.DRAFT, published_at=None)
        review = factory.Trait(status=SheetStatus.REVIEW, published_at=None)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    number = factory.Sequence(lambda n: n + 1)
    month = factory.LazyFunction(lambda: date.today().replace(day=1))
    title = factory.Sequence(lambda n: f"Numéro thématique {n}")
    editorial = "L'éditorial du mois."

    class Params:
        sent = factory.Trait(status="sent", sent_at=factory.LazyFunction(timezone.now))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    issue = factory.SubFactory(IssueFactory)
    kind = SectionKind.AIDS
    title = factory.Sequence(lambda n: f"Article {n}")
    body = "Le texte de l'article."


def staff_in(group: str, **kwargs):
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    # Permissions are cached on the user object: reload so the group's count.
    from pacte.models import User
    from pacte.permissions import SECOND_FACTOR_MARK

    fresh = User.objects.get(pk=user.pk)
    if getattr(user, SECOND_FACTOR_MARK, False):
        setattr(fresh, SECOND_FACTOR_MARK, True)
    return fresh


def editor(**kwargs):
    return staff_in(StaffGroup.LETTER.value, **kwargs)
