"""The services of the tool library and every loan transition, with the refusals and their reasons."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from associations.reseau.tools import services
from associations.reseau.tools.enums import CopyCondition, LoanStatus, ToolKind
from associations.reseau.tools.models import Loan, LoanHandoff, Tool
from pacte.enums import StaffGroup
from pacte.models import AuditEntry
from pacte.services.errors import RefusedError
from tests.associations.factories import instructor, referent
from tests.factories import EventFactory, UserFactory

from .factories import LoanFactory, ToolCopyFactory, days, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager_mail(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def request(world, **kwargs):
    values = {
        "copy": world.other_tool.copies.get(),
        "borrower": world.borrower,
        "start_on": days(3),
        "end_on": days(6),
        "by": world.people["referent"],
    }
    values.update(kwargs)
    return services.loan_request(**values)


def verbs(target):
    return list(
        AuditEntry.objects.filter(object_id=str(target.pk)).order_by("pk").values_list("verb", flat=True)
    )


# --- Tools -------------------------------------------------------------------------------------


def test_referent_creates_updates_withdraws_and_restores_a_tool(world):
    holder = world.people["holder"]
    tool = services.tool_create(
        owner=world.owner,
        title=" Malle énergie ",
        kind=ToolKind.KIT,
        summary="Mesurer sa consommation.",
        description="Wattmètres et fiches.",
        public="familles",
        age_min=8,
        age_max=14,
        by=holder,
    )
    assert tool.title == "Malle énergie" and tool.created_by == holder
    services.tool_update(tool=tool, title="Malle énergie 2", by=holder)
    services.tool_withdraw(tool=tool, by=holder, reason="Incomplète")
    with pytest.raises(RefusedError, match="déjà retiré"):
        services.tool_withdraw(tool=tool, by=holder)
    services.tool_restore(tool=tool, by=holder)
    tool.refresh_from_db()
    assert (tool.title, tool.is_withdrawn) == ("Malle énergie 2", False)
    assert verbs(tool) == ["tool.create", "tool.update", "tool.withdraw", "tool.restore"]


def test_age_range_is_bounded(world):
    with pytest.raises(Exception, match="âge"):
        services.tool_create(
            owner=world.owner, title="x", kind="jeu", summary="x", description="x", public="familles",
            age_min=12, age_max=6, by=world.people["holder"],
        )  # fmt: skip
    with pytest.raises(Exception, match="99"):
        services.tool_create(
            owner=world.owner, title="x", kind="jeu", summary="x", description="x", public="familles",
            age_min=150, age_max=None, by=world.people["holder"],
        )  # fmt: skip


@pytest.mark.parametrize("role", ["member", "referent", "unlabelled_referent", "citizen"])
def test_only_the_owners_referents_create_its_tools(world, role):
    with pytest.raises(RefusedError):
        services.tool_create(
            owner=world.owner, title="x", kind="jeu", summary="x", description="x", public="familles",
            by=world.people[role],
        )  # fmt: skip


def test_the_metropoles_tools_are_staffs(world):
    with pytest.raises(RefusedError, match="Métropole"):
        services.tool_create(
            owner=None, title="x", kind="jeu", summary="x", description="x", public="familles",
            by=world.people["holder"],
        )  # fmt: skip
    tool = services.tool_create(
        owner=None, title="Expo", kind="exposition", summary="x", description="x", public="familles",
        by=world.people["staff"],
    )  # fmt: skip
    assert tool.owner_name == "Métropole Rouen Normandie"


def test_withdrawal_refused_while_loans_are_live(world):
    with pytest.raises(RefusedError, match="prêts de cet outil"):
        services.tool_withdraw(tool=world.tool, by=world.people["holder"])


def test_files_are_checked_by_content_and_copies_start_at_the_owner(world):
    holder = world.people["holder"]
    tool_file = services.tool_file_add(
        tool=world.tool, title="Affiche", uploaded=pdf(), is_public=False, by=holder
    )
    assert tool_file.content_type == "application/pdf"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(RefusedError, match="pas un document accepté"):
        services.tool_file_add(
            tool=world.tool,
            title="x",
            uploaded=SimpleUploadedFile("x.pdf", b"MZ\x90"),
            is_public=True,
            by=holder,
        )
    copy = services.copy_add(tool=world.tool, label="Exemplaire 2", location="Rouen", by=holder)
    assert copy.holder == world.owner
    services.tool_file_delete(tool_file=tool_file, by=holder)
    assert not world.tool.files.filter(title="Affiche").exists()


# --- Loans: requests -----------------------------------------------------------------------------


def test_request_tells_the_lender(world, django_capture_on_commit_callbacks):
    lender = referent(world.other)
    with django_capture_on_commit_callbacks(execute=True):
        loan = request(world, message="Pour la fête du quartier")
    assert loan.status == LoanStatus.REQUESTED and loan.requested_by == world.people["referent"]
    assert [m.to for m in mail.outbox] == [[lender.email]]
    assert "Vélo Partage" in mail.outbox[0].subject
    assert verbs(loan) == ["loan.request"]


def test_request_for_a_metropole_tool_tells_the_dacte(world, django_capture_on_commit_callbacks):
    dacte = instructor(StaffGroup.DACTE_ADMIN)
    no_address = instructor(StaffGroup.DACTE_ADMIN)
    no_address.email = ""
    no_address.save()
    other_group = instructor(StaffGroup.SUBSIDY)
    former = instructor(StaffGroup.DACTE_ADMIN)
    former.is_active = False
    former.save()
    citizen_in_group = UserFactory()
    citizen_in_group.groups.add(dacte.groups.get())
    with django_capture_on_commit_callbacks(execute=True):
        loan = request(world, copy=world.metropole_tool.copies.get(), message="Pour la fête du quartier")
    sent = [message for message in mail.outbox if "outil de la Métropole" in message.subject]
    assert len(sent) == 1
    recipients = set(sent[0].to)
    assert dacte.email in recipients
    assert not recipients & {other_group.email, former.email, citizen_in_group.email, ""}
    assert "Vélo Partage" in sent[0].subject and "Exposition La Seine" in sent[0].body
    assert loan.get_absolute_url() in sent[0].body


def test_request_for_an_association_tool_does_not_tell_the_dacte(world, django_capture_on_commit_callbacks):
    instructor(StaffGroup.DACTE_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        request(world)
    assert not [message for message in mail.outbox if "outil de la Métropole" in message.subject]


def test_nothing_is_sent_before_commit(world, django_capture_on_commit_callbacks):
    instructor(StaffGroup.DACTE_ADMIN)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request(world, copy=world.metropole_tool.copies.get())
    assert mail.outbox == [] and callbacks


@pytest.mark.parametrize("role", ["member", "unlabelled_referent", "citizen", "staff"])
def test_only_referents_of_the_borrowing_labelled_association_ask(world, role):
    with pytest.raises(RefusedError, match="référents"):
        request(world, by=world.people[role])


@pytest.mark.parametrize(
    "start,end,reason",
    [
        (-1, 2, "passé"),
        (5, 3, "après son début"),
        (1, 70, "60 jours au plus"),
        (400, 401, "un an à l'avance"),
    ],
)
def test_dates_are_bounded(world, start, end, reason):
    with pytest.raises(RefusedError, match=reason):
        request(world, start_on=days(start), end_on=days(end))


def test_overlapping_requests_are_refused_adjacent_ones_accepted(world):
    first = request(world, start_on=days(3), end_on=days(6))
    for start, end in [(6, 8), (1, 3), (4, 5), (1, 10)]:
        with pytest.raises(RefusedError, match="déjà réservé"):
            request(
                world, start_on=days(start), end_on=days(end), borrower=world.owner, by=world.people["holder"]
            )
    nxt = request(world, start_on=days(7), end_on=days(9), borrower=world.owner, by=world.people["holder"])
    assert nxt.status == LoanStatus.REQUESTED
    # A refused or cancelled loan frees its dates.
    services.loan_refuse(loan=first, reason="Non", by=world.people["staff"])
    again = request(world, start_on=days(4), end_on=days(5))
    assert again.status == LoanStatus.REQUESTED


def test_event_must_be_the_borrowers(world):
    foreign = EventFactory(organiser=world.owner)
    with pytest.raises(RefusedError, match="organisé par votre association"):
        request(world, event=foreign)
    own = EventFactory(organiser=world.borrower)
    assert request(world, event=own).event == own


def test_own_tool_and_withdrawn_tool_cannot_be_borrowed(world):
    with pytest.raises(RefusedError, match="appartient déjà"):
        services.loan_request(
            copy=world.copy,
            borrower=world.owner,
            start_on=days(20),
            end_on=days(21),
            by=world.people["holder"],
        )
    Tool.objects.filter(pk=world.other_tool.pk).update(is_withdrawn=True)
    with pytest.raises(RefusedError, match="pas prêtable"):
        request(world)


# --- Loans: decisions and movements ---------------------------------------------------------------


def test_accept_then_pickup_then_return(world, django_capture_on_commit_callbacks):
    holder = world.people["holder"]
    loan = world.loan
    with django_capture_on_commit_callbacks(execute=True):
        services.loan_accept(loan=loan, by=holder)
    assert "accepté" in mail.outbox[-1].subject and world.people["referent"].email in mail.outbox[-1].to
    with pytest.raises(RefusedError, match="premier jour"):
        services.loan_pickup(loan=loan, by=holder)
    Loan.objects.filter(pk=loan.pk).update(start_on=days(0))
    services.loan_pickup(loan=loan, by=world.people["referent"])
    world.copy.refresh_from_db()
    assert world.copy.holder == world.borrower
    with pytest.raises(RefusedError, match="référents de l'association qui prête"):
        services.loan_return(loan=loan, condition=CopyCondition.WORN, by=world.people["referent"])
    services.loan_return(loan=loan, condition=CopyCondition.WORN, note="Un coin plié", by=holder)
    loan.refresh_from_db()
    world.copy.refresh_from_db()
    assert (loan.status, loan.return_note) == (LoanStatus.RETURNED, "Un coin plié")
    assert (world.copy.holder, world.copy.condition) == (world.owner, CopyCondition.WORN)
    assert verbs(loan) == ["loan.accept", "loan.pickup", "loan.return"]
    entry = AuditEntry.objects.get(verb="loan.return")
    assert (entry.from_state, entry.to_state) == (LoanStatus.OUT, LoanStatus.RETURNED)


def test_refuse_needs_a_reason_and_tells_the_borrower(world, django_capture_on_commit_callbacks):
    with pytest.raises(RefusedError, match="motif"):
        services.loan_refuse(loan=world.loan, reason="  ", by=world.people["holder"])
    with django_capture_on_commit_callbacks(execute=True):
        services.loan_refuse(loan=world.loan, reason="Déjà prévu ce week-end.", by=world.people["holder"])
    assert "refusé" in mail.outbox[-1].subject and "Déjà prévu ce week-end." in mail.outbox[-1].body
    with pytest.raises(RefusedError, match="ne peut plus être refusé"):
        services.loan_refuse(loan=world.loan, reason="Encore", by=world.people["holder"])


@pytest.mark.parametrize("role", ["referent", "member", "citizen"])
def test_only_the_lender_or_staff_decide(world, role):
    with pytest.raises(RefusedError, match="décident de ce prêt"):
        services.loan_accept(loan=world.loan, by=world.people[role])


def test_staff_decide_the_metropoles_loans(world):
    loan = request(world, copy=world.metropole_tool.copies.get())
    with pytest.raises(RefusedError):
        services.loan_accept(loan=loan, by=world.people["holder"])
    assert services.loan_accept(loan=loan, by=world.people["staff"]).status == LoanStatus.ACCEPTED


def test_cancel_by_the_borrower_only_before_going_out(world):
    with pytest.raises(RefusedError, match="emprunteuse"):
        services.loan_cancel(loan=world.loan, by=world.people["holder"])
    services.loan_cancel(loan=world.loan, by=world.people["referent"], reason="Fête annulée")
    with pytest.raises(RefusedError, match="ne peut plus être annulé"):
        services.loan_cancel(loan=world.loan, by=world.people["referent"])


def test_accept_refused_when_not_waiting(world):
    services.loan_accept(loan=world.loan, by=world.people["holder"])
    with pytest.raises(RefusedError, match="Seule une demande en attente"):
        services.loan_accept(loan=world.loan, by=world.people["holder"])


def test_pickup_refused_while_the_previous_borrower_holds_it(world):
    LoanFactory(
        copy=world.copy, borrower=world.other, status=LoanStatus.OUT, start_on=days(-5), end_on=days(-1)
    )
    Loan.objects.filter(pk=world.loan.pk).update(status=LoanStatus.ACCEPTED, start_on=days(0))
    with pytest.raises(RefusedError, match="encore chez l'emprunteur précédent"):
        services.loan_pickup(loan=world.loan, by=world.people["holder"])


# --- Hand-off ------------------------------------------------------------------------------------


@pytest.fixture
def relay(world):
    """The copy is out at Seine Propre; Vélo Partage's accepted loan follows."""
    current = LoanFactory(
        copy=world.copy, borrower=world.other, status=LoanStatus.OUT, start_on=days(-3), end_on=days(1)
    )
    Loan.objects.filter(pk=world.loan.pk).update(status=LoanStatus.ACCEPTED, start_on=days(2), end_on=days(5))
    world.loan.refresh_from_db()
    world.copy.holder = world.other
    world.copy.save()
    return current, world.loan, referent(world.other)


