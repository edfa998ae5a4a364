"""Factories of the clubs tests (tests/factories.py belongs to the kernel)."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from clubs.enums import ClubType, PracticeStatus
from clubs.models import Club, Practice
from clubs.services import club_join
from pacte.enums import MembershipRole, OrganisationKind
from pacte.models import Membership
from tests.factories import OrganisationFactory, UserFactory


class ClubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Club

    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.CLUB,
        name=factory.Sequence(lambda n: f"Club n° {n}"),
        slug=factory.Sequence(lambda n: f"club-{n}"),
    )
    club_type = ClubType.LOCAL

    class Params:
        cop21 = factory.Trait(club_type=ClubType.COP21)
        gardeners = factory.Trait(club_type=ClubType.GARDENERS)


def member(club, user=None, **user_kwargs):
    """A member who joined through the service, so the history record exists."""
    user = user or UserFactory(**user_kwargs)
    club_join(club=club, user=user, by=user)
    return user


def animator(club, user=None):
    user = member(club, user)
    Membership.objects.filter(organisation=club.organisation, user=user).update(role=MembershipRole.REFERENT)
    return user


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    club = factory.SubFactory(ClubFactory)
    author = factory.LazyAttribute(lambda o: member(o.club))
    title = factory.Sequence(lambda n: f"Pratique n° {n}")
    text = "Composter les épluchures en pied d'immeuble."

    class Params:
        reported = factory.Trait(status=PracticeStatus.REPORTED)
        hidden = factory.Trait(status=PracticeStatus.HIDDEN)


def image_upload(name="photo.jpg", size=(64, 48), fmt="JPEG", exif=None, color=(40, 120, 60)):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png"}[fmt]
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def gps_exif():
    """EXIF with a GPS position (Rouen cathedral), as a phone would write it."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (49.0, 26.0, 25.0), 3: "E", 4: (1.0, 5.0, 41.0)}
    exif[0x8825] = gps
    return exif
