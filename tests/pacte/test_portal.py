"""The extension point (pacte/portal.py): the kernel reads each app's declaration and nothing else."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.checks import run_checks

from clubs.models import Club, Garden, Practice
from pacte import portal
from pacte.cache import CACHE_HEADER, area_versions
from pacte.services.accounts import user_delete_account, user_export_data
from tests.clubs.factories import ClubFactory, PracticeFactory, member
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_installed_app_is_declared_and_the_kernel_first():
    labels = [app.label for app in portal.portal_apps()]
    assert labels[0] == "pacte"
    assert "clubs" in labels
    assert not [e for e in run_checks() if e.id == "pacte.E010"]


def test_navigation_home_and_my_space_come_from_the_declarations(client):
    home = client.get("/").content.decode()
    assert 'href="/clubs/"' in home  # the clubs' nav entry and home card
    assert "club d'habitants" in home or "clubs d'habitants" in home  # their key figure
    user = UserFactory()
    client.force_login(user)
    page = client.get("/mon-espace/").content.decode()
    assert "Clubs et jardiniers de la nature" in page
    assert 'aria-current="page"' in page


def test_my_space_counts_what_waits_for_an_animator(client):
    club = ClubFactory()
    animator = UserFactory()
    from tests.clubs.factories import animator as make_animator

    make_animator(club, animator)
    PracticeFactory(club=club, status="reported")
    client.force_login(animator)
    page = client.get("/mon-espace/").content.decode()
    assert "1</strong> pratique signalée" in page


def test_staff_groups_get_the_permissions_each_app_declares():
    dacte = Group.objects.get(name="DACTE administration")
    codenames = set(
        dacte.permissions.filter(content_type__app_label="clubs").values_list("codename", flat=True)
    )
    assert {"change_practice", "view_practicereport", "change_garden", "view_club"} <= codenames
    readers = Group.objects.get(name="Lecture des indicateurs")
    assert readers.permissions.filter(codename="view_garden").exists()
    assert not readers.permissions.filter(codename="change_practice").exists()


def test_every_app_exports_and_erases_its_personal_data(monkeypatch):
    club = ClubFactory()
    user = UserFactory()
    member(club, user)
    PracticeFactory(club=club, author=user)
    data = user_export_data(user=user)
    for app in portal.portal_apps():
        for section in app.export_personal_data(user):
            assert section in data, f"{app.label}: section {section!r} missing from the export"
    assert data["clubs"] and "jardins" in data and "echanges" in data

    erased = []
    for app in portal.portal_apps():
        original = type(app).erase_personal_data

        def spy(self, person, _original=original):
            erased.append(self.label)
            return _original(self, person)

        monkeypatch.setattr(type(app), "erase_personal_data", spy)
    user_pk = user.pk
    user_delete_account(user=user, by=user)
    assert erased == [app.label for app in portal.portal_apps()]
    assert not Practice.objects.filter(author_id=user_pk).exists()
    assert not Garden.objects.filter(owner_id=user_pk).exists()


# --- Page cache: one version per area ---------------------------------------------------------


def test_a_write_renews_only_the_pages_of_its_area(client):
    club = ClubFactory()
    EventFactory(title="Balade")
    assert client.get("/agenda/")[CACHE_HEADER] == "miss"
    assert client.get(club.get_absolute_url())[CACHE_HEADER] == "miss"
    assert client.get("/agenda/")[CACHE_HEADER] == "hit"
    assert client.get(club.get_absolute_url())[CACHE_HEADER] == "hit"

    author = member(club)  # a membership is kernel data: made before measuring
    assert client.get("/agenda/")[CACHE_HEADER] == "miss"
    assert client.get(club.get_absolute_url())[CACHE_HEADER] == "miss"
    before = area_versions(["agenda", "clubs"])
    PracticeFactory(club=club, author=author, title="Compost de quartier")  # a clubs write
    after = area_versions(["agenda", "clubs"])
    assert after[0] == before[0] and after[1] != before[1]
    assert client.get("/agenda/")[CACHE_HEADER] == "hit"  # the agenda does not show practices
    response = client.get(club.get_absolute_url())
    assert response[CACHE_HEADER] == "miss"
    assert "Compost de quartier" in response.content.decode()


@pytest.mark.parametrize("area", ["agenda", "clubs"])
def test_a_plain_save_outside_the_services_shows_on_the_next_anonymous_request(client, area):
    # As from the admin, a shell or a worker: no service call, only the declared models' signals.
    club = ClubFactory()
    event = EventFactory(title="Ancien titre", action="clubs", organiser=club.organisation)
    url = "/agenda/" if area == "agenda" else club.get_absolute_url()
    assert client.get(url)[CACHE_HEADER] == "miss"
    if area == "agenda":
        event.title = "Nouveau titre"
        event.save()
        expected = "Nouveau titre"
    else:
        Club.objects.get(pk=club.pk).save()
        club.organisation.description = "Une présentation renouvelée"
        club.organisation.save()
        expected = "Une présentation renouvelée"
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss"
    assert expected in response.content.decode()


# --- The portal without an app ----------------------------------------------------------------

WITHOUT_CLUBS = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from pacte.models import User
    from pacte import portal
    client = Client()
    result = {"apps": [a.label for a in portal.portal_apps()]}
    for url in ["/", "/agenda/", "/accessibilite/"]:
        result[url] = client.get(url).status_code
    result["clubs_url"] = client.get("/clubs/").status_code
    user = User.objects.get(email="habitante@demo.pacte.fr")
    client.force_login(user)
    result["my_space"] = client.get("/mon-espace/").status_code
    export = client.get("/mon-espace/mes-donnees.json")
    result["export"] = sorted(json.loads(export.content))
    client.post("/comptes/reauthenticate/", {"password": "demo-pacte-2026"})
    result["delete"] = client.post("/mon-espace/supprimer-mon-compte/", {"confirm": "on"}).status_code
    result["deleted"] = not User.objects.filter(email="habitante@demo.pacte.fr").exists()
    print(json.dumps(result))
    """
)