def test_handoff_takes_effect_once_both_sides_confirmed(world, relay, django_capture_on_commit_callbacks):
    current, following, giver = relay
    import io

    from PIL import Image

    from pacte.images import process_image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "passage.png"
    photo = process_image(buffer)
    handoff = services.handoff_confirm(
        from_loan=current, to_loan=following, side="giver", note="Complet", photo=photo, by=giver
    )
    assert not handoff.is_complete
    with pytest.raises(RefusedError, match="déjà confirmée"):
        services.handoff_confirm(from_loan=current, to_loan=following, side="giver", by=giver)
    with pytest.raises(RefusedError, match="deux associations"):
        services.handoff_confirm(from_loan=current, to_loan=following, side="receiver", by=giver)
    with django_capture_on_commit_callbacks(execute=True):
        handoff = services.handoff_confirm(
            from_loan=current,
            to_loan=following,
            side="receiver",
            note="Reçu, complet",
            by=world.people["referent"],
        )
    assert handoff.is_complete and handoff.photo
    current.refresh_from_db()
    following.refresh_from_db()
    world.copy.refresh_from_db()
    assert (current.status, following.status, world.copy.holder) == (
        LoanStatus.HANDED_OFF,
        LoanStatus.OUT,
        world.borrower,
    )
    assert any("passage de relais" in m.subject for m in mail.outbox)
    assert "loan.handoff" in verbs(current)


