"""Clubs services: every allowed transition and the refused ones, with their audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clubs.enums import PracticeStatus
from clubs.models import ClubMembershipRecord, Practice, PracticeAdoption, PracticeReport
from clubs.services import (
    club_create,
    club_join,
    club_leave,
    club_meeting_create,
    club_update_presentation,
    practice_adoption_toggle,
    practice_create,
    practice_hide,
    practice_reply_create,
    practice_reply_set_hidden,
    practice_report,
    practice_restore,
)
from pacte.enums import Action, MembershipRole, OrganisationKind
from pacte.images import process_image
from pacte.models import AuditEntry, Membership, Theme
from pacte.services.errors import RefusedError
from tests.clubs.factories import ClubFactory, PracticeFactory, animator, image_upload, member
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


def verbs(obj):
    return list(
        AuditEntry.objects.for_object(obj).order_by("created_at", "id").values_list("verb", flat=True)
    )


# --- Clubs and membership ----------------------------------------------------------------------


def test_club_create_makes_a_club_organisation():
    staff = UserFactory(staff=True)
    club = club_create(
        name="Club des jardiniers", club_type="jardiniers", commune=commune("elbeuf"), by=staff
    )
    assert club.organisation.kind == OrganisationKind.CLUB
    assert club.slug == "club-des-jardiniers"
    assert club_create(name="Club des jardiniers", by=staff).slug == "club-des-jardiniers-2"
    assert verbs(club) == ["club.create"]


def test_join_then_leave_keeps_history():
    club = ClubFactory()
    person = UserFactory(home_commune=commune("canteleu"))
    club_join(club=club, user=person, by=person)
    record = ClubMembershipRecord.objects.get()
    assert record.left_at is None and record.commune.slug == "canteleu"
    assert Membership.objects.filter(
        organisation=club.organisation, user=person, role=MembershipRole.MEMBER
    ).exists()
    club_leave(club=club, user=person, by=person)
    assert not Membership.objects.filter(user=person).exists()
    record.refresh_from_db()
    assert record.left_at is not None
    # Rejoining opens a new stint: both count in the history.
    club_join(club=club, user=person, by=person)
    assert ClubMembershipRecord.objects.filter(club=club, user=person).count() == 2
    assert verbs(club) == ["club.join", "club.leave", "club.join"]


def test_join_refused_twice_anonymous_and_inactive_club():
    from django.contrib.auth.models import AnonymousUser

    club = ClubFactory()
    person = member(club)
    with pytest.raises(RefusedError, match="déjà membre"):
        club_join(club=club, user=person, by=person)
    with pytest.raises(RefusedError, match="Connectez-vous"):
        club_join(club=club, user=AnonymousUser(), by=None)
    club.organisation.is_active = False
    club.organisation.save()
    with pytest.raises(RefusedError, match="n'accueille plus"):
        club_join(club=club, user=UserFactory(), by=None)


def test_leave_refused_to_non_member_and_to_the_only_animator():
    club = ClubFactory()
    outsider = UserFactory()
    with pytest.raises(RefusedError, match="pas membre"):
        club_leave(club=club, user=outsider, by=outsider)
    lead = animator(club)
    with pytest.raises(RefusedError, match="seule personne"):
        club_leave(club=club, user=lead, by=lead)
    second = animator(club)
    club_leave(club=club, user=lead, by=lead)
    assert list(
        Membership.objects.referents().filter(organisation=club.organisation).values_list("user", flat=True)
    ) == [second.pk]


def test_leave_of_a_membership_made_in_the_admin_builds_its_record():
    club = ClubFactory()
    person = UserFactory()
    Membership.objects.create(user=person, organisation=club.organisation)
    club_leave(club=club, user=person, by=person)
    record = ClubMembershipRecord.objects.get()
    assert record.user == person and record.left_at is not None


def test_history_querysets_for_indicators():
    club = ClubFactory()
    now = timezone.now()
    ClubMembershipRecord.objects.create(
        club=club, joined_at=now - timedelta(days=100), left_at=now - timedelta(days=50)
    )
    ClubMembershipRecord.objects.create(club=club, joined_at=now - timedelta(days=10))
    ClubMembershipRecord.objects.create(
        club=club, joined_at=now - timedelta(days=200), left_at=now - timedelta(days=150)
    )
    period = (now - timedelta(days=60), now)
    assert ClubMembershipRecord.objects.members_during(*period).count() == 2
    assert ClubMembershipRecord.objects.joined_during(*period).count() == 1


def test_update_presentation_by_animator_and_staff_only():
    club = ClubFactory()
    lead = animator(club)
    theme = Theme.objects.first()
    club_update_presentation(
        club=club, by=lead, themes=[theme], summary="Nouveau résumé", meeting_place="Salle des fêtes"
    )
    club.refresh_from_db()
    assert club.organisation.summary == "Nouveau résumé" and club.meeting_place == "Salle des fêtes"
    assert list(club.organisation.themes.all()) == [theme]
    club_update_presentation(club=club, by=UserFactory(staff=True), summary="Par l'équipe")
    for person in (member(club), animator(ClubFactory()), UserFactory()):
        with pytest.raises(RefusedError):
            club_update_presentation(club=club, by=person, summary="Pirate")
    with pytest.raises(ValidationError):
        club_update_presentation(club=club, by=lead, mail_reply_to="pas-une-adresse")


# --- Meetings ----------------------------------------------------------------------------------


def _meeting(club, by, **kwargs):
    start = timezone.now() + timedelta(days=5)
    values = {
        "title": "Troc de graines",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 10,
    }
    values.update(kwargs)
    return club_meeting_create(club=club, by=by, **values)


def test_meeting_is_a_published_club_event():
    club = ClubFactory()
    lead = animator(club)
    event = _meeting(club, lead)
    assert event.action == Action.CLUBS and event.organiser == club.organisation and event.is_published
    assert event.commune == club.organisation.commune
    assert verbs(event) == ["event.create"]
    assert _meeting(club, lead).slug != event.slug


def test_meeting_refused_to_others_and_with_bad_dates():
    club = ClubFactory()
    for person in (member(club), animator(ClubFactory()), UserFactory()):
        with pytest.raises(RefusedError):
            _meeting(club, person)
    lead = animator(club)
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(RefusedError, match="fin"):
        _meeting(club, lead, starts_at=start, ends_at=start)
    with pytest.raises(RefusedError, match="au plus tard"):
        _meeting(club, lead, registration_closes_at=start + timedelta(days=10))


# --- Practices ---------------------------------------------------------------------------------


def test_member_creates_practice_with_photos_non_member_refused():
    club = ClubFactory()
    author = member(club)
    photos = [process_image(image_upload()) for _ in range(2)]
    practice = practice_create(
        club=club, author=author, title="Compost", text="Au pied de l'immeuble", photos=photos, by=author
    )
    assert practice.status == PracticeStatus.PUBLISHED
    assert practice.photos.count() == 2
    assert verbs(practice) == ["practice.create"]
    with pytest.raises(RefusedError, match="Rejoignez"):
        practice_create(club=club, author=UserFactory(), title="x", text="y", by=None)
    with pytest.raises(RefusedError, match="6 photos"):
        practice_create(club=club, author=author, title="x", text="y", photos=photos * 4, by=author)


def test_adoption_toggle_one_per_person():
    practice = PracticeFactory()
    fan = member(practice.club)
    assert practice_adoption_toggle(practice=practice, user=fan, by=fan) is True
    assert PracticeAdoption.objects.filter(practice=practice).count() == 1
    assert practice_adoption_toggle(practice=practice, user=fan, by=fan) is False
    assert not PracticeAdoption.objects.exists()
    practice_adoption_toggle(practice=practice, user=fan, by=fan)
    assert verbs(practice) == ["practice.adopt", "practice.unadopt", "practice.adopt"]


def test_adoption_refused_to_author_non_member_and_unpublished():
    practice = PracticeFactory()
    with pytest.raises(RefusedError, match="propre"):
        practice_adoption_toggle(practice=practice, user=practice.author, by=practice.author)
    with pytest.raises(RefusedError, match="Rejoignez"):
        practice_adoption_toggle(practice=practice, user=UserFactory(), by=None)
    hidden = PracticeFactory(hidden=True)
    fan = member(hidden.club)
    with pytest.raises(RefusedError, match="pas publiée"):
        practice_adoption_toggle(practice=hidden, user=fan, by=fan)


def test_adoption_unique_constraint_holds():
    from django.db import IntegrityError, transaction

    practice = PracticeFactory()
    fan = member(practice.club)
    PracticeAdoption.objects.create(practice=practice, user=fan)
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeAdoption.objects.create(practice=practice, user=fan)


def test_reply_members_only_and_moderation():
    practice = PracticeFactory()
    fan = member(practice.club)
    reply = practice_reply_create(practice=practice, author=fan, text="Bravo !", by=fan)
    with pytest.raises(RefusedError):
        practice_reply_create(practice=practice, author=UserFactory(), text="Hors club", by=None)
    lead = animator(practice.club)
    with pytest.raises(RefusedError):
        practice_reply_set_hidden(reply=reply, hidden=True, by=fan)
    practice_reply_set_hidden(reply=reply, hidden=True, by=lead)
    with pytest.raises(RefusedError, match="déjà masquée"):
        practice_reply_set_hidden(reply=reply, hidden=True, by=lead)
    practice_reply_set_hidden(reply=reply, hidden=False, by=lead)
    assert verbs(reply) == ["practice.reply", "practice.reply.hide", "practice.reply.restore"]


def test_report_takes_practice_off_and_tells_animators(django_capture_on_commit_callbacks, mailoutbox):
    practice = PracticeFactory()
    lead = animator(practice.club)
    reporters = UserFactory.create_batch(3)  # anyone signed-in, member or not
    with django_capture_on_commit_callbacks(execute=True):
        for reporter in reporters[:2]:
            practice_report(practice=practice, reporter=reporter, reason="Doublon", by=reporter)
    practice.refresh_from_db()
    # Below the threshold (3 distinct people by default): still public, nobody e-mailed.
    assert practice.status == PracticeStatus.PUBLISHED and mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        report = practice_report(
            practice=practice, reporter=reporters[2], reason="Publicité", by=reporters[2]
        )
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.REPORTED
    assert not Practice.objects.visible().exists()
    to_animators = [m for m in mailoutbox if m.to == [lead.email]]
    assert len(to_animators) == 1
    assert "Publicité" in to_animators[0].body and "3 personnes" in to_animators[0].body
    # The author learns why, with the link to correct it.
    (to_author,) = [m for m in mailoutbox if m.to == [practice.author.email]]
    assert "3 personnes l'ont signalée" in to_author.body and "/modifier/" in to_author.body
    assert report.resolved_at is None
    entry = AuditEntry.objects.for_object(practice).get(verb="practice.reported")
    assert (entry.from_state, entry.to_state) == ("published", "reported")
    assert AuditEntry.objects.for_object(practice).filter(verb="practice.report").count() == 3


def test_report_refused_for_own_practice_already_reported_and_empty_reason(settings):
    settings.PACTE_REPORTS_TO_HIDE = 1
    practice = PracticeFactory()
    with pytest.raises(RefusedError, match="propre"):
        practice_report(practice=practice, reporter=practice.author, reason="x", by=practice.author)
    with pytest.raises(ValidationError):
        practice_report(practice=practice, reporter=UserFactory(), reason="  ", by=None)
    practice_report(practice=practice, reporter=UserFactory(), reason="Doublon", by=None)
    with pytest.raises(RefusedError, match="pas publiée"):
        practice_report(practice=practice, reporter=UserFactory(), reason="Encore", by=None)


@pytest.mark.parametrize("start", [PracticeStatus.PUBLISHED, PracticeStatus.REPORTED])
def test_hide_from_published_or_reported(start):
    practice = PracticeFactory(status=start)
    PracticeReport.objects.create(practice=practice, reason="x")
    lead = animator(practice.club)
    practice_hide(practice=practice, by=lead, reason="Hors charte")
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.HIDDEN
    report = PracticeReport.objects.get()
    assert report.resolved_by == lead and report.resolution == PracticeStatus.HIDDEN
    with pytest.raises(RefusedError, match="déjà masquée"):
        practice_hide(practice=practice, by=lead)


@pytest.mark.parametrize("start", [PracticeStatus.REPORTED, PracticeStatus.HIDDEN])
def test_restore_from_reported_or_hidden(start):
    practice = PracticeFactory(status=start)
    staff = UserFactory(staff=True)
    practice_restore(practice=practice, by=staff)
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED
    assert Practice.objects.visible().get() == practice
    with pytest.raises(RefusedError, match="déjà publiée"):
        practice_restore(practice=practice, by=staff)


def test_moderation_refused_to_member_other_animator_and_outsider():
    practice = PracticeFactory(reported=True)
    for person in (member(practice.club), animator(ClubFactory()), UserFactory(), practice.author):
        with pytest.raises(RefusedError, match="animateurs"):
            practice_restore(practice=practice, by=person)
        with pytest.raises(RefusedError, match="animateurs"):
            practice_hide(practice=practice, by=person)


def test_visibility_querysets():
    from django.contrib.auth.models import AnonymousUser

    published = PracticeFactory()
    club = published.club
    reported = PracticeFactory(club=club, reported=True)
    hidden = PracticeFactory(club=club, hidden=True)
    lead = animator(club)
    assert set(Practice.objects.visible_to(AnonymousUser())) == {published}
    assert set(Practice.objects.visible_to(member(club))) == {published}
    assert set(Practice.objects.visible_to(animator(ClubFactory()))) == {published}
    assert set(Practice.objects.visible_to(reported.author)) == {published, reported}
    assert set(Practice.objects.visible_to(lead)) == {published, reported, hidden}
    assert set(Practice.objects.visible_to(UserFactory(staff=True))) == {published, reported, hidden}
    club.organisation.is_active = False
    club.organisation.save()
    assert not Practice.objects.visible().exists()
