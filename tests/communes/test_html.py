"""The communes pages validate as HTML (same checker as the kernel pages), for every kind of visitor."""

import pytest

from communes.services import network_reply_create, replication_create
from pacte.enums import Action
from tests.communes.factories import ActionFactory, CommitmentFactory, referent
from tests.factories import EventFactory, UserFactory, commune
from tests.pacte.test_html_validity import html_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    contact = referent("darnetal")
    other = referent("oissel-sur-seine")
    action = ActionFactory(
        title="Extinction « nocturne » & sobre", budget=18000, partners="SDE 76\nMétropole"
    )
    CommitmentFactory(title="Rénover deux écoles", progress=60, target="Deux écoles")
    ActionFactory(pending=True)
    ActionFactory(refused=True)
    EventFactory(commune=commune("darnetal"), action=Action.COMMUNES)
    replication = replication_create(
        source=action, commune=commune("oissel-sur-seine"), message="Nous aussi !", by=other
    )
    network_reply_create(topic=replication.topic, body="Bienvenue", author=contact, by=contact)
    public = [
        "/communes/",
        "/communes/?theme=mobilite&stage=realisee",
        "/communes/actions/",
        "/communes/actions/?q=nuit&experiment=on",
        "/communes/reseau/",
        "/communes/darnetal/",
        "/communes/rouen/",
        action.get_absolute_url(),
    ]
    referent_pages = [
        *public,
        "/communes/actions/nouvelle/",
        f"/communes/actions/{action.pk}/modifier/",
        "/communes/darnetal/espace/",
        "/communes/reseau/echanges/nouveau/",
        f"/communes/reseau/echanges/{replication.topic_id}/",
        "/communes/reseau/rencontres/nouvelle/",
    ]
    return {
        "replication": replication,
        "action": action,
        "contact": contact,
        "other": other,
        "public": public,
        "referent": referent_pages,
    }


def _assert_valid(client, paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        problems = html_problems(response.content.decode())
        assert not problems, (path, problems)


def test_public_pages_valid(client, pages):
    _assert_valid(client, pages["public"])


def test_referent_pages_valid(client, pages):
    client.force_login(pages["contact"])
    _assert_valid(client, pages["referent"])


def test_other_referent_pages_valid(client, pages):
    client.force_login(pages["other"])
    _assert_valid(client, [*pages["public"], pages["replication"].action.get_absolute_url()])
    # The form of a second "nous aussi" (another action) as the other commune sees it.
    second = ActionFactory(title="Cour oasis")
    _assert_valid(client, [f"/communes/actions/{second.pk}/nous-aussi/"])


def test_referents_only_page_valid(client, pages):
    client.force_login(UserFactory())
    response = client.get("/communes/actions/nouvelle/")
    assert response.status_code == 403 and not html_problems(response.content.decode())


def test_forms_with_errors_valid(client, pages):
    client.force_login(pages["contact"])
    for path, data in [
        ("/communes/actions/nouvelle/", {"title": "", "budget": "-1"}),
        ("/communes/reseau/echanges/nouveau/", {"title": ""}),
        ("/communes/reseau/rencontres/nouvelle/", {"title": ""}),
    ]:
        response = client.post(path, data)
        assert response.status_code == 200
        assert not html_problems(response.content.decode()), path
    client.force_login(pages["other"])
    second = ActionFactory(title="Cour oasis")
    response = client.post(f"/communes/actions/{second.pk}/nous-aussi/", {"message": ""})
    assert response.status_code == 200 and not html_problems(response.content.decode())