def test_handoff_receiver_may_confirm_first(world, relay):
    current, following, giver = relay
    services.handoff_confirm(
        from_loan=current, to_loan=following, side="receiver", by=world.people["referent"]
    )
    handoff = services.handoff_confirm(from_loan=current, to_loan=following, side="giver", by=giver)
    assert handoff.is_complete


def test_handoff_refusals(world, relay):
    current, following, giver = relay
    other_copy_loan = LoanFactory(
        copy=ToolCopyFactory(tool=world.tool), borrower=world.borrower, status=LoanStatus.ACCEPTED
    )
    with pytest.raises(RefusedError, match="même exemplaire"):
        services.handoff_confirm(from_loan=current, to_loan=other_copy_loan, side="giver", by=giver)
    with pytest.raises(RefusedError, match="Côté"):
        services.handoff_confirm(from_loan=current, to_loan=following, side="x", by=giver)
    Loan.objects.filter(pk=following.pk).update(start_on=days(20), end_on=days(21))
    with pytest.raises(RefusedError, match="une semaine"):
        services.handoff_confirm(from_loan=current, to_loan=following, side="giver", by=giver)
    Loan.objects.filter(pk=current.pk).update(status=LoanStatus.RETURNED)
    with pytest.raises(RefusedError, match="Seul un exemplaire sorti"):
        services.handoff_confirm(from_loan=current, to_loan=following, side="giver", by=giver)
    assert not LoanHandoff.objects.exists()


