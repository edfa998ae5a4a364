"""The clubs' side of "the admin goes through the services": memberships added or removed in the
kernel admin keep the clubs' history, and every clubs admin action and save calls its service. Each
test checks the audit entry, the derived records and the next anonymous page (cached before)."""

import pytest
from django.urls import reverse

from clubs.enums import ClubType, PracticeStatus
from clubs.models import Club, ClubMailing, ClubMembershipRecord, Practice, PracticePhoto, PracticeReply
from pacte.enums import MembershipRole, OrganisationKind
from pacte.models import AuditEntry, Membership
from pacte.services.exchanges import topic_create
from tests.admin_forms import anonymous_page, form_data, warm
from tests.clubs.factories import ClubFactory, PracticeFactory, animator, member
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    return UserFactory(staff=True, is_superuser=True)


@pytest.fixture
def agent(client, staff):
    client.force_login(staff)
    return client


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def entry(verb, target=None):
    entries = AuditEntry.objects.filter(verb=verb)
    if target is not None:
        entries = entries.for_object(target)
    return entries.get()


# --- Memberships --------------------------------------------------------------------------------


def _club_with_members(n=1):
    club = ClubFactory()
    people = [member(club) for _ in range(n)]
    return club, people


def test_member_added_in_the_organisation_inline_opens_the_club_history(agent, staff):
    club, _ = _club_with_members(1)
    newcomer = UserFactory()
    assert "1 membre<" in warm(club.get_absolute_url())
    organisation = club.organisation
    form = agent.get(change_url(organisation))
    response = agent.post(
        change_url(organisation),
        form_data(
            form,
            **{
                "memberships-TOTAL_FORMS": "2",
                "memberships-1-user": newcomer.pk,
                "memberships-1-role": MembershipRole.MEMBER,
            },
        ),
    )
    assert response.status_code == 302
    assert Membership.objects.filter(organisation=organisation, user=newcomer).exists()
    assert ClubMembershipRecord.objects.open().filter(club=club, user=newcomer).exists()
    audit = entry("membership.add", organisation)
    assert (audit.actor, audit.data) == (staff, {"user": newcomer.pk})
    page, cache_state = anonymous_page(club.get_absolute_url())
    assert cache_state == "miss"
    assert "2 membres" in page.content.decode()


def test_member_removed_in_the_organisation_inline_closes_the_club_history(agent, staff):
    club, (leaving, staying) = _club_with_members(2)
    assert "2 membres" in warm(club.get_absolute_url())
    organisation = club.organisation
    form = agent.get(change_url(organisation))
    rows = list(form.context["inline_admin_formsets"][0].formset.forms)
    index = next(i for i, row in enumerate(rows) if row.instance.user_id == leaving.pk)
    agent.post(change_url(organisation), form_data(form, **{f"memberships-{index}-DELETE": "on"}))

    assert not Membership.objects.filter(organisation=organisation, user=leaving).exists()
    record = ClubMembershipRecord.objects.get(club=club, user=leaving)
    assert record.left_at is not None
    assert ClubMembershipRecord.objects.open().filter(club=club, user=staying).exists()
    assert entry("membership.remove", organisation).actor == staff
    assert "1 membre<" in anonymous_page(club.get_absolute_url())[0].content.decode()


def test_role_changed_in_the_organisation_inline_is_audited(agent, staff):
    club, (person,) = _club_with_members(1)
    organisation = club.organisation
    form = agent.get(change_url(organisation))
    agent.post(change_url(organisation), form_data(form, **{"memberships-0-role": MembershipRole.REFERENT}))
    assert Membership.objects.get(organisation=organisation, user=person).role == MembershipRole.REFERENT
    audit = entry("membership.role", organisation)
    assert (audit.actor, audit.from_state, audit.to_state) == (staff, "membre", "referent")
    # Still one open stint: a role change is not a new membership.
    assert ClubMembershipRecord.objects.open().filter(club=club, user=person).count() == 1


