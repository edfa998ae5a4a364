"""Factories of the tool library: tools, copies, files and loans, written directly (fast) or
through the services when the test is about the workflow."""

from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from associations.enums import TargetPublic
from associations.reseau.tools.enums import LoanStatus, ToolKind
from associations.reseau.tools.models import Loan, Tool, ToolCopy, ToolFile

PDF = b"%PDF-1.4\n%%EOF\n"


def pdf(name="fiche.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def days(n):
    return timezone.localdate() + timedelta(days=n)


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tool
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Jeu du climat n° {n}")
    kind = ToolKind.GAME
    summary = "Un jeu géant pour les fêtes de quartier."
    description = "Des cases à poser au sol et des cartes questions."
    public = TargetPublic.FAMILIES
    age_min = 6
    age_max = 99


class ToolCopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolCopy

    tool = factory.SubFactory(ToolFactory)
    label = "Exemplaire 1"
    location = "Jardin des Cèdres, Le Petit-Quevilly"
    holder = factory.LazyAttribute(lambda o: o.tool.owner)


class ToolFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolFile

    tool = factory.SubFactory(ToolFactory)
    title = "Règle du jeu"
    file = factory.LazyFunction(lambda: pdf("regle.pdf"))
    content_type = "application/pdf"
    is_public = True


class LoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Loan

    copy = factory.SubFactory(ToolCopyFactory)
    start_on = factory.LazyFunction(lambda: days(5))
    end_on = factory.LazyFunction(lambda: days(8))
    status = LoanStatus.REQUESTED