# --- Reminders -----------------------------------------------------------------------------------


def test_reminders_before_start_and_after_end_once_each(world, django_capture_on_commit_callbacks):
    Loan.objects.filter(pk=world.loan.pk).update(status=LoanStatus.ACCEPTED, start_on=days(1), end_on=days(3))
    late = LoanFactory(
        copy=world.other_tool.copies.get(),
        borrower=world.borrower,
        status=LoanStatus.OUT,
        start_on=days(-6),
        end_on=days(-1),
    )
    LoanFactory(
        copy=world.metropole_tool.copies.get(),
        borrower=world.borrower,
        status=LoanStatus.ACCEPTED,
        start_on=days(5),
        end_on=days(6),
    )
    from associations.reseau.tools.tasks import send_loan_reminders

    with django_capture_on_commit_callbacks(execute=True):
        assert send_loan_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_loan_reminders() == 0  # safe to run twice
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert any("commence bientôt" in s for s in subjects) and any("à rendre" in s for s in subjects)
    late.refresh_from_db()
    assert late.end_reminder_sent_at is not None and late.start_reminder_sent_at is None


def test_overdue(world):
    late = LoanFactory(
        copy=world.copy, borrower=world.borrower, status=LoanStatus.OUT, start_on=days(-6), end_on=days(-1)
    )
    assert list(Loan.objects.overdue()) == [late] and late.is_overdue
    assert not Loan.objects.overdue(timezone.localdate() - timedelta(days=2)).exists()
