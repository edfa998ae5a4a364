"""The showcase of the relais network in the browser (issue 12): a labelled association's
referent posts an action with a photo from the network's space, DACTE staff publish it in the
admin, and it appears in the public showcase. axe-core finds no serious or critical violation on
the pages met on the way. The permission matrix is in tests/associations/reseau/test_views.py."""

import io

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from associations.reseau.models import ShowcaseAction, ShowcaseStatus
from tests.associations.factories import labelled_association, referent
from tests.e2e.axe import assert_accessible
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg(path):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 110, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_post_publish_and_show(page, context, log_in, e2e_db, tmp_path):
    association = labelled_association(name="Les Jardins du Mont", slug="jardins-du-mont")
    lead = referent(association)
    staff = UserFactory(staff=True, is_superuser=True)

    # Outside the network, the space presents the network and how to join; no topics.
    page.goto("/associations/reseau/")
    expect(page.get_by_role("heading", name="Rejoindre le réseau")).to_be_visible()
    assert_accessible(page)

    # The referent posts an action with a photo: it waits for review.
    log_in(lead)
    page.goto("/associations/reseau/")
    expect(page.get_by_role("heading", name="Échanges récents")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Partager une action").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partager une action dans la vitrine")
    page.get_by_label("Titre").fill("Fête des récoltes au jardin")
    page.get_by_label("Récit de l'action").fill("Cent habitants ont goûté les légumes des jardins partagés.")
    # The commune list becomes a field to type into once the page's script has run.
    expect(page.get_by_label("Commune")).to_have_attribute("list", "id_commune_liste")
    page.get_by_label("Commune").fill("Le Petit-Quevilly")
    page.get_by_label("Commune").press("Tab")
    page.get_by_label("Public touché").select_option(label="Familles")
    page.get_by_label("Nombre de personnes touchées").fill("100")
    page.get_by_label("Photos").set_input_files(_jpeg(tmp_path / "recolte.jpg"))
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer à la relecture").click()
    expect(page.get_by_role("status")).to_contain_text("qui la relit avant de la publier")
    expect(page.get_by_text("En attente de relecture").first).to_be_visible()
    assert_accessible(page)
    action = ShowcaseAction.objects.get()
    assert action.status == ShowcaseStatus.PENDING and action.photos.count() == 1
    assert action.commune.slug == "le-petit-quevilly"

    # Not public yet.
    context.clear_cookies()
    page.goto("/associations/reseau/vitrine/")
    expect(page.get_by_text("Aucune action ne correspond")).to_be_visible()

    # Staff publish it in the admin.
    log_in(staff)
    page.goto(reverse("admin:associations_showcaseaction_change", args=[action.pk]))
    page.get_by_label("Décision").select_option(label="Publiée")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    # The admin's next page loads its scripts (jsi18n, staff only): wait for them before the
    # cookies change hands, or they are asked for as the next, non-staff person (a 403).
    page.wait_for_load_state("load")
    action.refresh_from_db()
    assert action.status == ShowcaseStatus.PUBLISHED

    # Everyone sees it in the public showcase, with its photo.
    context.clear_cookies()
    page.goto("/associations/reseau/vitrine/")
    page.get_by_role("link", name="Fête des récoltes au jardin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fête des récoltes au jardin")
    expect(
        page.get_by_role("img", name="Photo 1 de l'action « Fête des récoltes au jardin » (agrandir)")
    ).to_be_visible()
    assert_accessible(page)
