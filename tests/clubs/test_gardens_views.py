"""Jardiniers de la nature pages: permission matrix, forms, the network page and its queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clubs.gardens.services import charter_publish, garden_withdraw
from clubs.models import Charter, Garden, GardenChecklistVersion, GardenPractice
from tests.clubs.test_gardens import make_garden, practice
from tests.factories import UserFactory, commune

pytestmark = pytest.mark.django_db

NETWORK = reverse("clubs:gardens")
CHARTER = reverse("clubs:charter")
MINE = reverse("clubs:my_gardens")
NEW = reverse("clubs:garden_new")


def _garden_urls(garden):
    return [
        reverse("clubs:garden_edit", args=[garden.pk]),
        reverse("clubs:garden_history", args=[garden.pk]),
        reverse("clubs:garden_withdraw", args=[garden.pk]),
    ]


# --- Permission matrix ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [NETWORK, CHARTER])
def test_public_pages_open_to_everyone(client, url):
    make_garden()
    assert client.get(url).status_code == 200
    for user in (UserFactory(), UserFactory(staff=True)):
        client.force_login(user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [MINE, NEW])
def test_personal_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    for user in (UserFactory(), UserFactory(staff=True)):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_garden_pages_matrix_anonymous_other_owner_staff(client):
    garden = make_garden()
    cases = [(None, 302), (UserFactory(), 404), (UserFactory(staff=True), 404), (garden.owner, 200)]
    for url in _garden_urls(garden):
        for user, expected in cases:
            client.logout()
            if user:
                client.force_login(user)
            response = client.get(url)
            assert response.status_code == expected, (url, user)
            if expected == 302:
                assert response.url.startswith(reverse("account_login"))


def test_someone_elses_garden_cannot_be_changed_by_post(client):
    garden = make_garden(practices=["compostage"])
    client.force_login(UserFactory())
    edit, _, withdraw = _garden_urls(garden)
    assert client.post(edit, {"garden_type": "partage", "commune": commune("elbeuf").pk}).status_code == 404
    assert client.post(withdraw, {"confirm": "on"}).status_code == 404
    garden.refresh_from_db()
    assert garden.commune.slug == "rouen" and garden.is_active


def test_withdrawn_garden_keeps_its_history_but_not_its_edit_pages(client):
    garden = make_garden()
    garden_withdraw(garden=garden, by=garden.owner)
    client.force_login(garden.owner)
    edit, history, withdraw = _garden_urls(garden)
    assert client.get(edit).status_code == 404
    assert client.get(withdraw).status_code == 404
    body = client.get(history).content.decode()
    assert "Retiré du réseau le" in body
    assert "Mettre à jour mon jardin" not in body


def test_history_is_get_only(client):
    garden = make_garden()
    client.force_login(garden.owner)
    assert client.post(reverse("clubs:garden_history", args=[garden.pk])).status_code == 405


# --- Registering and updating -----------------------------------------------------------------


def _form_data(**overrides):
    data = {
        "garden_type": "partage",
        "commune": commune("darnetal").pk,
        "size": "200_1000",
        "name": "Jardin des Coquelicots",
        "practices": [practice("compostage").pk, practice("mare").pk],
        "accept_charter": "on",
        "charter_version": Charter.objects.current().version,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_register_a_garden_through_the_form(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(NEW).content.decode()
    assert "J&#x27;ai lu et j&#x27;accepte la charte" in page
    assert Charter.objects.current().text[:60] in page.replace("&#x27;", "'")
    response = client.post(NEW, _form_data(), follow=True)
    assert response.redirect_chain[-1][0] == MINE
    body = response.content.decode()
    assert "Votre jardin est inscrit au réseau" in body
    assert "Jardin des Coquelicots" in body and "Darnétal" in body
    garden = Garden.objects.get(owner=user)
    assert {p.slug for p in garden.practices.all()} == {"compostage", "mare"}
    assert garden.signatures.get().charter.version == 1


def test_form_errors_are_french_and_keep_what_was_typed(client):
    client.force_login(UserFactory())
    response = client.post(
        NEW,
        _form_data(commune="", garden_type=None, accept_charter=None, name="Potager du square"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choisissez la commune où se trouve le jardin." in body
    assert "Choisissez le type de jardin." in body
    assert "Cochez la case pour accepter la charte des jardiniers de la nature." in body
    assert "Le formulaire contient des erreurs" in body
    # Nothing typed is lost: the name, the size and the ticked practices are still there.
    assert 'value="Potager du square"' in body
    assert re.search(r'<input[^>]*value="200_1000"[^>]*checked', body)
    for slug in ("compostage", "mare"):
        assert re.search(rf'<input[^>]*value="{practice(slug).pk}"[^>]*checked', body)
    assert not Garden.objects.exists()


def test_unknown_commune_and_too_long_name_are_refused_in_french(client):
    client.force_login(UserFactory())
    body = client.post(NEW, _form_data(commune=999999, name="x" * 130)).content.decode()
    assert "Choisissez une des 71 communes de la Métropole." in body
    assert "120 caractères au plus (vous en avez saisi 130)." in body
    assert not Garden.objects.exists()


def test_charter_changed_while_filling_the_form_must_be_read_again(client):
    client.force_login(UserFactory())
    data = _form_data()
    draft = Charter.objects.create(
        version=2, title="Charte des jardiniers de la nature", text="Nouveau texte v2."
    )
    charter_publish(charter=draft, by=UserFactory(staff=True))
    body = client.post(NEW, data).content.decode()
    assert "La charte a été mise à jour pendant que vous remplissiez le formulaire" in body
    assert "Nouveau texte v2." in body
    assert 'name="charter_version" value="2"' in body
    assert not re.search(r'<input[^>]*name="accept_charter"[^>]*checked', body)
    assert not Garden.objects.exists()
    data["charter_version"] = 2
    client.post(NEW, data)
    assert Garden.objects.get().signatures.get().charter.version == 2


def test_update_the_checklist_and_see_the_history(client):
    garden = make_garden(practices=["compostage"], name="Mon potager")
    client.force_login(garden.owner)
    edit, history, _ = _garden_urls(garden)
    page = client.get(edit).content.decode()
    assert 'value="Mon potager"' in page
    assert "accept_charter" not in page  # already signed the current version
    response = client.post(
        edit,
        _form_data(
            commune=garden.commune.pk,
            name="Mon potager",
            practices=[practice("compostage").pk, practice("haies").pk],
            accept_charter=None,
            charter_version=None,
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == history
    body = response.content.decode()
    assert "Le changement est gardé dans son historique" in body
    assert "Ajoutée : Haie champêtre." in body
    assert "inscription au réseau" in body
    assert garden.checklist_versions.count() == 2


def test_new_charter_version_is_asked_on_edit(client):
    garden = make_garden()
    charter_publish(
        charter=Charter.objects.create(version=2, title="Charte", text="Version deux."),
        by=UserFactory(staff=True),
    )
    client.force_login(garden.owner)
    assert "La charte a changé (version 2)" in client.get(MINE).content.decode()
    edit = reverse("clubs:garden_edit", args=[garden.pk])
    page = client.get(edit).content.decode()
    assert "La nouvelle version de la charte" in page and "Version deux." in page
    data = _form_data(commune=garden.commune.pk, accept_charter=None, charter_version=2)
    assert "Cochez la case pour accepter" in client.post(edit, data).content.decode()
    data["accept_charter"] = "on"
    assert client.post(edit, data).status_code == 302
    assert garden.signatures.filter(charter__version=2).exists()


def test_withdraw_through_the_confirmation_page(client):
    garden = make_garden()
    client.force_login(garden.owner)
    withdraw = reverse("clubs:garden_withdraw", args=[garden.pk])
    assert "Cochez la case pour confirmer le retrait." in client.post(withdraw, {}).content.decode()
    response = client.post(withdraw, {"confirm": "on"}, follow=True)
    assert "Votre jardin est retiré du réseau" in response.content.decode()
    garden.refresh_from_db()
    assert not garden.is_active


def test_my_gardens_lists_only_mine(client):
    mine = make_garden(name="Le mien")
    make_garden(name="Celui d'un voisin")
    client.force_login(mine.owner)
    body = client.get(MINE).content.decode()
    assert "Le mien" in body and "voisin" not in body
    client.force_login(UserFactory())
    body = client.get(MINE).content.decode()
    assert "pas encore inscrit de jardin" in body


# --- The network page -------------------------------------------------------------------------


def test_network_page_shows_figures_map_table_practices_and_charter(client):
    make_garden(commune_slug="rouen", practices=["compostage", "haies"], name="Jardin secret de Rouen")
    make_garden(commune_slug="rouen", practices=["compostage"])
    make_garden(commune_slug="elbeuf", practices=["mare"])
    withdrawn = make_garden(commune_slug="canteleu", practices=["compostage"])
    garden_withdraw(garden=withdrawn, by=withdrawn.owner)
    body = client.get(NETWORK).content.decode()
    figures = re.findall(r"<li><strong>(\d+)</strong> ([^<]+)</li>", body)
    assert ("3", "jardins inscrits") in figures
    assert ("2", "communes sur 71") in figures
    assert ("3", "signatures de la charte") in figures
    # Map: one path per commune, Rouen in the "1 à 2" class, Canteleu's withdrawn garden not counted.
    assert body.count('class="map-commune ') == 71
    assert re.search(r'class="map-commune map-class-1" data-commune="rouen"', body)
    assert re.search(r'class="map-commune map-class-0" data-commune="canteleu"', body)
    assert "<title>Rouen : 2 jardins</title>" in body
    # The accessible table gives the same figures, by name, communes with gardens only.
    table = body.split('id="tableau-jardins"')[1].split("</table>")[0]
    assert re.findall(r'<th scope="row">([^<]+)</th><td class="number">(\d+)</td>', table) == [
        ("Elbeuf", "1"),
        ("Rouen", "2"),
    ]
    # Practices adoption now.
    adoption = body.split('class="adoption-table"')[1].split("</table>")[0]
    compost = adoption.split("Compostage")[1].split("</tr>")[0]
    assert '<td class="number">2</td>' in compost and "67 %" in compost
    # No garden name on the public page, the charter is there, and the call to action.
    assert "Jardin secret de Rouen" not in body
    assert Charter.objects.current().title in body
    assert f'href="{NEW}"' in body and "Inscrire mon jardin" in body


def test_network_page_call_to_action_for_a_gardener(client):
    garden = make_garden()
    client.force_login(garden.owner)
    body = client.get(NETWORK).content.decode()
    assert f'href="{MINE}"' in body and "Inscrire un autre jardin" in body


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_gardens(n):
    slugs = ["rouen", "elbeuf", "darnetal", "canteleu", "maromme", "bonsecours"]
    for i in range(n):
        make_garden(
            commune_slug=slugs[i % len(slugs)], practices=["compostage", "haies", "mare"][: 1 + i % 3]
        )


@pytest.mark.parametrize("logged_in", [False, True])
def test_network_page_queries_do_not_grow_with_gardens(client, logged_in, no_page_cache):
    if logged_in:
        client.force_login(make_garden().owner)
    _add_gardens(2)
    client.get(NETWORK)  # the map geometry is computed once per process
    few = _count(client, NETWORK)
    _add_gardens(12)
    many = _count(client, NETWORK)
    assert many == few
    assert 0 < few <= 10


def test_my_gardens_and_history_queries_do_not_grow(client):
    garden = make_garden(practices=["compostage"])
    client.force_login(garden.owner)
    history = reverse("clubs:garden_history", args=[garden.pk])
    few_mine, few_history = _count(client, MINE), _count(client, history)
    for i in range(6):
        make_garden(owner=garden.owner, practices=["mare", "haies"][: 1 + i % 2])
        GardenChecklistVersion.objects.create(garden=garden).practices.set(
            GardenPractice.objects.active()[: 1 + i]
        )
    assert _count(client, MINE) == few_mine
    assert _count(client, history) == few_history


def test_network_map_has_an_html_legend(client):
    make_garden()
    body = client.get(NETWORK).content.decode()
    figure = body.split('<figure class="map-figure">')[1].split("</figure>")[0]
    assert "Nombre de jardins par commune" in figure
    assert re.findall(r'map-swatch (map-class-\d)"', figure) == [f"map-class-{i}" for i in range(5)]
    assert [label.strip() for label in re.findall(r"</svg>([^<]+)</li>", figure)] == [
        "0",
        "1 à 2",
        "3 à 5",
        "6 à 10",
        "11 et plus",
    ]


def test_pages_are_valid_html(client):
    from tests.pacte.test_html_validity import html_problems

    garden = make_garden(practices=["compostage"], name="Potager")
    make_garden(commune_slug="elbeuf", practices=["mare", "haies"])
    charter_publish(
        charter=Charter.objects.create(version=2, title="Charte", text="Premier.\n\nSecond."),
        by=UserFactory(staff=True),
    )
    pages = [NETWORK, CHARTER]
    for url in pages:
        assert html_problems(client.get(url).content.decode()) == [], url
    client.force_login(garden.owner)
    for url in [NETWORK, MINE, NEW, *_garden_urls(garden)]:
        assert html_problems(client.get(url).content.decode()) == [], url
    with_errors = client.post(NEW, {"name": "x"}).content.decode()
    assert "Cochez la case" in with_errors
    assert html_problems(with_errors) == []


def test_charter_page_shows_the_current_version_and_keeps_the_previous_ones(client):
    first = Charter.objects.current()
    charter_publish(
        charter=Charter.objects.create(version=2, title="Charte révisée", text="Nouvel engagement."),
        by=UserFactory(staff=True),
    )
    body = client.get(CHARTER).content.decode()
    assert "<h1>Charte révisée</h1>" in body and "Nouvel engagement." in body
    assert "Version 1, publiée le" in body
    assert first.text.split("\n")[0][:50].replace("'", "&#x27;") in body
    # A draft is never shown.
    Charter.objects.create(version=3, title="Brouillon", text="Pas encore.")
    assert "Pas encore." not in client.get(CHARTER).content.decode()


def test_methods_other_than_get_and_post_are_refused(client):
    garden = make_garden()
    client.force_login(garden.owner)
    assert client.post(MINE).status_code == 405
    assert client.post(NETWORK).status_code == 405
    for url in [NEW, *_garden_urls(garden)[::2]]:
        assert client.delete(url).status_code == 405


def test_network_page_is_cached_for_anonymous_visitors_until_a_garden_changes(client):
    from pacte.cache import CACHE_HEADER

    make_garden(commune_slug="rouen")
    first = client.get(NETWORK)
    assert first[CACHE_HEADER] == "miss" and "public" in first["Cache-Control"]
    assert client.get(NETWORK)[CACHE_HEADER] == "hit"
    garden = make_garden(commune_slug="elbeuf")
    fresh = client.get(NETWORK)
    assert fresh[CACHE_HEADER] == "miss" and "<title>Elbeuf : 1 jardin</title>" in fresh.content.decode()
    garden_withdraw(garden=garden, by=garden.owner)
    assert "<title>Elbeuf : 0 jardin</title>" in client.get(NETWORK).content.decode()
    # Signed-in people are never served, nor stored, a shared page.
    client.force_login(UserFactory())
    response = client.get(NETWORK)
    assert CACHE_HEADER not in response and "private" in response["Cache-Control"]


def test_network_counts_are_french_from_zero(client, no_page_cache):
    # French keeps the singular for 0 and 1: "0 jardin inscrit", never "0 jardins inscrits".
    markup = client.get(NETWORK).content.decode()
    assert re.search(r"<strong>0</strong> jardin inscrit</li>", markup)
    assert re.search(r"<strong>0</strong> signature de la charte</li>", markup)
    make_garden()
    make_garden()
    markup = client.get(NETWORK).content.decode()
    assert re.search(r"<strong>2</strong> jardins inscrits</li>", markup)
