"""Factories of the communes tests (tests/factories.py belongs to the kernel)."""

import io
from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from communes.enums import ActionStage, ModerationStatus
from communes.models import Commitment, CommuneAction, Convention
from pacte.enums import MembershipRole, OrganisationKind
from pacte.models import Membership, Theme
from tests.factories import OrganisationFactory, UserFactory, commune


def commune_organisation(slug="darnetal"):
    """The commune's organisation (kind commune), created once per commune."""
    place = commune(slug)
    from pacte.models import Organisation

    existing = Organisation.objects.filter(kind=OrganisationKind.COMMUNE, commune=place).first()
    return existing or OrganisationFactory(
        kind=OrganisationKind.COMMUNE,
        name=f"Ville de {place.name}",
        slug=f"ville-de-{place.slug}",
        commune=place,
    )


def referent(slug="darnetal", user=None, role=MembershipRole.REFERENT):
    """Someone who acts for the commune: a member of its commune organisation."""
    user = user or UserFactory()
    Membership.objects.get_or_create(
        user=user, organisation=commune_organisation(slug), defaults={"role": role}
    )
    return user


def theme(slug="energie-habitat") -> Theme:
    return Theme.objects.get(slug=slug)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneAction

    commune = factory.LazyFunction(lambda: commune("darnetal"))
    organisation = factory.LazyAttribute(lambda o: commune_organisation(o.commune.slug))
    author = factory.LazyAttribute(lambda o: referent(o.commune.slug))
    title = factory.Sequence(lambda n: f"Action n° {n}")
    theme = factory.LazyFunction(theme)
    description = "Extinction de l'éclairage public de 23 h à 5 h dans les quartiers résidentiels."
    stage = ActionStage.ONGOING
    status = ModerationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status=ModerationStatus.PENDING, published_at=None)
        refused = factory.Trait(
            status=ModerationStatus.REFUSED, refusal_reason="Trop vague.", published_at=None
        )


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    commune = factory.LazyFunction(lambda: commune("darnetal"))
    signed_on = date(2025, 3, 14)
    starts_on = date(2025, 1, 1)
    ends_on = date(2027, 12, 31)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    convention = factory.SubFactory(ConventionFactory)
    title = factory.Sequence(lambda n: f"Engagement n° {n}")
    progress = 40


def image_upload(name="photo.jpg", size=(64, 48), color=(40, 120, 60)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf_upload(name="bilan.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )
