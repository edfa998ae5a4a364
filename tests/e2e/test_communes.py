"""The network of communes in the browser (issue 6, point 8), through the real pages and buttons.

A commune's référent posts an action with a photo, staff publish it in the admin, another
commune's référent says « nous aussi » and the two communes exchange; the map and its table show
the new count. The permission matrix of every view is in tests/communes/test_views.py; here each
role meets the pages it is refused. axe-core finds no serious or critical violation on the pages.
"""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from communes.enums import ModerationStatus
from communes.models import CommuneAction, Replication
from communes.services import replication_create
from pacte.enums import Action
from tests.communes.factories import ActionFactory, CommitmentFactory, referent
from tests.e2e.axe import assert_accessible
from tests.factories import EventFactory, UserFactory, commune


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg(path):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 110, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _darnetal_row(page):
    return page.get_by_role("table", name=re.compile("Actions publiées par commune")).get_by_role(
        "row", name=re.compile(r"^Darnétal")
    )


def test_post_publish_nous_aussi_and_exchange(page, context, log_in, e2e_db, tmp_path):
    darnetal = referent("darnetal", UserFactory(first_name="Sophie", last_name="Marchand"))
    oissel = referent("oissel-sur-seine", UserFactory(first_name="Nadia", last_name="Lemaire"))
    staff = UserFactory(staff=True, is_superuser=True)

    page.goto("/communes/")
    expect(_darnetal_row(page).get_by_role("cell")).to_have_text("0")

    # The commune's référent posts an action with a photo: it waits for review.
    log_in(darnetal)
    page.goto("/communes/darnetal/")
    page.get_by_role("link", name="Publier une action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publier une action de Darnétal")
    page.get_by_label("Titre").fill("Extinction de l'éclairage public la nuit")
    page.get_by_label("Thème").select_option(label="Énergie et habitat")
    page.get_by_label("Statut").select_option(label="Réalisée")
    page.get_by_label("Description").fill("De 23 h à 5 h dans les quartiers résidentiels.")
    page.get_by_label("Budget (euros)").fill("18000")
    page.get_by_label("Ajouter des photos").set_input_files(_jpeg(tmp_path / "rue.jpg"))
    page.get_by_role("button", name="Soumettre l'action à la relecture").click()
    expect(page.get_by_role("status")).to_contain_text("l'équipe du PACTE la relit avant de la publier")
    expect(page.get_by_text("En attente de relecture")).to_be_visible()
    action = CommuneAction.objects.get()
    assert action.status == ModerationStatus.PENDING and action.photos.count() == 1

    # Staff publish it in the admin.
    context.clear_cookies()
    log_in(staff)
    page.goto(reverse("admin:communes_communeaction_change", args=[action.pk]))
    page.get_by_label("Publication").select_option(label="Publiée")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    # The admin's next page loads its scripts (jsi18n, staff only): wait for them before the
    # cookies change hands, or they are asked for as the next, non-staff person (a 403).
    page.wait_for_load_state("load")
    action.refresh_from_db()
    assert action.status == ModerationStatus.PUBLISHED

    # Another commune's référent says « nous aussi » and writes to Darnétal.
    context.clear_cookies()
    log_in(oissel)
    page.goto("/communes/actions/")
    page.get_by_role("link", name="Extinction de l'éclairage public la nuit").click()
    expect(page.get_by_role("img", name=re.compile("Photo 1 de l'action"))).to_be_visible()
    page.get_by_role("link", name="Nous aussi : ma commune reprend cette action").click()
    page.get_by_label("Votre premier message à la commune").fill(
        "Comment avez-vous préparé les réunions publiques ?"
    )
    page.get_by_role("button", name="Dire « nous aussi » et envoyer le message").click()
    expect(page.get_by_role("status")).to_contain_text("Oissel-sur-Seine reprend cette action")
    expect(page.get_by_text("Comment avez-vous préparé les réunions publiques ?")).to_be_visible()
    replication = Replication.objects.get()

    # Darnétal answers from its space.
    context.clear_cookies()
    log_in(darnetal)
    page.goto("/communes/darnetal/espace/")
    page.get_by_role("region", name="Vos actions reprises par d'autres communes").get_by_role(
        "link", name="la conversation"
    ).click()
    page.get_by_label("Votre réponse").fill("Une réunion par quartier, avec la police municipale.")
    page.get_by_role("button", name="Répondre").click()
    expect(page.get_by_text("Une réunion par quartier, avec la police municipale.")).to_be_visible()
    assert replication.topic.replies.get().author == darnetal

    # Both action pages are linked; the map and its table show the new count.
    context.clear_cookies()
    page.goto(action.get_absolute_url())
    expect(page.get_by_role("region", name="Nous aussi !")).to_contain_text("Reprise par 1 commune")
    page.goto("/communes/")
    expect(_darnetal_row(page).get_by_role("cell")).to_have_text("1")
    expect(page.locator('svg#carte-actions a[href="/communes/darnetal/"] path.map-class-1')).to_have_count(1)
    _darnetal_row(page).get_by_role("link", name="Darnétal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Darnétal")
    expect(page.get_by_role("region", name="Actions publiées", exact=True)).to_contain_text(
        "Extinction de l'éclairage public la nuit"
    )


