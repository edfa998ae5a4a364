"""Every admin action and save of the kernel goes through its service (docs/architecture.md): each test
checks the audit entry, the derived records, and that the next anonymous page (served from the
page cache before the change) shows it."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pacte.enums import MembershipRole, RegistrationStatus
from pacte.models import (
    AuditEntry,
    Commune,
    Event,
    Membership,
    Organisation,
    PrivateDocument,
    Registration,
    Theme,
)
from pacte.services.audit import state_label, verb_label
from pacte.services.errors import RefusedError
from pacte.services.events import event_delete
from pacte.services.registrations import registration_create
from tests.admin_forms import anonymous_page, form_data, warm
from tests.factories import EventFactory, OrganisationFactory, ThemeFactory, UserFactory

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


# --- Events: actions --------------------------------------------------------------------------


def test_publish_action_audits_and_shows_the_event_to_visitors(agent, staff):
    event = EventFactory(draft=True, title="Atelier réparation de vélos")
    assert "Atelier réparation de vélos" not in warm("/agenda/")

    agent.post(changelist(Event), {"action": "publish", "_selected_action": [event.pk]})

    audit = entry("event.publish", event)
    assert (audit.actor, audit.from_state, audit.to_state) == (staff, "unpublished", "published")
    page, cache_state = anonymous_page("/agenda/")
    assert cache_state == "miss"
    assert "Atelier réparation de vélos" in page.content.decode()
    assert anonymous_page(event.get_absolute_url())[0].status_code == 200


def test_unpublish_action_audits_and_hides_the_event_from_visitors(agent, staff):
    event = EventFactory(title="Balade des jardins")
    assert "Balade des jardins" in warm("/agenda/")
    warm(event.get_absolute_url())

    agent.post(changelist(Event), {"action": "unpublish", "_selected_action": [event.pk]})

    audit = entry("event.unpublish", event)
    assert (audit.actor, audit.from_state, audit.to_state) == (staff, "published", "unpublished")
    assert "Balade des jardins" not in anonymous_page("/agenda/")[0].content.decode()
    assert anonymous_page(event.get_absolute_url())[0].status_code == 404


def test_publishing_a_published_event_is_refused_with_a_reason(agent):
    event = EventFactory()
    response = agent.post(
        changelist(Event), {"action": "publish", "_selected_action": [event.pk]}, follow=True
    )
    assert "Cet événement est déjà publié." in response.content.decode()
    assert not AuditEntry.objects.filter(verb="event.publish").exists()


# --- Events: the change form --------------------------------------------------------------------


def _full_event(capacity, confirmed, waiting):
    event = EventFactory(capacity=capacity)
    people = [UserFactory() for _ in range(confirmed + waiting)]
    registrations = [registration_create(event=event, user=person) for person in people]
    return event, registrations


def test_raising_capacity_in_the_form_promotes_the_waiting_list(
    agent, staff, mailoutbox, django_capture_on_commit_callbacks
):
    event, registrations = _full_event(capacity=2, confirmed=2, waiting=2)
    first_waiting = registrations[2]
    assert first_waiting.status == RegistrationStatus.WAITLISTED
    warm(event.get_absolute_url())
    form = agent.get(change_url(event))

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(change_url(event), form_data(form, capacity=5))
    assert response.status_code == 302

    audit = entry("event.capacity", event)
    assert (audit.actor, audit.from_state, audit.to_state) == (staff, "2", "5")
    statuses = [Registration.objects.get(pk=r.pk).status for r in registrations]
    assert statuses == [RegistrationStatus.CONFIRMED] * 4
    assert AuditEntry.objects.filter(verb="registration.promote").count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.user.email for r in registrations[2:])
    event.refresh_from_db()
    assert (event.capacity, event.seats_taken) == (5, 4)
    page, cache_state = anonymous_page(event.get_absolute_url())
    assert cache_state == "miss"
    assert "1 sur 5 disponible<" in page.content.decode()


def test_unlimited_capacity_confirms_everyone_waiting(agent):
    event, registrations = _full_event(capacity=1, confirmed=1, waiting=2)
    agent.post(change_url(event), form_data(agent.get(change_url(event)), capacity=None))
    assert entry("event.capacity", event).to_state == "sans limite"
    assert not Registration.objects.waitlisted().filter(event=event).exists()


def test_lowering_capacity_below_the_confirmed_is_refused_next_to_the_field(agent):
    event, _ = _full_event(capacity=5, confirmed=3, waiting=0)
    before = warm(event.get_absolute_url())
    response = agent.post(change_url(event), form_data(agent.get(change_url(event)), capacity=2))

    assert response.status_code == 200  # the form again, with the reason
    errors = response.context["adminform"].form.errors
    assert "3 personnes ont déjà une place confirmée" in errors["capacity"][0]
    assert "3 personnes ont déjà une place confirmée" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 5
    assert not AuditEntry.objects.filter(verb="event.capacity").exists()
    assert anonymous_page(event.get_absolute_url())[0].content.decode() == before


def test_a_capacity_refusal_met_at_save_time_keeps_nothing(agent, monkeypatch):
    # A sign-up between the form's check and the save: the service refuses under its lock.
    event, _ = _full_event(capacity=5, confirmed=3, waiting=0)
    form = agent.get(change_url(event))
    monkeypatch.setattr("pacte.admin.capacity_refusal", lambda **kwargs: None)
    response = agent.post(change_url(event), form_data(form, capacity=2, title="Nouveau titre"), follow=True)
    body = response.content.decode()
    assert "3 personnes ont déjà une place confirmée" in body
    assert "avec succès" not in body
    event.refresh_from_db()
    assert (event.capacity, event.title) == (5, event.title)
    assert event.title != "Nouveau titre"
    assert not AuditEntry.objects.filter(verb__startswith="event.").exists()


def test_editing_an_event_is_audited_and_shown_to_visitors(agent, staff):
    event = EventFactory(title="Atelier compost")
    theme = ThemeFactory()
    warm(event.get_absolute_url())
    agent.post(
        change_url(event),
        form_data(agent.get(change_url(event)), title="Atelier lombricompost", themes=[theme.pk]),
    )
    audit = entry("event.update", event)
    assert audit.actor == staff
    assert audit.data == {"fields": ["title", "themes"]}
    event.refresh_from_db()
    assert list(event.themes.all()) == [theme]
    page, cache_state = anonymous_page(event.get_absolute_url())
    assert cache_state == "miss"
    assert "Atelier lombricompost" in page.content.decode()


def test_publishing_through_the_form_is_recorded_as_a_publication(agent):
    event = EventFactory(draft=True, title="Nettoyage de berges")
    warm("/agenda/")
    agent.post(change_url(event), form_data(agent.get(change_url(event)), is_published="on"))
    assert entry("event.publish", event).to_state == "published"
    assert not AuditEntry.objects.filter(verb="event.update").exists()
    assert "Nettoyage de berges" in anonymous_page("/agenda/")[0].content.decode()


def test_adding_an_event_goes_through_the_service(agent, staff):
    warm("/agenda/")
    form = agent.get(reverse("admin:pacte_event_add"))
    starts = timezone.now() + timedelta(days=3)
    response = agent.post(
        reverse("admin:pacte_event_add"),
        form_data(
            form,
            title="Fresque du climat",
            slug="fresque-du-climat",
            action="clubs",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            capacity="20",
            is_published="on",
            registration_required="on",
            walk_in_count="0",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="fresque-du-climat")
    assert entry("event.create", event).actor == staff
    assert "Fresque du climat" in anonymous_page("/agenda/")[0].content.decode()


def test_deleting_an_event_with_registrations_is_refused(agent, staff):
    event, _ = _full_event(capacity=5, confirmed=1, waiting=0)
    url = reverse("admin:pacte_event_delete", args=[event.pk])
    # Registrations are cancelled, never deleted: the confirmation page says why it cannot be done.
    assert agent.get(url).context["perms_lacking"] == {"inscription"}
    assert agent.post(url, {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()
    # The service refuses too, for any other caller.
    with pytest.raises(RefusedError, match="Des personnes sont inscrites"):
        event_delete(event=event, by=staff)
    assert not AuditEntry.objects.filter(verb="event.delete").exists()


def test_deleting_an_event_without_registrations_is_audited(agent, staff):
    event = EventFactory(title="Atelier annulé")
    warm("/agenda/")
    agent.post(reverse("admin:pacte_event_delete", args=[event.pk]), {"post": "yes"})
    assert not Event.objects.filter(pk=event.pk).exists()
    audit = AuditEntry.objects.get(verb="event.delete")
    assert (audit.actor, audit.object_repr) == (staff, "Atelier annulé")
    assert "Atelier annulé" not in anonymous_page("/agenda/")[0].content.decode()


def test_attendance_in_the_event_form_goes_through_the_service(agent, staff):
    event, registrations = _full_event(capacity=5, confirmed=2, waiting=0)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    form = agent.get(change_url(event))
    response = agent.post(change_url(event), form_data(form, **{"registrations-0-attended": "true"}))
    assert response.status_code == 302
    first = Registration.objects.get(pk=registrations[0].pk)
    assert first.attended is True
    audit = entry("registration.attendance", first)
    assert (audit.actor, audit.to_state) == (staff, "present")


def test_attendance_in_the_registration_form_goes_through_the_service(agent):
    event, (registration,) = _full_event(capacity=5, confirmed=1, waiting=0)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    agent.post(change_url(registration), form_data(agent.get(change_url(registration)), attended="false"))
    registration.refresh_from_db()
    assert registration.attended is False
    assert entry("registration.attendance", registration).to_state == "absent"


def test_cancel_action_promotes_and_shows_the_freed_place(agent, staff):
    event, registrations = _full_event(capacity=2, confirmed=2, waiting=1)
    warm(event.get_absolute_url())
    agent.post(
        changelist(Registration),
        {"action": "cancel_registrations", "_selected_action": [registrations[0].pk, registrations[1].pk]},
    )
    assert AuditEntry.objects.filter(verb="registration.cancel", actor=staff).count() == 2
    assert Registration.objects.get(pk=registrations[2].pk).status == RegistrationStatus.CONFIRMED
    page, cache_state = anonymous_page(event.get_absolute_url())
    assert cache_state == "miss"
    assert "1 sur 2 disponible<" in page.content.decode()


def test_registrations_cannot_be_deleted_in_the_admin(agent):
    event, (registration,) = _full_event(capacity=5, confirmed=1, waiting=0)
    assert agent.post(reverse("admin:pacte_registration_delete", args=[registration.pk])).status_code == 403


# --- Memberships (those of clubs, with their history, are in tests/clubs/test_admin_services.py) --


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


def test_membership_admin_add_and_delete_are_audited(agent, staff):
    organisation = OrganisationFactory()
    person = UserFactory()
    add = reverse("admin:pacte_membership_add")
    agent.post(add, form_data(agent.get(add), user=person.pk, organisation=organisation.pk, role="membre"))
    membership = Membership.objects.get(organisation=organisation, user=person)
    assert entry("membership.add", organisation).data == {"user": person.pk}
    agent.post(reverse("admin:pacte_membership_delete", args=[membership.pk]), {"post": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert entry("membership.remove", organisation).actor == staff


# --- Private documents -----------------------------------------------------------------------------


def test_document_added_in_the_admin_is_checked_and_audited(agent, staff):
    add = reverse("admin:pacte_privatedocument_add")
    pdf = SimpleUploadedFile("rib.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = agent.post(add, form_data(agent.get(add), title="RIB", file=pdf))
    assert response.status_code == 302
    document = PrivateDocument.objects.get()
    assert document.content_type == "application/pdf"
    assert entry("document.create", document).actor == staff

    fake = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = agent.post(add, form_data(agent.get(add), title="Faux", file=fake))
    assert response.status_code == 200
    assert "n'est pas un document accepté" in response.context["adminform"].form.errors["file"][0]
    assert PrivateDocument.objects.count() == 1


# --- Organisations ----------------------------------------------------------------------------


def test_organisation_edit_and_deactivation_go_through_the_service(agent, staff):
    organisation = OrganisationFactory(name="Les Amis du Robec")
    change = reverse("admin:pacte_organisation_change", args=[organisation.pk])
    agent.post(change, form_data(agent.get(change), name="Les Amis du Cailly", is_active=None))
    organisation.refresh_from_db()
    assert (organisation.name, organisation.is_active) == ("Les Amis du Cailly", False)
    assert entry("organisation.update", organisation).data == {"fields": ["name"]}
    audit = entry("organisation.deactivate", organisation)
    assert (audit.actor, audit.from_state, audit.to_state) == (staff, "active", "inactive")


def test_organisation_added_in_the_admin_is_audited_and_its_logo_cleaned(agent, staff, settings, tmp_path):
    from tests.clubs.factories import gps_exif, image_upload

    settings.MEDIA_ROOT = tmp_path
    add = reverse("admin:pacte_organisation_add")
    response = agent.post(
        add,
        form_data(
            agent.get(add),
            kind="association",
            name="Vélo en ville",
            slug="velo-en-ville",
            new_logo=image_upload(exif=gps_exif()),
            **{"memberships-TOTAL_FORMS": "0"},
        ),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="velo-en-ville")
    assert entry("organisation.create", organisation).actor == staff
    from PIL import Image

    with Image.open(organisation.logo.path) as logo:
        assert not logo.getexif()


def test_organisations_are_deactivated_not_deleted(agent):
    organisation = OrganisationFactory()
    assert agent.post(reverse("admin:pacte_organisation_delete", args=[organisation.pk])).status_code == 403


def test_accounts_are_deleted_in_the_admin_through_the_service_and_rights_changes_are_journaled(client):
    from django.contrib.auth.models import Group

    from pacte.models import AuditEntry, User

    agent = UserFactory(staff=True, is_superuser=True)
    client.force_login(agent)
    person = UserFactory(email="camille@exemple.fr")
    changelist = reverse("admin:pacte_user_changelist")
    assert client.post(reverse("admin:pacte_user_delete", args=[person.pk])).status_code == 403
    client.post(changelist, {"action": "delete_accounts", "_selected_action": [person.pk]})
    person.refresh_from_db()
    assert person.anonymised_at and not person.is_active and person.email != "camille@exemple.fr"
    assert AuditEntry.objects.for_object(person).filter(verb="user.delete").exists()

    colleague = UserFactory()
    change = reverse("admin:pacte_user_change", args=[colleague.pk])
    data = form_data(
        client.get(change), is_staff="on", groups=[Group.objects.get(name="Lecture des indicateurs").pk]
    )
    assert client.post(change, data).status_code == 302
    entry = AuditEntry.objects.for_object(colleague).get(verb="user.rights")
    assert entry.actor == agent and entry.data["champs"] == ["groups", "is_staff"]
    assert User.objects.get(pk=colleague.pk).is_staff


# --- Themes and communes: journaled, renewing the pages that show them; never deleted ----------


def test_a_theme_added_in_the_admin_is_journaled(agent, staff):
    add = agent.get(reverse("admin:pacte_theme_add"))
    data = form_data(add, name="Mobilités douces", slug="mobilites-douces", position="5")
    data["is_active"] = "on"
    response = agent.post(reverse("admin:pacte_theme_add"), data)
    assert response.status_code == 302
    theme = Theme.objects.get(slug="mobilites-douces")
    audit = AuditEntry.objects.for_object(theme).get(verb="theme.create")
    assert audit.actor == staff and audit.to_state == "active"


def test_renaming_a_theme_is_journaled_and_shown_to_visitors(agent, staff):
    theme = ThemeFactory(name="Compost")
    event = EventFactory(title="Atelier compost")
    event.themes.set([theme])
    warm(event.get_absolute_url())
    url = reverse("admin:pacte_theme_change", args=[theme.pk])

    agent.post(url, form_data(agent.get(url), name="Compostage partagé"))

    audit = AuditEntry.objects.for_object(theme).get(verb="theme.update")
    assert audit.actor == staff and audit.data == {"fields": ["name"]}
    page, cache_state = anonymous_page(event.get_absolute_url())
    assert cache_state == "miss" and "Compostage partagé" in page.content.decode()


def test_retiring_a_theme_from_the_list_is_journaled_as_a_state_change(agent):
    theme = ThemeFactory(position=3)
    changelist = reverse("admin:pacte_theme_changelist")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(theme.pk),
        "form-0-position": "3",
        # "is_active" left out: unticked.
        "_save": "Enregistrer",
    }
    response = agent.post(changelist, data)
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.is_active is False
    audit = AuditEntry.objects.for_object(theme).get(verb="theme.deactivate")
    assert (audit.from_state, audit.to_state) == ("active", "inactive")
    assert not AuditEntry.objects.filter(verb="theme.update").exists()


def test_themes_are_retired_not_deleted(agent):
    theme = ThemeFactory()
    assert agent.get(reverse("admin:pacte_theme_delete", args=[theme.pk])).status_code == 403
    changelist = agent.get(reverse("admin:pacte_theme_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_correcting_a_commune_is_journaled_and_shown_to_visitors(agent, staff):
    event = EventFactory(title="Atelier vélo")
    commune = event.commune
    warm(event.get_absolute_url())
    url = reverse("admin:pacte_commune_change", args=[commune.pk])

    response = agent.post(url, form_data(agent.get(url), name="Rouen (corrigé)", population="110000"))

    assert response.status_code == 302
    commune.refresh_from_db()
    assert (commune.name, commune.population) == ("Rouen (corrigé)", 110000)
    audit = AuditEntry.objects.for_object(commune).get(verb="commune.update")
    assert audit.actor == staff and audit.data == {"fields": ["name", "population"]}
    page, cache_state = anonymous_page(event.get_absolute_url())
    assert cache_state == "miss" and "Rouen (corrigé)" in page.content.decode()


def test_communes_are_neither_added_nor_deleted_in_the_admin(agent):
    commune = Commune.objects.first()
    assert agent.get(reverse("admin:pacte_commune_add")).status_code == 403
    assert agent.get(reverse("admin:pacte_commune_delete", args=[commune.pk])).status_code == 403


def test_the_new_verbs_and_states_read_in_french():
    for verb in ("theme.create", "theme.update", "theme.activate", "theme.deactivate", "commune.update"):
        assert verb_label(verb) != verb
    assert state_label("inactive", "theme.deactivate") == "retiré"
