"""Admin of the jardiniers de la nature network: lists, filters, and writes through the services."""

import pytest
from django.urls import reverse

from clubs.gardens.services import charter_draft_delete, charter_draft_save, garden_withdraw
from clubs.models import Charter, CharterSignature, Garden, GardenPractice
from pacte.models import AuditEntry
from pacte.services.errors import RefusedError
from tests.admin_forms import anonymous_page, form_data, warm
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


# --- Every save, deletion and action goes through the services --------------------------------
# Each test checks the audit entry, the record and the next anonymous page (cached before).


def _entry(verb, target):
    return AuditEntry.objects.filter(verb=verb).for_object(target).get()


def _changelist_rows(response, **changes_by_slug) -> dict:
    """POST data of the checklist's editable list as rendered, with some rows changed."""
    formset = response.context["cl"].formset
    data = {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
    for row in formset.forms:
        values = {
            "id": row.instance.pk,
            "position": row.instance.position,
            "is_active": row.instance.is_active,
        }
        values.update(changes_by_slug.get(row.instance.slug, {}))
        for name, value in values.items():
            if name == "is_active":
                if value:
                    data[row.add_prefix(name)] = "on"
            else:
                data[row.add_prefix(name)] = value
    data["_save"] = "Enregistrer"
    return data


def test_practice_retired_from_the_list_goes_through_the_service(staff_client):
    network = reverse("clubs:gardens")
    assert "Mare ou point d" in warm(network)
    url = reverse("admin:clubs_gardenpractice_changelist")
    response = staff_client.post(url, _changelist_rows(staff_client.get(url), mare={"is_active": False}))
    assert response.status_code == 302
    item = practice("mare")
    assert item.is_active is False
    audit = _entry("garden_practice.update", item)
    assert (audit.actor.is_staff, audit.from_state, audit.to_state) == (True, "active", "retired")
    assert audit.data == {"fields": ["is_active"]}
    # Only the changed row is journaled.
    assert AuditEntry.objects.filter(verb="garden_practice.update").count() == 1
    page, cache_state = anonymous_page(network)
    assert cache_state == "miss"
    assert "Mare ou point d" not in page.content.decode()


def test_practice_added_and_changed_in_the_form_go_through_the_services(staff_client):
    network = reverse("clubs:gardens")
    warm(network)
    response = staff_client.post(
        reverse("admin:clubs_gardenpractice_add"),
        {"name": "Toiture végétalisée", "slug": "toiture-vegetalisee", "position": 200, "is_active": "on"},
    )
    assert response.status_code == 302
    item = GardenPractice.objects.get(slug="toiture-vegetalisee")
    assert _entry("garden_practice.create", item).to_state == "active"
    page, cache_state = anonymous_page(network)
    assert cache_state == "miss" and "Toiture végétalisée" in page.content.decode()

    warm(network)
    change = reverse("admin:clubs_gardenpractice_change", args=[item.pk])
    staff_client.post(change, form_data(staff_client.get(change), description="Sedums sur le garage."))
    item.refresh_from_db()
    assert item.description == "Sedums sur le garage."
    assert _entry("garden_practice.update", item).data == {"fields": ["description"]}
    assert "Sedums sur le garage." in anonymous_page(network)[0].content.decode()


def test_charter_draft_saved_and_deleted_through_the_services(staff_client):
    charter_page = reverse("clubs:charter")
    warm(charter_page)
    staff_client.post(
        reverse("admin:clubs_charter_add"),
        {"version": 2, "title": "Charte des jardiniers de la nature", "text": "Première rédaction."},
    )
    draft = Charter.objects.get(version=2)
    assert _entry("charter.draft.create", draft).to_state == "v2"
    assert anonymous_page(charter_page)[1] == "miss"

    change = reverse("admin:clubs_charter_change", args=[draft.pk])
    staff_client.post(change, form_data(staff_client.get(change), text="Nouvelle rédaction."))
    draft.refresh_from_db()
    assert draft.text == "Nouvelle rédaction."
    assert _entry("charter.draft.update", draft).data == {"fields": ["text"]}

    warm(charter_page)
    response = staff_client.post(reverse("admin:clubs_charter_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Charter.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(verb="charter.draft.delete", object_id=str(draft.pk)).count() == 1
    assert anonymous_page(charter_page)[1] == "miss"


def test_published_charter_refused_by_the_services(staff_client):
    published = Charter.objects.current()
    with pytest.raises(RefusedError):
        charter_draft_save(charter=published, version=published.version, title="x", text="y", by=None)
    with pytest.raises(RefusedError):
        charter_draft_delete(charter=published, by=None)
    assert Charter.objects.current() == published
    # Deleting from the list goes through the service too.
    draft = charter_draft_save(version=9, title="Brouillon", text="Texte.", by=None)
    staff_client.post(
        reverse("admin:clubs_charter_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
    )
    assert not Charter.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(verb="charter.draft.delete", object_id=str(draft.pk)).exists()


def test_garden_save_refused_says_why_and_not_saved(staff_client):
    garden = make_garden(practices=["compostage"])
    url = reverse("admin:clubs_garden_change", args=[garden.pk])
    data = form_data(staff_client.get(url), commune=commune("darnetal").pk)
    garden_withdraw(garden=garden, by=None)  # in between: the form was opened before
    response = staff_client.post(url, data, follow=True)
    body = response.content.decode()
    assert "retiré du réseau : il ne peut plus être modifié" in body
    assert "avec succès" not in body
    garden.refresh_from_db()
    assert garden.commune.slug == "rouen"
    assert not AuditEntry.objects.filter(verb="garden.update").for_object(garden).exists()


def test_garden_save_and_withdraw_are_journaled_and_renew_the_network_page(staff_client):
    garden = make_garden(practices=["compostage"])
    network = reverse("clubs:gardens")
    warm(network)
    url = reverse("admin:clubs_garden_change", args=[garden.pk])
    staff_client.post(
        url, form_data(staff_client.get(url), practices=[practice("compostage").pk, practice("mare").pk])
    )
    audit = _entry("garden.update", garden)
    assert audit.data == {"added": [practice("mare").pk], "removed": []}
    assert anonymous_page(network)[1] == "miss"

    warm(network)
    staff_client.post(
        reverse("admin:clubs_garden_changelist"), {"action": "withdraw", "_selected_action": [garden.pk]}
    )
    assert _entry("garden.withdraw", garden).to_state == "withdrawn"
    assert anonymous_page(network)[1] == "miss"
    # Gardens leave by withdrawal only: no deletion in the admin.
    assert staff_client.get(reverse("admin:clubs_garden_delete", args=[garden.pk])).status_code == 403