def test_the_portal_works_with_an_app_removed_from_installed_apps(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_without_clubs",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sans-clubs.sqlite3'}",
        "DEBUG": "1",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "EMAIL_URL": "memory://",
        "PACTE_STAFF_REQUIRE_2FA": "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_CLUBS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "clubs" not in result["apps"]
    assert result["/"] == result["/agenda/"] == result["/accessibilite/"] == 200
    assert result["clubs_url"] == 404
    assert result["my_space"] == 200
    assert "clubs" not in result["export"] and "echanges" in result["export"]
    assert result["delete"] == 302 and result["deleted"]


def test_periodic_tasks_come_from_the_declarations():
    from pacte.celery import app as celery_app

    celery_app.finalize()
    assert celery_app.conf.beat_schedule["event-reminders"]["task"] == "pacte.tasks.send_event_reminders"
    assert portal.beat_schedule().keys() <= celery_app.conf.beat_schedule.keys()


def test_a_deleted_account_stays_attributable_in_the_journal():
    from pacte.models import AuditEntry
    from pacte.services.audit import audit_log

    agent = UserFactory(is_staff=True)
    event = EventFactory()
    audit_log(target=event, verb="event.publish", by=agent)
    user_delete_account(user=agent, by=agent)
    entry = AuditEntry.objects.get(verb="event.publish")
    assert entry.actor_id == agent.pk
    assert entry.actor_label == f"Compte supprimé n° {agent.pk}"
    assert agent.email not in entry.actor_label


def test_personal_data_page_shows_what_each_app_declares(client, monkeypatch):
    section = portal.PageSection(title="Données de l'app", template="components/messages.html")
    monkeypatch.setattr(portal, "personal_data_sections", lambda: [section])
    page = client.get("/donnees-personnelles/").content.decode()
    assert "<h2>Données de l&#x27;app</h2>" in page or "<h2>Données de l'app</h2>" in page


def _menu(page: str) -> str:
    return page.split('<nav id="navigation"', 1)[1].split("</nav>", 1)[0]


def test_the_menu_marks_the_section_of_the_page_and_shows_my_space_only_signed_in(client):
    # The menu is rendered once per process for each state (pacte.context_processors): each
    # combination must still be the page's own.
    home, agenda = _menu(client.get("/").content.decode()), _menu(client.get("/agenda/").content.decode())
    assert '<a href="/" aria-current="page">Accueil</a>' in home
    assert '<a href="/agenda/" aria-current="page">' not in home
    assert '<a href="/agenda/" aria-current="page">Agenda</a>' in agenda
    assert agenda.count("aria-current") == home.count("aria-current") == 1
    assert "Mon espace" not in home
    client.force_login(UserFactory())
    signed_in = _menu(client.get("/clubs/").content.decode())
    assert '<a href="/clubs/" aria-current="page">' in signed_in
    assert '<a href="/mon-espace/">Mon espace</a>' in signed_in
    assert signed_in.count("aria-current") == 1
