"""Action 3's services: the label, the campaigns' rules, drafts and completeness, every move of the
lifecycle (allowed and refused), payments, messages and notes, reminders safe to run twice."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from associations.enums import ApplicationStatus as S
from associations.enums import BudgetCategory, LabelStatus
from associations.models import CHARTER_VERSION, RelaisLabel
from associations.services import applications as apply
from associations.services import bilans, instruction
from associations.services.label import (
    label_grant,
    label_refuse,
    label_request,
    label_send_expiry_reminders,
    labelled_organisations,
)
from pacte.models import AuditEntry, PrivateDocument
from pacte.services.errors import RefusedError
from tests.associations.factories import (
    VALID_SIRET,
    CampaignFactory,
    accepted,
    complete_application,
    instructor,
    labelled_association,
    paid,
    pdf,
    referent,
    submitted,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, commune

pytestmark = pytest.mark.django_db


def verbs(obj):
    return list(
        AuditEntry.objects.for_object(obj).order_by("created_at", "id").values_list("verb", flat=True)
    )


# --- Label ------------------------------------------------------------------------------------


def _request(organisation, by, **kwargs):
    fields = {
        "rna": "W763004512",
        "siret": "",
        "statutes": pdf("statuts.pdf"),
        "charter_accepted": True,
        **kwargs,
    }
    return label_request(organisation=organisation, by=by, **fields)


def test_label_request_keeps_charter_and_statutes_then_grant(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory()
    lead = referent(organisation)
    staff = instructor()
    with django_capture_on_commit_callbacks(execute=True):
        label = _request(organisation, lead, siret=VALID_SIRET)
    organisation.refresh_from_db()
    assert (organisation.rna, organisation.siret) == ("W763004512", VALID_SIRET)
    assert label.charter_version == CHARTER_VERSION and label.charter_accepted_at
    assert label.statutes.organisation == organisation and isinstance(label.statutes, PrivateDocument)
    assert label.status == LabelStatus.REQUESTED and organisation not in labelled_organisations()
    with django_capture_on_commit_callbacks(execute=True):
        label_grant(
            label=label,
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + timedelta(days=365),
            by=staff,
        )
    assert organisation in labelled_organisations()
    assert verbs(label) == ["label.request", "label.grant"]
    assert any("labellisée Relais COP21" in m.subject for m in mail.outbox)
    with pytest.raises(RefusedError):
        label_refuse(label=label, reason="Trop tard", by=staff)


def test_label_request_refusals():
    organisation = OrganisationFactory()
    lead = referent(organisation)
    member = MembershipFactory(organisation=organisation).user
    with pytest.raises(RefusedError):
        _request(organisation, member)
    with pytest.raises(ValidationError) as error:
        _request(organisation, lead, rna="", siret="")
    assert "rna" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _request(organisation, lead, rna="", siret="12345678901234")
    assert "siret" in error.value.message_dict
    with pytest.raises(ValidationError):
        _request(organisation, lead, charter_accepted=False)
    _request(organisation, lead)
    with pytest.raises(RefusedError):
        _request(organisation, lead)  # one open request at a time
    club = OrganisationFactory(club=True)
    with pytest.raises(RefusedError):
        _request(club, referent(club))


def test_label_refuse_needs_a_reason():
    organisation = OrganisationFactory()
    label = _request(organisation, referent(organisation))
    with pytest.raises(ValidationError):
        label_refuse(label=label, reason=" ", by=instructor())
    label_refuse(
        label=label, reason="Les statuts ne mentionnent pas d'objet environnemental.", by=instructor()
    )
    label.refresh_from_db()
    assert label.status == LabelStatus.REFUSED and "objet" in label.refusal_reason


def test_expiry_reminders_60_and_15_days_once_each(django_capture_on_commit_callbacks):
    organisation = labelled_association()
    referent(organisation)
    label = RelaisLabel.objects.get(organisation=organisation)
    today = timezone.localdate()
    RelaisLabel.objects.filter(pk=label.pk).update(valid_until=today + timedelta(days=59))
    with django_capture_on_commit_callbacks(execute=True):
        assert label_send_expiry_reminders(today=today) == 1
        assert label_send_expiry_reminders(today=today) == 0  # safe to run twice
    assert len(mail.outbox) == 1 and "expire dans 59 jours" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert label_send_expiry_reminders(today=today + timedelta(days=45)) == 1
        assert label_send_expiry_reminders(today=today + timedelta(days=45)) == 0
    assert len(mail.outbox) == 2


def test_no_reminder_once_a_renewal_is_requested():
    organisation = labelled_association()
    lead = referent(organisation)
    RelaisLabel.objects.filter(organisation=organisation).update(
        valid_until=timezone.localdate() + timedelta(days=30)
    )
    renewal = _request(organisation, lead)
    assert renewal.renewal_of is not None
    assert label_send_expiry_reminders() == 0


# --- Applications -----------------------------------------------------------------------------


def test_only_labelled_associations_apply_while_the_campaign_is_open():
    campaign = CampaignFactory()
    unlabelled = OrganisationFactory()
    with pytest.raises(RefusedError, match="labellisée"):
        apply.application_start(campaign=campaign, organisation=unlabelled, by=referent(unlabelled))
    closed = CampaignFactory(opens_on=date(2020, 1, 1), closes_on=date(2020, 2, 1))
    organisation = labelled_association()
    with pytest.raises(RefusedError, match="close"):
        apply.application_start(campaign=closed, organisation=organisation, by=referent(organisation))
    with pytest.raises(RefusedError):
        apply.application_start(
            campaign=campaign, organisation=organisation, by=MembershipFactory(organisation=organisation).user
        )


def test_draft_saved_step_by_step_and_completeness_names_what_is_missing():
    campaign = CampaignFactory()
    organisation = labelled_association()
    lead = referent(organisation)
    application = apply.application_start(campaign=campaign, organisation=organisation, by=lead)
    assert apply.application_start(campaign=campaign, organisation=organisation, by=lead) == application
    missing = {item.field for item in apply.application_missing(application)}
    assert {"title", "themes", "publics", "actions", "budget", "certifies_accuracy"} <= missing
    with pytest.raises(RefusedError) as refusal:
        apply.application_submit(application=application, by=lead)
    assert "Donnez un titre au programme" in refusal.value.messages[0]

    application = complete_application(campaign, organisation, lead)
    assert apply.application_missing(application) == []
    # Unbalanced budget: said in euros, in French.
    apply.application_set_budget(
        application=application,
        lines=[
            {"category": BudgetCategory.PURCHASES, "label": "", "amount": Decimal("3000")},
            {"category": BudgetCategory.REQUEST, "label": "", "amount": Decimal("2500")},
        ],
        by=lead,
    )
    messages = [item.message for item in apply.application_missing(application)]
    assert any("pas équilibré" in m and "3\u202f000,00\u00a0€" in m for m in messages)
    # Over the campaign's ceiling.
    apply.application_set_budget(
        application=application,
        lines=[
            {"category": BudgetCategory.PURCHASES, "label": "", "amount": Decimal("9000")},
            {"category": BudgetCategory.REQUEST, "label": "", "amount": Decimal("9000")},
        ],
        by=lead,
    )
    assert any("plafond" in item.message for item in apply.application_missing(application))


def test_submitted_application_is_frozen_until_a_correction_is_asked(django_capture_on_commit_callbacks):
    staff = instructor()
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted()
    assert application.status == S.SUBMITTED and application.submitted_at
    assert any("Nouveau dossier" in m.subject for m in mail.outbox)
    lead = application.organisation.memberships.get().user
    with pytest.raises(RefusedError, match="déposé"):
        apply.application_update_answers(
            application=application, answers={}, certifies_accuracy=True, certifies_obligations=True, by=lead
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        instruction.application_request_correction(
            application=application, message="Joignez le RIB à jour.", by=staff
        )
    application.refresh_from_db()
    assert application.status == S.CORRECTION
    assert mail.outbox[0].to == [lead.email] and "Joignez le RIB" in mail.outbox[0].body
    assert application.messages.get().from_instructor
    apply.application_update_answers(
        application=application, answers={}, certifies_accuracy=True, certifies_obligations=True, by=lead
    )
    with pytest.raises(RefusedError, match="Répondez"):
        apply.application_submit(application=application, by=lead)  # the answer was emptied: incomplete
    question = application.campaign.questions.get()
    apply.application_update_answers(
        application=application,
        answers={str(question.pk): "Le centre social."},
        certifies_accuracy=True,
        certifies_obligations=True,
        by=lead,
    )
    apply.application_submit(application=application, by=lead)
    assert verbs(application)[-1] == "application.resubmit"


def test_the_whole_lifecycle_with_every_audit_step():
    staff = instructor()
    application = paid(staff)
    assert application.status == S.PAID and application.bilan_due_on == date(
        application.campaign.year + 1, 4, 30
    )
    lead = application.organisation.memberships.get().user
    with pytest.raises(RefusedError, match="incomplet"):
        bilans.bilan_submit(application=application, by=lead)
    line = application.budget_lines.get(category=BudgetCategory.PURCHASES)
    actuals = {item.pk: (item.amount, "") for item in application.budget_lines.all()}
    actuals[line.pk] = (Decimal("3500"), "")  # +16 %: must be explained
    bilans.bilan_save(
        application=application,
        actions_held=8,
        account="Huit ateliers.",
        participations=[{"public": "familles", "commune": commune("rouen"), "participants": 55}],
        actuals=actuals,
        by=lead,
    )
    assert list(bilans.bilan_missing(application)) == [f"line-{line.pk}"]
    actuals[line.pk] = (Decimal("3500"), "Le prix du terreau a augmenté.")
    bilans.bilan_save(
        application=application,
        actions_held=8,
        account="Huit ateliers.",
        participations=[{"public": "familles", "commune": commune("rouen"), "participants": 55}],
        actuals=actuals,
        by=lead,
    )
    bilans.bilan_submit(application=application, by=lead)
    bilans.bilan_request_correction(application=application, message="Ajoutez les photos.", by=staff)
    application.refresh_from_db()
    assert application.status == S.BILAN_DUE
    bilans.bilan_submit(application=application, by=lead)
    bilans.bilan_accept(application=application, by=staff)
    application.refresh_from_db()
    assert application.status == S.CLOSED and application.closed_at
    states = list(
        AuditEntry.objects.for_object(application)
        .exclude(to_state="")
        .order_by("created_at", "id")
        .values_list("to_state", flat=True)
    )
    assert states == [
        S.DRAFT,
        S.SUBMITTED,
        S.IN_REVIEW,
        S.ACCEPTED,
        S.CONVENTION_SIGNED,
        S.PAID,
        S.BILAN_DUE,
        S.BILAN_SUBMITTED,
        S.BILAN_DUE,
        S.BILAN_SUBMITTED,
        S.CLOSED,
    ]


@pytest.mark.parametrize(
    "move,kwargs",
    [
        (
            "application_accept",
            {
                "granted_amount": Decimal("10"),
                "decision_reference": "X",
                "decision_date": date(2030, 1, 1),
                "conditions": "",
            },
        ),
        ("application_refuse", {"reason": "Non"}),
        ("application_sign_convention", {"signed_on": date(2030, 1, 1), "uploaded": None}),
        ("application_request_bilan", {}),
        ("payment_record", {"amount": Decimal("10"), "paid_on": date(2030, 1, 1)}),
    ],
)
def test_invalid_moves_are_refused_with_a_reason(move, kwargs):
    staff = instructor()
    organisation = labelled_association()
    draft = apply.application_start(
        campaign=CampaignFactory(), organisation=organisation, by=referent(organisation)
    )
    if move == "application_sign_convention":
        kwargs["uploaded"] = pdf()
    with pytest.raises(RefusedError, match="Impossible depuis l'état « Brouillon »"):
        getattr(instruction, move)(application=draft, by=staff, **kwargs)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_decisions_check_their_fields():
    staff = instructor()
    application = submitted()
    with pytest.raises(ValidationError) as error:
        instruction.application_accept(
            application=application,
            granted_amount=Decimal("2600"),
            decision_reference="R",
            decision_date=date(2030, 1, 1),
            conditions="",
            by=staff,
        )
    assert "dépasse le montant demandé" in error.value.message_dict["granted_amount"][0]
    with pytest.raises(ValidationError):
        instruction.application_refuse(application=application, reason="", by=staff)
    instruction.application_dismiss(application=application, reason="Doublon", by=staff)
    application.refresh_from_db()
    assert application.status == S.DISMISSED and application.decision_reason == "Doublon"


def test_payments_never_exceed_the_grant():
    staff = instructor()
    application = accepted(staff)
    instruction.application_sign_convention(
        application=application, signed_on=date(2030, 3, 1), uploaded=pdf(), by=staff
    )
    instruction.payment_record(
        application=application, amount=Decimal("1400"), paid_on=date(2030, 3, 2), by=staff
    )
    with pytest.raises(ValidationError) as error:
        instruction.payment_record(
            application=application, amount=Decimal("600.01"), paid_on=date(2030, 4, 2), by=staff
        )
    assert "600,00" in error.value.message_dict["amount"][0]
    instruction.payment_record(
        application=application, amount=Decimal("600"), paid_on=date(2030, 4, 2), by=staff
    )
    assert sum(p.amount for p in application.payments.all()) == Decimal("2000")


def test_only_instructors_move_files():
    application = submitted()
    for person in (UserFactory(), UserFactory(staff=True), application.organisation.memberships.get().user):
        with pytest.raises(PermissionDenied):
            instruction.application_take_up(application=application, by=person)


def test_messages_both_ways_and_private_notes(django_capture_on_commit_callbacks):
    staff = instructor()
    application = submitted()
    lead = application.organisation.memberships.get().user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        instruction.message_post(
            application=application, body="Le RIB est-il à jour ?", attachment=pdf(), by=staff
        )
        instruction.message_post(application=application, body="Oui, daté de mars.", by=lead)
    assert [m.to for m in mail.outbox] == [[lead.email], [staff.email]]
    first = application.messages.order_by("pk").first()
    assert first.from_instructor and first.attachment.organisation == application.organisation
    with pytest.raises(PermissionDenied):
        instruction.message_post(
            application=application,
            body="Bonjour",
            by=MembershipFactory(organisation=application.organisation).user,
        )
    note = instruction.note_add(
        application=application, body="Association sérieuse, déjà financée en 2029.", by=staff
    )
    assert note.author == staff
    with pytest.raises(PermissionDenied):
        instruction.note_add(application=application, body="x", by=lead)


def test_bilan_reminders_call_for_the_bilan_and_run_once(django_capture_on_commit_callbacks):
    staff = instructor()
    application = paid(staff)
    after_end = application.programme_end + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        bilans.bilan_send_reminders(today=after_end)
    application.refresh_from_db()
    assert application.status == S.BILAN_DUE
    mail.outbox.clear()
    late = application.bilan_due_on + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert bilans.bilan_send_reminders(today=application.bilan_due_on - timedelta(days=10)) == 1
        assert bilans.bilan_send_reminders(today=application.bilan_due_on - timedelta(days=9)) == 0
        assert bilans.bilan_send_reminders(today=late) == 1
        assert bilans.bilan_send_reminders(today=late) == 0
    assert [("retard" in m.subject) for m in mail.outbox] == [False, True]
