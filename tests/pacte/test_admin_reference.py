"""The themes and the communes are edited in the admin through audited services (pacte/services/
themes.py, communes.py): each save writes the journal and renews the public pages that show them;
neither is deleted there, and the 71 communes are not added there either."""

import pytest
from django.urls import reverse

from pacte.models import AuditEntry, Commune, Theme
from pacte.services.audit import state_label, verb_label
from tests.admin_forms import anonymous_page, form_data, warm
from tests.factories import EventFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    return UserFactory(staff=True, is_superuser=True)


@pytest.fixture
def agent(client, staff):
    client.force_login(staff)
    return client


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