@pytest.mark.parametrize(
    "role,status",
    [("anonymous", 200), ("citizen", 403), ("other_referent", 200), ("referent", 200), ("staff", 403)],
)
def test_who_meets_which_page(page, log_in, e2e_db, role, status):
    """The posting form as each role meets it: the login for anonymous visitors, a French 403 for a
    citizen or staff (staff review in the admin), the form for the communes' référents; a draft of
    another commune is a 404."""
    draft = ActionFactory(pending=True, title="Brouillon de Darnétal")
    people = {
        "anonymous": None,
        "citizen": UserFactory(),
        "other_referent": referent("oissel-sur-seine"),
        "referent": referent("darnetal"),
        "staff": UserFactory(staff=True),
    }
    if people[role]:
        log_in(people[role])
    # Through the browser context's requests (its cookies), so a refusal is not a console error.
    response = page.request.get("/communes/actions/nouvelle/", max_redirects=0)
    assert response.status == (302 if role == "anonymous" else status)
    if role == "anonymous":
        assert response.headers["location"].startswith("/comptes/login/")
    elif status == 403:
        assert "Réservé aux référents des communes" in response.text()
    else:
        page.goto("/communes/actions/nouvelle/")
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Publier une action de "))
    draft_status = page.request.get(draft.get_absolute_url()).status
    assert draft_status == (200 if role in ("referent", "staff") else 404)


@pytest.fixture
def communes_world(e2e_db):
    contact = referent("darnetal", UserFactory(first_name="Sophie", last_name="Marchand"))
    other = referent("oissel-sur-seine", UserFactory(first_name="Nadia", last_name="Lemaire"))
    action = ActionFactory(title="Cour d'école oasis", author=contact, is_experiment=True, budget=145000)
    CommitmentFactory(title="Végétaliser deux cours d'école", progress=50)
    EventFactory(commune=commune("darnetal"), action=Action.COMMUNES, title="Rencontre du réseau")
    replication = replication_create(
        source=action, commune=commune("oissel-sur-seine"), message="Nous aussi !", by=other
    )
    return {"contact": contact, "other": other, "action": action, "replication": replication}


PAGES = {
    # name: (who, path, h1)
    "map": (None, lambda w: "/communes/", "Le réseau des communes du PACTE"),
    "actions": (None, lambda w: "/communes/actions/", "Actions des communes"),
    "commune": (None, lambda w: "/communes/darnetal/", "Darnétal"),
    "action": ("other", lambda w: w["action"].get_absolute_url(), "Cour d'école oasis"),
    "network": ("contact", lambda w: "/communes/reseau/", "Échanges et rencontres du réseau"),
    "topic": ("contact", lambda w: w["replication"].topic.get_absolute_url(), None),
    "space": ("contact", lambda w: "/communes/darnetal/espace/", "Espace de la commune : Darnétal"),
    "form": ("contact", lambda w: "/communes/actions/nouvelle/", "Publier une action de Darnétal"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_communes_page_has_no_serious_or_critical_violation(page, log_in, communes_world, name):
    who, path, heading = PAGES[name]
    if who:
        log_in(communes_world[who])
    response = page.goto(path(communes_world))
    assert response.status == 200
    if heading:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