def test_membership_admin_add_and_delete_keep_the_club_history(agent, staff):
    club, _ = _club_with_members(1)
    newcomer = UserFactory()
    warm(club.get_absolute_url())
    add = reverse("admin:pacte_membership_add")
    response = agent.post(
        add,
        form_data(
            agent.get(add),
            user=newcomer.pk,
            organisation=club.organisation.pk,
            role=MembershipRole.MEMBER,
        ),
    )
    assert response.status_code == 302
    assert ClubMembershipRecord.objects.open().filter(club=club, user=newcomer).exists()
    assert entry("membership.add", club.organisation).actor == staff
    assert "2 membres" in anonymous_page(club.get_absolute_url())[0].content.decode()

    membership = Membership.objects.get(organisation=club.organisation, user=newcomer)
    agent.post(reverse("admin:pacte_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert ClubMembershipRecord.objects.get(club=club, user=newcomer).left_at is not None
    assert entry("membership.remove", club.organisation).actor == staff
    assert "1 membre<" in anonymous_page(club.get_absolute_url())[0].content.decode()


def test_membership_admin_bulk_delete_goes_through_the_service(agent):
    club, people = _club_with_members(2)
    memberships = Membership.objects.filter(organisation=club.organisation)
    agent.post(
        changelist(Membership),
        {"action": "delete_selected", "_selected_action": [m.pk for m in memberships], "post": "yes"},
    )
    assert not Membership.objects.filter(organisation=club.organisation).exists()
    assert not ClubMembershipRecord.objects.open().filter(club=club).exists()
    assert AuditEntry.objects.filter(verb="membership.remove").count() == 2


def test_membership_admin_role_change(agent, staff):
    organisation = OrganisationFactory()
    membership = Membership.objects.create(organisation=organisation, user=UserFactory())
    agent.post(
        change_url(membership),
        form_data(agent.get(change_url(membership)), role=MembershipRole.REFERENT),
    )
    membership.refresh_from_db()
    assert membership.role == MembershipRole.REFERENT
    assert entry("membership.role", organisation).actor == staff


# --- Exchanges ----------------------------------------------------------------------------------


@pytest.fixture
def club_topic():
    club, (author,) = _club_with_members(1)
    topic = topic_create(
        network="clubs",
        organisation=club.organisation,
        title="Troc de graines",
        body="Qui en a ?",
        author=author,
        by=author,
    )
    return club, topic


def _topic_url(club, topic):
    return reverse("clubs:topic_detail", args=[club.slug, topic.pk])


def test_topic_edit_is_audited_and_shown(agent, staff, club_topic):
    club, topic = club_topic
    url = _topic_url(club, topic)
    assert "Troc de graines" in warm(url)
    agent.post(change_url(topic), form_data(agent.get(change_url(topic)), title="Troc de semences"))
    audit = entry("topic.edit", topic)
    assert (audit.actor, audit.data) == (staff, {"fields": ["title"]})
    page, cache_state = anonymous_page(url)
    assert cache_state == "miss"
    assert "Troc de semences" in page.content.decode()


def test_topic_hide_action_is_audited_and_takes_it_off_public_pages(agent, staff, club_topic):
    club, topic = club_topic
    list_url = reverse("clubs:topics", args=[club.slug])
    assert "Troc de graines" in warm(list_url)
    agent.post(changelist(type(topic)), {"action": "hide", "_selected_action": [topic.pk]})
    assert entry("topic.hide", topic).actor == staff
    assert "Troc de graines" not in anonymous_page(list_url)[0].content.decode()


def test_reply_edit_is_audited_and_shown(agent, staff, club_topic):
    from pacte.services.exchanges import reply_create

    club, topic = club_topic
    reply = reply_create(topic=topic, body="Moi, des tomates.", author=topic.author, by=topic.author)
    url = _topic_url(club, topic)
    assert "des tomates" in warm(url)
    agent.post(change_url(reply), form_data(agent.get(change_url(reply)), body="Moi, des haricots."))
    assert entry("reply.edit", reply).actor == staff
    assert "des haricots" in anonymous_page(url)[0].content.decode()


def test_topics_and_replies_are_hidden_not_deleted(agent, club_topic):
    _, topic = club_topic
    assert agent.post(reverse("admin:pacte_topic_delete", args=[topic.pk])).status_code == 403


# --- Clubs --------------------------------------------------------------------------------------


def test_club_edit_is_audited_and_shown(agent, staff):
    club = ClubFactory(meeting_place="Maison du quartier")
    assert "Maison du quartier" in warm(club.get_absolute_url())
    agent.post(change_url(club), form_data(agent.get(change_url(club)), meeting_place="Jardin Saint-Sever"))
    audit = entry("club.update", club)
    assert (audit.actor, audit.data) == (staff, {"fields": ["meeting_place"]})
    page, cache_state = anonymous_page(club.get_absolute_url())
    assert cache_state == "miss"
    assert "Jardin Saint-Sever" in page.content.decode()


def test_club_added_for_an_organisation_opens_its_members_history(agent, staff):
    organisation = OrganisationFactory(kind=OrganisationKind.CLUB, name="Club des Hauts de Rouen")
    people = [UserFactory(), UserFactory()]
    for person in people:
        Membership.objects.create(organisation=organisation, user=person)
    warm("/clubs/")
    add = reverse("admin:clubs_club_add")
    response = agent.post(
        add, form_data(agent.get(add), organisation=organisation.pk, club_type=ClubType.LOCAL)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    club = Club.objects.get(organisation=organisation)
    assert entry("club.create", club).actor == staff
    assert set(ClubMembershipRecord.objects.open().filter(club=club).values_list("user", flat=True)) == {
        p.pk for p in people
    }
    assert "Club des Hauts de Rouen" in anonymous_page("/clubs/")[0].content.decode()


def test_clubs_are_deactivated_not_deleted(agent):
    club = ClubFactory()
    assert agent.post(reverse("admin:clubs_club_delete", args=[club.pk])).status_code == 403


# --- Practices ----------------------------------------------------------------------------------


def _practice_url(practice):
    return reverse("clubs:practice_detail", args=[practice.club.slug, practice.pk])


def test_practice_edit_is_audited_and_shown(agent, staff):
    practice = PracticeFactory(title="Paillage au pied des tomates")
    assert "Paillage au pied des tomates" in warm(_practice_url(practice))
    agent.post(change_url(practice), form_data(agent.get(change_url(practice)), title="Paillage des tomates"))
    audit = entry("practice.update", practice)
    assert (audit.actor, audit.data) == (staff, {"fields": ["title"]})
    page, cache_state = anonymous_page(_practice_url(practice))
    assert cache_state == "miss"
    assert "Paillage des tomates" in page.content.decode()


def test_practice_photo_removed_in_the_inline_goes_through_the_service(agent, staff, settings, tmp_path):
    from pacte.images import process_image
    from tests.clubs.factories import image_upload

    settings.MEDIA_ROOT = tmp_path
    practice = PracticeFactory()
    processed = process_image(image_upload())
    photo = PracticePhoto.objects.create(
        practice=practice, image=processed.image, thumbnail=processed.thumbnail, position=0
    )
    assert "<img" in warm(_practice_url(practice))
    form = agent.get(change_url(practice))
    prefix = form.context["inline_admin_formsets"][0].formset.prefix
    agent.post(change_url(practice), form_data(form, **{f"{prefix}-0-DELETE": "on"}))
    assert not PracticePhoto.objects.filter(pk=photo.pk).exists()
    assert entry("practice.photo.delete", practice).data == {"photo": photo.pk}
    assert photo.image.name not in anonymous_page(_practice_url(practice))[0].content.decode()


def test_practice_hide_and_restore_actions_show_on_public_pages(agent, staff):
    practice = PracticeFactory(title="Compost en bac collectif")
    assert "Compost en bac collectif" in warm("/clubs/pratiques/")
    agent.post(changelist(Practice), {"action": "hide", "_selected_action": [practice.pk]})
    assert entry("practice.hide", practice).actor == staff
    assert "Compost en bac collectif" not in anonymous_page("/clubs/pratiques/")[0].content.decode()
    warm("/clubs/pratiques/")
    agent.post(changelist(Practice), {"action": "restore", "_selected_action": [practice.pk]})
    assert entry("practice.restore", practice).to_state == PracticeStatus.PUBLISHED
    assert "Compost en bac collectif" in anonymous_page("/clubs/pratiques/")[0].content.decode()


def test_report_action_restores_the_practice_on_public_pages(agent, staff, settings):
    from clubs.models import PracticeReport
    from clubs.services import practice_report

    settings.PACTE_REPORTS_TO_HIDE = 1  # this one report takes it off public pages
    practice = PracticeFactory(title="Récupérateur d'eau de pluie")
    practice_report(practice=practice, reporter=member(practice.club), reason="Hors sujet", by=None)
    assert "eau de pluie" not in warm("/clubs/pratiques/")
    report = PracticeReport.objects.get()
    agent.post(changelist(PracticeReport), {"action": "restore_practices", "_selected_action": [report.pk]})
    assert entry("practice.restore", practice).actor == staff
    report.refresh_from_db()
    assert report.resolved_by == staff
    assert "eau de pluie" in anonymous_page("/clubs/pratiques/")[0].content.decode()


def test_practice_reply_hide_action_takes_it_off_the_practice_page(agent, staff):
    practice = PracticeFactory()
    reply = PracticeReply.objects.create(
        practice=practice, author=animator(practice.club), text="Bravo à vous"
    )
    assert "Bravo à vous" in warm(_practice_url(practice))
    agent.post(changelist(PracticeReply), {"action": "hide", "_selected_action": [reply.pk]})
    assert entry("practice.reply.hide", reply).actor == staff
    assert "Bravo à vous" not in anonymous_page(_practice_url(practice))[0].content.decode()


def test_mailing_resume_action_is_audited_and_sends_nothing_twice(
    agent, staff, mailoutbox, django_capture_on_commit_callbacks
):
    from clubs.services import club_mailing_create

    club = ClubFactory()
    lead = animator(club)
    member(club)
    with django_capture_on_commit_callbacks(execute=True):
        mailing = club_mailing_create(club=club, subject="Bonjour", message="Message", by=lead)
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        agent.post(changelist(ClubMailing), {"action": "resume_sending", "_selected_action": [mailing.pk]})
    assert entry("club.mailing.resume", mailing).actor == staff
    assert len(mailoutbox) == sent


# --- Moderation settings ------------------------------------------------------------------------


def test_staff_set_how_many_reports_hide_a_practice_in_the_admin(agent, staff, settings):
    from clubs.models import ModerationSettings
    from clubs.services import practice_report, reports_to_hide
    from pacte.services.audit import verb_label

    settings.PACTE_REPORTS_TO_HIDE = 3
    add_url = reverse("admin:clubs_moderationsettings_add")
    response = agent.get(add_url)
    assert response.status_code == 200 and response.context["adminform"].form.initial["reports_to_hide"] == 3
    # Out of bounds: a French message next to the field, nothing saved.
    for wrong in ("0", "51", "99999999999999999999"):
        response = agent.post(add_url, {"reports_to_hide": wrong})
        assert response.status_code == 200 and response.context["adminform"].form.errors, wrong
    assert not ModerationSettings.objects.exists()
    response = agent.post(add_url, {"reports_to_hide": "2"})
    assert response.status_code == 302
    moderation = ModerationSettings.objects.get()
    audit = entry("moderation.settings", moderation)
    assert audit.actor == staff and audit.data["reports_to_hide"] == {"before": 3, "after": 2}
    assert verb_label("moderation.settings") == "Réglages de la modération modifiés"
    # One row: no second one, no deletion; the list leads to it.
    assert agent.get(add_url).status_code == 403
    assert (
        agent.post(reverse("admin:clubs_moderationsettings_delete", args=[moderation.pk])).status_code == 403
    )
    assert ModerationSettings.objects.count() == 1
    response = agent.post(change_url(moderation), {"reports_to_hide": "1"})
    assert response.status_code == 302 and reports_to_hide() == 1
    assert AuditEntry.objects.filter(verb="moderation.settings").count() == 2

    # The new threshold applies: one report now hides a practice, whatever the environment says.
    practice = PracticeFactory(title="Paillage des massifs")
    assert "Paillage des massifs" in warm("/clubs/pratiques/")
    practice_report(practice=practice, reporter=member(practice.club), reason="Hors sujet", by=None)
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.REPORTED
    assert "Paillage des massifs" not in anonymous_page("/clubs/pratiques/")[0].content.decode()


def test_only_staff_change_the_moderation_settings():
    from clubs.models import ModerationSettings
    from clubs.services import moderation_settings_update
    from pacte.services.errors import RefusedError

    for user in (UserFactory(), animator(ClubFactory())):
        with pytest.raises(RefusedError):
            moderation_settings_update(reports_to_hide=1, by=user)
    assert not ModerationSettings.objects.exists()


def test_a_reply_changes_only_through_the_actions_not_by_posting_its_change_form(agent):
    practice = PracticeFactory()
    reply = PracticeReply.objects.create(practice=practice, author=animator(practice.club), text="Bravo")
    page = agent.get(change_url(reply))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert agent.post(change_url(reply), {"_save": "Enregistrer"}).status_code == 403
