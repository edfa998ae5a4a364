"""Calls, applications (draft, completeness, submission), reviews, ranking and decisions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from atelier.enums import ApplicationStatus
from atelier.models import Application, Call, Residency
from atelier.services.calls import (
    application_attach_document,
    application_decide,
    application_missing,
    application_save,
    application_start,
    application_submit,
    applications_ranked,
    call_open,
    review_save,
)
from pacte.enums import OrganisationKind
from pacte.models import AuditEntry, Theme
from pacte.services.errors import RefusedError
from tests.atelier.factories import ApplicationFactory, CallFactory, SpaceFactory, referent
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf(name="statuts.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 statuts", content_type="application/pdf")


def test_call_open_by_staff_only():
    staff = UserFactory(staff=True)
    kwargs = {
        "title": "Appel 2027",
        "slug": "appel-2027",
        "text": "Texte",
        "opens_at": timezone.now(),
        "closes_at": timezone.now() + timedelta(days=30),
        "residency_starts_on": timezone.localdate() + timedelta(days=60),
        "residency_ends_on": timezone.localdate() + timedelta(days=400),
        "criteria": [("Ancrage local", 2), ("Public touché", 3)],
        "documents": ["Statuts", "Budget prévisionnel"],
    }
    with pytest.raises(RefusedError):
        call_open(**kwargs, by=UserFactory())
    call = call_open(**kwargs, by=staff)
    assert [(c.label, c.weight) for c in call.criteria.all()] == [("Ancrage local", 2), ("Public touché", 3)]
    assert call.required_documents.count() == 2 and call.is_open()
    assert Call.objects.current() == call


def test_application_draft_completeness_and_submission(mailoutbox, django_capture_on_commit_callbacks):
    call = CallFactory()
    association = OrganisationFactory()
    person = referent(association)
    space = SpaceFactory()
    with pytest.raises(RefusedError, match="Seuls les référents"):
        application_start(call=call, organisation=association, by=UserFactory())
    application = application_start(call=call, organisation=association, by=person)
    assert application_start(call=call, organisation=association, by=person) == application  # same draft
    application = application_save(application=application, data={"project_title": "Vélo-école"}, by=person)
    missing = application_missing(application)
    assert missing["project"] == "Décrivez le projet." and "project_title" not in missing
    assert missing[f"document-{call.required_documents.get().pk}"] == "Joignez : Statuts de l'association."
    with pytest.raises(RefusedError) as error:
        application_submit(application=application, by=person)
    assert error.value.message_dict["needed_spaces"] == ["Choisissez au moins un espace."]

    application = application_save(
        application=application,
        data={
            "project": "Apprendre le vélo",
            "frequency": "hebdomadaire",
            "hours_per_week": 4,
            "expected_public": "Adultes",
        },
        spaces=[space],
        themes=[Theme.objects.first()],
        by=person,
    )
    application_attach_document(
        application=application, required=call.required_documents.get(), uploaded=pdf(), by=person
    )
    assert application_missing(application) == {}
    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(application=application, by=person)
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at
    assert mail.outbox[-1].to == [person.email] and "déposée" in mail.outbox[-1].subject
    with pytest.raises(RefusedError, match="ne se modifie plus"):
        application_save(application=application, data={"project": "Autre"}, by=person)


def test_bad_document_and_closed_call_refused():
    call = CallFactory()
    application = ApplicationFactory(call=call)
    person = referent(application.organisation)
    with pytest.raises(RefusedError, match="pas un document accepté"):
        application_attach_document(
            application=application,
            required=call.required_documents.get(),
            uploaded=SimpleUploadedFile("x.pdf", b"MZ..."),
            by=person,
        )
    closed = CallFactory(closed=True)
    with pytest.raises(RefusedError, match="pas ouvert"):
        application_start(call=closed, organisation=OrganisationFactory(), by=UserFactory(staff=True))
    commune = OrganisationFactory(kind=OrganisationKind.COMMUNE)
    with pytest.raises(RefusedError, match="Seules les associations"):
        application_start(call=call, organisation=commune, by=referent(commune))


def _submitted(call, name):
    application = ApplicationFactory(
        call=call,
        organisation=OrganisationFactory(name=name),
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    application.needed_spaces.set([SpaceFactory()])
    return application


def test_reviews_and_weighted_ranking():
    call = CallFactory()  # criteria weights 3 and 1
    first, second, unscored = (_submitted(call, n) for n in ("A", "B", "C"))
    pacte, partners = call.criteria.all()
    reviewer, other = UserFactory(staff=True), UserFactory(staff=True)
    with pytest.raises(RefusedError):
        review_save(application=first, scores={pacte.pk: 5, partners.pk: 5}, by=referent(first.organisation))
    with pytest.raises(RefusedError, match="chacun des critères"):
        review_save(application=first, scores={pacte.pk: 5}, by=reviewer)
    with pytest.raises(RefusedError, match="de 0 à 5"):
        review_save(application=first, scores={pacte.pk: 6, partners.pk: 1}, by=reviewer)
    review_save(application=first, scores={pacte.pk: 2, partners.pk: 5}, note="Projet fragile", by=reviewer)
    review_save(application=first, scores={pacte.pk: 4, partners.pk: 5}, by=other)
    review_save(application=second, scores={pacte.pk: 5, partners.pk: 1}, by=reviewer)
    # first: (3*(2+4) + 1*(5+5)) / (3*2 + 1*2) = 28/8 = 3.5 → 14/20; second: (15+1)/4 = 4 → 16/20.
    ranked = applications_ranked(call)
    assert [a.organisation.name for a in ranked] == ["B", "A", "C"]
    assert [a.weighted_score for a in ranked[:2]] == [16.0, 14.0] and ranked[2].weighted_score is None
    assert ranked[1].review_count == 2
    # A second save by the same reviewer replaces their scores.
    review_save(application=first, scores={pacte.pk: 5, partners.pk: 5}, by=reviewer)
    assert applications_ranked(call)[0].organisation.name == "A"


def test_decisions_create_residency_and_tell_association(mailoutbox, django_capture_on_commit_callbacks):
    call = CallFactory()
    retained, waiting, rejected = (_submitted(call, n) for n in ("A", "B", "C"))
    people = {a.pk: referent(a.organisation) for a in (retained, waiting, rejected)}
    staff = UserFactory(staff=True)
    with pytest.raises(RefusedError):
        application_decide(application=retained, decision=ApplicationStatus.RETAINED, by=people[retained.pk])
    with django_capture_on_commit_callbacks(execute=True):
        application_decide(
            application=retained, decision=ApplicationStatus.RETAINED, message="Bienvenue !", by=staff
        )
        application_decide(application=waiting, decision=ApplicationStatus.WAITLISTED, by=staff)
        application_decide(application=rejected, decision=ApplicationStatus.REJECTED, by=staff)
    residency = Residency.objects.get()
    assert residency.application == retained and residency.organisation == retained.organisation
    assert (residency.starts_on, residency.ends_on, residency.weekly_quota_hours) == (
        call.residency_starts_on,
        call.residency_ends_on,
        call.weekly_quota_hours,
    )
    assert list(residency.spaces.all()) == list(retained.needed_spaces.all())
    assert residency.rules_accepted_at is None
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert (
        "retenue" in by_recipient[people[retained.pk].email].subject
        and "Bienvenue !" in by_recipient[people[retained.pk].email].body
    )
    assert "liste d'attente" in by_recipient[people[waiting.pk].email].body
    assert "n'est pas retenue" in by_recipient[people[rejected.pk].email].body
    # The waiting list may still be retained later; a decided one may not change.
    application_decide(application=waiting, decision=ApplicationStatus.RETAINED, by=staff)
    with pytest.raises(RefusedError, match="ne peut plus recevoir"):
        application_decide(application=rejected, decision=ApplicationStatus.RETAINED, by=staff)
    assert Residency.objects.count() == 2
    entry = AuditEntry.objects.filter(verb="atelier.application.decide", object_id=str(retained.pk)).get()
    assert (entry.from_state, entry.to_state, entry.reason) == ("deposee", "retenue", "Bienvenue !")


def test_draft_cannot_be_decided():
    application = ApplicationFactory()
    with pytest.raises(RefusedError):
        application_decide(
            application=application, decision=ApplicationStatus.RETAINED, by=UserFactory(staff=True)
        )
    assert Application.objects.get().status == ApplicationStatus.DRAFT
