"""The admin home says what waits for the agent (each app's `admin_todo`), and every staff group
opens every admin page it is given, with a French refusal for the others."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from pacte.services.registrations import registration_create
from tests.clubs.factories import PracticeFactory
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name="DACTE administration"))
    client.force_login(user)
    return user


def test_admin_home_counts_what_waits_with_links_to_the_filtered_lists(client, agent):
    now = timezone.now()
    EventFactory(
        is_published=False, starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=2)
    )
    past = EventFactory(capacity=None)
    registration_create(event=past, user=UserFactory())
    # The event has taken place since (test set-up, not a service path).
    type(past).objects.filter(pk=past.pk).update(
        starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2) + timedelta(hours=2)
    )
    PracticeFactory(reported=True)

    page = client.get(reverse("admin:index")).content.decode()
    assert "À traiter" in page
    assert "<strong>1</strong> événement à venir à publier" in page
    assert "<strong>1</strong> événement passé dont les présences sont à saisir" in page
    assert "<strong>1</strong> pratique signalée à modérer" in page

    to_record = client.get(reverse("admin:pacte_event_changelist") + "?presences=a-saisir")
    assert to_record.status_code == 200
    assert past.title in to_record.content.decode()
    upcoming = client.get(reverse("admin:pacte_event_changelist") + "?is_published__exact=0&quand=a-venir")
    assert upcoming.status_code == 200
    reported = client.get(reverse("admin:clubs_practice_changelist") + "?status__exact=reported")
    assert reported.status_code == 200


def test_admin_home_says_when_nothing_waits(client, agent):
    assert "Rien n'attend pour le moment." in client.get(reverse("admin:index")).content.decode()


GROUPS = [
    "DACTE administration",
    "Instruction des subventions",
    "Gestion de l'Atelier",
    "Édition de la lettre",
    "Lecture des indicateurs",
]


@pytest.mark.parametrize("group_name", GROUPS)
def test_every_group_opens_its_admin_pages_and_gets_a_french_refusal_elsewhere(client, settings, group_name):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    user = UserFactory(staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    for model in admin.site._registry:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code in (200, 403), (opts.label, response.status_code)
        if response.status_code == 403:
            body = response.content.decode()
            assert "Forbidden" not in body and 'lang="fr"' in body, opts.label
