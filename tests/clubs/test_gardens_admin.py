"""Admin of the jardiniers de la nature network: lists, filters, and writes through the services."""

import pytest
from django.urls import reverse

from clubs.models import Charter, CharterSignature, Garden, GardenPractice
from tests.clubs.test_gardens import make_garden, practice
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    settings.PACTE_STAFF_REQUIRE_2FA = False
    client.force_login(UserFactory(staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model, queries",
    [
        (Garden, ["", "?q=rouen", "?dans_le_reseau=oui", "?dans_le_reseau=non", "?garden_type=partage"]),
        (GardenPractice, ["", "?q=compost", "?is_active__exact=1"]),
        (Charter, ["", "?q=charte", "?published_at__isempty=0"]),
        (CharterSignature, ["", "?q=rouen"]),
    ],
)
def test_changelists_search_and_filters(staff_client, model, queries):
    make_garden(practices=["compostage"], name="Potager des Capucins")
    url = reverse(f"admin:clubs_{model._meta.model_name}_changelist")
    for query in queries:
        assert staff_client.get(url + query).status_code == 200, query
    if model is Garden:
        body = staff_client.get(url + "?q=capucins").content.decode()
        assert "Potager des Capucins" in body and "v1" in body


def test_garden_list_filters_by_commune_and_practice(staff_client):
    make_garden(commune_slug="elbeuf", practices=["mare"], name="Jardin d'Elbeuf")
    make_garden(commune_slug="rouen", practices=["compostage"], name="Jardin de Rouen")
    url = reverse("admin:clubs_garden_changelist")
    body = staff_client.get(f"{url}?commune__id__exact={commune('elbeuf').pk}").content.decode()
    assert "Jardin d&#x27;Elbeuf" in body and "Jardin de Rouen" not in body
    body = staff_client.get(f"{url}?practices__id__exact={practice('compostage').pk}").content.decode()
    assert "Jardin de Rouen" in body and "Jardin d&#x27;Elbeuf" not in body


def _change_form_data(response) -> dict:
    """What the admin change form would post back unchanged (main form and read-only inlines)."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for sub in formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is not None:
                    data[sub.add_prefix(name)] = value
    return data


def test_changing_a_checklist_in_admin_keeps_a_version(staff_client):
    garden = make_garden(practices=["compostage"])
    url = reverse("admin:clubs_garden_change", args=[garden.pk])
    data = _change_form_data(staff_client.get(url))
    data["practices"] = [practice("compostage").pk, practice("haies").pk]
    data["commune"] = commune("darnetal").pk
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    garden.refresh_from_db()
    assert garden.commune.slug == "darnetal"
    assert {p.slug for p in garden.practices.all()} == {"compostage", "haies"}
    assert garden.checklist_versions.count() == 2


def test_withdraw_action(staff_client):
    garden = make_garden()
    staff_client.post(
        reverse("admin:clubs_garden_changelist"), {"action": "withdraw", "_selected_action": [garden.pk]}
    )
    garden.refresh_from_db()
    assert garden.withdrawn_at is not None


def test_gardens_and_signatures_are_not_added_in_admin(staff_client):
    assert staff_client.get(reverse("admin:clubs_garden_add")).status_code == 403
    assert staff_client.get(reverse("admin:clubs_chartersignature_add")).status_code == 403


def test_practices_are_retired_not_deleted(staff_client):
    item = practice("mare")
    assert staff_client.get(reverse("admin:clubs_gardenpractice_delete", args=[item.pk])).status_code == 403
    response = staff_client.post(
        reverse("admin:clubs_gardenpractice_add"),
        {"name": "Toiture végétalisée", "slug": "toiture-vegetalisee", "position": 200, "is_active": "on"},
    )
    assert response.status_code == 302
    assert GardenPractice.objects.active().filter(slug="toiture-vegetalisee").exists()


def test_charter_versions_publish_and_freeze(staff_client):
    response = staff_client.post(
        reverse("admin:clubs_charter_add"),
        {"version": 2, "title": "Charte des jardiniers de la nature", "text": "Nouvelle rédaction."},
    )
    assert response.status_code == 302
    draft = Charter.objects.get(version=2)
    assert draft.published_at is None and Charter.objects.current().version == 1
    staff_client.post(
        reverse("admin:clubs_charter_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert Charter.objects.current() == draft
    # A published text cannot be changed any more, nor the version deleted.
    change = reverse("admin:clubs_charter_change", args=[draft.pk])
    staff_client.post(change, {"version": 2, "title": "Autre", "text": "Texte modifié."})
    draft.refresh_from_db()
    assert draft.text == "Nouvelle rédaction."
    assert staff_client.get(reverse("admin:clubs_charter_delete", args=[draft.pk])).status_code == 403
