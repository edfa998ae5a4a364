"""Permission matrix of every communes view: anonymous, citizen, another commune's référent, the
commune's référent, staff (the roles of the issue). Another commune's object is a 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communes.enums import ModerationStatus
from communes.models import CommuneAction, Replication
from communes.services import network_topic_create, replication_create
from pacte.enums import Action
from pacte.models import Event, ExchangeNetwork, Topic
from pacte.services.errors import RefusedError
from tests.communes.conftest import matrix
from tests.communes.factories import (
    ActionFactory,
    CommitmentFactory,
    image_upload,
    pdf_upload,
    theme,
)
from tests.factories import EventFactory, commune
from tests.pacte.test_html_validity import html_problems

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/login/"


def _form(**extra):
    data = {
        "title": "Cour d'école oasis",
        "theme": theme("biodiversite").pk,
        "stage": "en_cours",
        "description": "Désimperméabiliser la cour avec les enfants.",
        "budget": "145000",
        "public_reached": "230 élèves",
    }
    data.update(extra)
    return data


# --- Public pages ------------------------------------------------------------------------------


@matrix(anonymous=200, citizen=200, other_referent=200, referent=200, staff=200)
@pytest.mark.parametrize("path", ["/communes/", "/communes/actions/", "/communes/reseau/"])
def test_public_lists(client, world, role, status, path):
    ActionFactory(title="Extinction nocturne")
    world.login(client, role)
    response = client.get(path)
    assert response.status_code == status
    if path != "/communes/reseau/":
        assert "Darnétal" in response.content.decode()


def test_map_counts_published_actions_links_every_commune_and_filters(client, world):
    ActionFactory(theme=theme("mobilite"))
    ActionFactory(theme=theme("energie-habitat"), stage="realisee")
    ActionFactory(pending=True)
    body = client.get("/communes/").content.decode()
    assert '<a href="/communes/darnetal/">Darnétal</a></th><td class="number">2</td>' in body
    assert body.count('<a href="/communes/') >= 71 * 2  # the map's shapes and the table's names
    filtered = client.get("/communes/", {"theme": "mobilite"}).content.decode()
    assert '<a href="/communes/darnetal/">Darnétal</a></th><td class="number">1</td>' in filtered
    done = client.get("/communes/", {"stage": "realisee"}).content.decode()
    assert '<a href="/communes/darnetal/">Darnétal</a></th><td class="number">1</td>' in done
    # A bad filter value is a form error, never a 500.
    assert client.get("/communes/", {"stage": "nope", "theme": "x"}).status_code == 200


def test_action_list_filters_and_search(client, world):
    ActionFactory(title="Pédibus du plateau", commune=commune("canteleu"), theme=theme("mobilite"))
    ActionFactory(title="Cour oasis", is_experiment=True)
    ActionFactory(title="Brouillon caché", pending=True)
    body = client.get("/communes/actions/").content.decode()
    assert "Pédibus du plateau" in body and "Cour oasis" in body and "Brouillon caché" not in body
    assert "Cour oasis" not in client.get("/communes/actions/", {"commune": "canteleu"}).content.decode()
    assert "Pédibus" not in client.get("/communes/actions/", {"experiment": "on"}).content.decode()
    assert "Cour oasis" not in client.get("/communes/actions/", {"theme": "mobilite"}).content.decode()
    searched = client.get("/communes/actions/", {"q": "pédibus"}).content.decode()
    assert "Pédibus du plateau" in searched and "Cour oasis" not in searched


@pytest.mark.parametrize("slug", ["darnetal", "rouen", "bardouville", "oissel-sur-seine"])
def test_every_commune_has_a_page(client, world, slug):
    response = client.get(f"/communes/{slug}/")
    assert response.status_code == 200
    assert commune(slug).name in response.content.decode()


def test_all_71_commune_pages_answer(client, world):
    from pacte.models import Commune

    slugs = list(Commune.objects.values_list("slug", flat=True))
    assert len(slugs) == 71
    assert {client.get(f"/communes/{slug}/").status_code for slug in slugs} == {200}
    assert client.get("/communes/nowhere/").status_code == 404


@matrix(anonymous=200, citizen=200, other_referent=200, referent=200, staff=200)
def test_commune_page(client, world, role, status):
    commitment = CommitmentFactory(title="Rénover deux écoles", progress=60)
    ActionFactory(title="Extinction nocturne")
    ActionFactory(title="Brouillon", pending=True)
    EventFactory(commune=world.commune, title="Balade thermique", action=Action.COMMUNES)
    world.login(client, role)
    response = client.get("/communes/darnetal/")
    assert response.status_code == status
    body = response.content.decode()
    assert "Rénover deux écoles" in body and 'value="60"' in body and commitment.convention.title in body
    assert "Extinction nocturne" in body and "Brouillon" not in body
    assert "Balade thermique" in body
    assert world.people["referent"].display_name in body  # referents are listed
    assert "Comparer avec des communes semblables" in body
    assert ("Espace de la commune" in body) == (role == "referent")


def test_comparison_sets_similar_communes_side_by_side(client, world):
    ActionFactory(commune=commune("darnetal"), theme=theme("mobilite"))
    from communes.comparison import compare

    comparison = compare(commune("darnetal"))
    assert comparison.communes[0].slug == "darnetal"
    assert all(c.population >= 5000 for c in comparison.same_band)  # Darnétal: 5 000 – 9 999
    assert len(comparison.neighbours) == 3 and commune("darnetal") not in comparison.neighbours
    row = {theme.slug: counts for theme, counts in comparison.rows}
    assert row["mobilite"][0] == 1 and comparison.totals[0] == 1


@matrix(anonymous=200, citizen=200, other_referent=200, referent=200, staff=200)
def test_published_action_page(client, world, role, status):
    action = ActionFactory(title="Extinction nocturne", budget=18000)
    world.login(client, role)
    response = client.get(action.get_absolute_url())
    assert response.status_code == status
    body = response.content.decode()
    assert "Extinction nocturne" in body and "18" in body
    assert ("Nous aussi : ma commune reprend cette action" in body) == (role == "other_referent")
    assert ("Modifier l'action" in body) == (role == "referent")


@matrix(anonymous=404, citizen=404, other_referent=404, referent=200, staff=200)
@pytest.mark.parametrize("state", ["pending", "refused"])
def test_unpublished_action_only_for_its_commune_and_staff(client, world, role, status, state):
    action = ActionFactory(**{state: True})
    world.login(client, role)
    response = client.get(action.get_absolute_url())
    assert response.status_code == status
    if status == 200 and state == "refused":
        assert "Trop vague." in response.content.decode()


@matrix(anonymous=404, citizen=404, other_referent=404, referent=200, staff=200)
def test_documents_of_a_draft_stay_private(client, world, role, status):
    from communes.services import action_create

    author = world.people["referent"]
    action = action_create(
        commune=world.commune,
        author=author,
        by=author,
        title="Bilan",
        theme=theme(),
        description="D",
        stage="realisee",
        documents=[("Bilan", pdf_upload())],
    )
    document = action.documents.get()
    world.login(client, role)
    response = client.get(document.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- Référents' pages ----------------------------------------------------------------------------


@matrix(anonymous=302, citizen=403, other_referent=200, referent=200, staff=403)
def test_action_form_is_for_the_communes_people(client, world, role, status):
    world.login(client, role)
    response = client.get("/communes/actions/nouvelle/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(LOGIN)


def test_referent_posts_an_action_with_a_photo_that_waits_for_review(client, world):
    world.login(client, "referent")
    response = client.post(
        "/communes/actions/nouvelle/", _form(photos=[image_upload()], documents=[pdf_upload()])
    )
    action = CommuneAction.objects.get()
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()
    assert action.commune == world.commune and action.status == ModerationStatus.PENDING
    assert action.photos.count() == 1 and action.documents.count() == 1
    assert "Cour d&#x27;école oasis" not in client.get("/communes/actions/").content.decode()
    body = client.get(action.get_absolute_url()).content.decode()
    assert "En attente de relecture" in body


def test_bad_input_is_shown_next_to_the_field_and_nothing_typed_is_lost(client, world):
    world.login(client, "referent")
    response = client.post(
        "/communes/actions/nouvelle/",
        _form(budget="-5", ends_on="2026-01-01", starts_on="2026-05-01", documents=[image_upload("x.pdf")]),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cour d&#x27;école oasis" in body and "Désimperméabiliser" in body
    assert "supérieure ou égale à 0" in body and "La fin ne peut précéder le début." in body
    assert "pas un document accepté" in body
    response = client.post("/communes/actions/nouvelle/", _form(budget="99999999999"))
    assert response.status_code == 200 and not CommuneAction.objects.exists()


@matrix(anonymous=302, citizen=404, other_referent=404, referent=200, staff=404)
def test_edit_is_for_the_communes_people_only(client, world, role, status):
    action = ActionFactory()
    world.login(client, role)
    assert client.get(f"/communes/actions/{action.pk}/modifier/").status_code == status


def test_edit_sends_the_action_back_to_review(client, world):
    action = ActionFactory(title="Ancien titre")
    world.login(client, "referent")
    response = client.post(f"/communes/actions/{action.pk}/modifier/", _form(title="Nouveau titre"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Nouveau titre" and action.status == ModerationStatus.PENDING


@matrix(anonymous=302, citizen=403, other_referent=200, referent=403, staff=403)
def test_nous_aussi_form_is_for_another_communes_people(client, world, role, status):
    action = ActionFactory()
    world.login(client, role)
    assert client.get(f"/communes/actions/{action.pk}/nous-aussi/").status_code == status


def test_nous_aussi_of_a_draft_is_a_404(client, world):
    action = ActionFactory(pending=True)
    world.login(client, "other_referent")
    assert client.get(f"/communes/actions/{action.pk}/nous-aussi/").status_code == 404


def test_nous_aussi_links_both_pages_and_opens_the_conversation(client, world):
    source = ActionFactory(title="Extinction nocturne")
    world.login(client, "other_referent")
    response = client.post(
        f"/communes/actions/{source.pk}/nous-aussi/", {"message": "Comment avez-vous fait ?"}
    )
    replication = Replication.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/communes/reseau/echanges/{replication.topic_id}/"
    )
    topic_page = client.get(response["Location"]).content.decode()
    assert "Comment avez-vous fait ?" in topic_page and "Extinction nocturne" in topic_page
    # The source commune answers in the same conversation.
    world.login(client, "referent")
    client.post(f"/communes/reseau/echanges/{replication.topic_id}/repondre/", {"body": "Avec plaisir !"})
    assert replication.topic.replies.get().body == "Avec plaisir !"
    body = client.get(source.get_absolute_url()).content.decode()
    assert "Reprise par 1 commune" in body and "Oissel-sur-Seine" in body
    world.login(client, "other_referent")
    own = client.get(replication.action.get_absolute_url()).content.decode()
    assert "Inspirée par" in own and source.get_absolute_url() in own
    assert "Votre commune reprend cette action" in client.get(source.get_absolute_url()).content.decode()


@matrix(anonymous=302, citizen=404, other_referent=404, referent=200, staff=404)
def test_commune_space_is_for_its_people(client, world, role, status):
    ActionFactory(refused=True, title="Action refusée")
    world.login(client, role)
    response = client.get("/communes/darnetal/espace/")
    assert response.status_code == status
    if status == 200:
        assert "Action refusée" in response.content.decode() and "Trop vague." in response.content.decode()


@matrix(anonymous=302, citizen=404, other_referent=404, referent=302, staff=404)
def test_commitment_progress(client, world, role, status):
    commitment = CommitmentFactory(progress=10)
    world.login(client, role)
    prefix = f"engagement-{commitment.pk}"
    response = client.post(
        f"/communes/darnetal/espace/engagements/{commitment.pk}/",
        {f"{prefix}-progress": "70", f"{prefix}-progress_note": "Bien avancé"},
    )
    assert response.status_code == status
    commitment.refresh_from_db()
    assert commitment.progress == (70 if role == "referent" else 10)


def _post_progress(client, commitment, progress, note):
    prefix = f"engagement-{commitment.pk}"
    return client.post(
        f"/communes/darnetal/espace/engagements/{commitment.pk}/",
        {f"{prefix}-progress": progress, f"{prefix}-progress_note": note},
    )


def test_commitment_progress_out_of_bounds_comes_back_as_typed_next_to_the_reason(client, world):
    commitment = CommitmentFactory(progress=10)
    world.login(client, "referent")
    response = _post_progress(client, commitment, "140", "Note tapée avec soin")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Erreur : " in body
    assert 'value="140"' in body and "Note tapée avec soin" in body
    assert "inférieure ou égale à 100" in body
    assert not html_problems(body)
    commitment.refresh_from_db()
    assert commitment.progress == 10


def test_a_refused_commitment_progress_keeps_the_typed_text_next_to_the_refusal(client, world, monkeypatch):
    from communes.views import referent

    commitment = CommitmentFactory(progress=10)
    world.login(client, "referent")

    def refuse(**kwargs):
        raise RefusedError("Seuls les référents de la commune peuvent mettre à jour cet engagement.")

    monkeypatch.setattr(referent, "commitment_update", refuse)
    response = _post_progress(client, commitment, "70", "Mon long texte tapé avec soin")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Seuls les référents de la commune" in body and "Mon long texte tapé avec soin" in body
    assert 'value="70"' in body
    commitment.refresh_from_db()
    assert commitment.progress == 10


def test_another_communes_commitment_is_a_404(client, world):
    other = CommitmentFactory(convention__commune=world.other_commune)
    world.login(client, "referent")
    assert client.post(f"/communes/darnetal/espace/engagements/{other.pk}/", {}).status_code == 404


# --- Network -------------------------------------------------------------------------------------


def _topic(world):
    author = world.people["other_referent"]
    return network_topic_create(title="Vélos électriques", body="Qui est partant ?", author=author, by=author)


@matrix(anonymous=302, citizen=403, other_referent=200, referent=200, staff=200)
def test_topic_page(client, world, role, status):
    topic = _topic(world)
    world.login(client, role)
    response = client.get(f"/communes/reseau/echanges/{topic.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "Qui est partant ?" in response.content.decode()


def test_network_page_shows_exchanges_to_the_network_only(client, world):
    _topic(world)
    assert "Vélos électriques" not in client.get("/communes/reseau/").content.decode()
    world.login(client, "citizen")
    assert "Vélos électriques" not in client.get("/communes/reseau/").content.decode()
    world.login(client, "referent")
    assert "Vélos électriques" in client.get("/communes/reseau/").content.decode()


@matrix(anonymous=302, citizen=403, other_referent=302, referent=302, staff=302)
def test_topic_create(client, world, role, status):
    world.login(client, role)
    response = client.post("/communes/reseau/echanges/nouveau/", {"title": "Sujet", "body": "Message"})
    assert response.status_code == status
    assert Topic.objects.filter(network=ExchangeNetwork.COMMUNES).exists() == (
        status == 302 and role != "anonymous"
    )


@matrix(anonymous=302, citizen=403, other_referent=302, referent=302, staff=302)
def test_topic_reply(client, world, role, status):
    topic = _topic(world)
    world.login(client, role)
    response = client.post(f"/communes/reseau/echanges/{topic.pk}/repondre/", {"body": "Oui"})
    assert response.status_code == status
    assert topic.replies.exists() == (role not in ("anonymous", "citizen"))


def test_a_clubs_topic_is_not_reachable_here(client, world):
    author = world.people["referent"]
    from pacte.services.exchanges import topic_create

    other = topic_create(network=ExchangeNetwork.CLUBS, title="Club", body="B", author=author, by=author)
    world.login(client, "referent")
    assert client.get(f"/communes/reseau/echanges/{other.pk}/").status_code == 404


@matrix(anonymous=302, citizen=403, other_referent=302, referent=302, staff=403)
def test_meeting_create(client, world, role, status):
    world.login(client, role)
    starts = timezone.localtime() + timedelta(days=12)
    response = client.post(
        "/communes/reseau/rencontres/nouvelle/",
        {
            "title": "Rencontre du réseau",
            "place": "Salle du conseil",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == status
    created = Event.objects.filter(action=Action.COMMUNES, title="Rencontre du réseau")
    assert created.exists() == (role in ("referent", "other_referent"))


def test_replication_of_ones_own_commune_is_refused_in_the_view(client, world):
    action = ActionFactory()
    replication_create(
        source=action, commune=world.other_commune, message="Nous aussi", by=world.people["other_referent"]
    )
    world.login(client, "other_referent")
    response = client.get(f"/communes/actions/{action.pk}/nous-aussi/")
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url()


def test_commune_page_renders_the_blocks_other_apps_declare(client, world, monkeypatch):
    from pacte import portal

    section = portal.PageSection(
        title="Associations Relais COP21",
        template="communes/includes/_travelled.html",
        context={"travelled": []},
    )
    monkeypatch.setattr(portal, "commune_sections", lambda request, commune: [section])
    body = client.get("/communes/darnetal/").content.decode()
    assert "<h2>Associations Relais COP21</h2>" in body and "la première sera ici" in body


def test_photos_of_one_form_share_a_pixel_budget(client, world, settings):
    settings.PACTE_IMAGE_FORM_PIXELS = 64 * 48 + 10  # room for one test photo only
    world.login(client, "referent")
    response = client.post(
        "/communes/actions/nouvelle/", _form(photos=[image_upload("a.jpg"), image_upload("b.jpg")])
    )
    assert response.status_code == 200 and not CommuneAction.objects.exists()
    assert "b.jpg : les photos envoyées ensemble sont trop grandes" in response.content.decode()
