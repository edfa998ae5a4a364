"""A commune's page and an action's page read what everyone sees from the cache
(docs/conventions.md, Performance): a warm page runs no query for it, a write shows at the next
request, and the buttons of those who act for a commune are never served to anyone else.
Page cache off: every request here renders the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.enums import ModerationStatus
from communes.models.access import commune_ids_of, communes_of
from communes.services import replication_create
from pacte.enums import OrganisationKind
from tests.communes.factories import ActionFactory, commune_organisation, referent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, commune

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def test_commune_ids_of_are_the_communes_a_person_acts_for():
    both = referent("darnetal")
    referent("rouen", user=both)
    inactive = UserFactory()
    organisation = commune_organisation("canteleu")
    MembershipFactory(user=inactive, organisation=organisation)
    organisation.is_active = False
    organisation.save()
    association = UserFactory()
    MembershipFactory(
        user=association,
        organisation=OrganisationFactory(kind=OrganisationKind.ASSOCIATION, commune=commune()),
    )
    for user in [both, inactive, association, UserFactory()]:
        assert commune_ids_of(user) == frozenset(communes_of(user).values_list("pk", flat=True))
    assert commune_ids_of(both) == {commune("darnetal").pk, commune("rouen").pk}
    assert commune_ids_of(inactive) == frozenset()


@pytest.mark.parametrize("role", ["anonymous", "referent"])
def test_warm_commune_and_action_pages_read_no_content(client, role):
    if role == "referent":
        client.force_login(referent("rouen"))
    action = ActionFactory(commune=commune("darnetal"), title="Nuit noire")
    # What a page with the layout only costs this visitor (the session and the user, signed in).
    layout = _get(client, "/donnees/")[1]
    for url in ["/communes/darnetal/", action.get_absolute_url()]:
        _get(client, url)
        warm = _get(client, url)[1]
        # Nothing but the layout's: the person's communes come from the cache once warm.
        assert warm == layout <= 6


def test_action_page_buttons_are_the_person_s_own(client):
    action = ActionFactory(commune=commune("darnetal"), title="Nuit noire")
    url = action.get_absolute_url()
    own, other = referent("darnetal"), referent("rouen")
    client.force_login(own)  # warms the shared parts with the commune's own referent
    text = _get(client, url)[0]
    assert "Modifier l'action" in text
    assert "Nous aussi : ma commune reprend cette action" not in text
    client.force_login(other)
    text = _get(client, url)[0]
    assert "Modifier l'action" not in text
    assert "Nous aussi : ma commune reprend cette action" in text
    client.force_login(UserFactory())
    text = _get(client, url)[0]
    assert "Modifier l'action" not in text and "Nous aussi : ma commune" not in text
    assert "Connectez-vous" not in text  # signed in already
    client.logout()
    text = _get(client, url)[0]
    assert "Modifier l'action" not in text and "Nous aussi : ma commune" not in text
    assert "Connectez-vous</a> pour dire « nous aussi »" in text


def test_action_page_follows_a_replication(client):
    action = ActionFactory(commune=commune("darnetal"), title="Nuit noire")
    url = action.get_absolute_url()
    other = referent("rouen")
    assert "Aucune autre commune n'a encore repris cette action." in _get(client, url)[0]
    replication_create(source=action, commune=commune("rouen"), message="Nous aussi", by=other)
    assert "Reprise par 1 commune" in _get(client, url)[0]
    client.force_login(other)
    text = _get(client, url)[0]
    assert "Votre commune reprend cette action." in text and "Reprendre la conversation" in text
    assert "Nous aussi : ma commune reprend cette action" not in text


def test_a_pending_action_is_its_commune_s_only_and_never_shared(client):
    action = ActionFactory(commune=commune("darnetal"), title="En relecture", status=ModerationStatus.PENDING)
    url = action.get_absolute_url()
    client.force_login(referent("darnetal"))
    assert "En attente de relecture" in _get(client, url)[0]
    client.force_login(referent("rouen"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_commune_page_button_stays_personal_once_warm(client):
    url = "/communes/darnetal/"
    client.force_login(referent("darnetal"))
    assert "Espace de la commune" in _get(client, url)[0]
    client.force_login(referent("rouen"))
    assert "Espace de la commune" not in _get(client, url)[0]
    client.logout()
    assert "Espace de la commune" not in _get(client, url)[0]


def test_unknown_commune_is_a_404_never_cached(client):
    assert client.get("/communes/nulle-part/").status_code == 404
    assert client.get("/communes/nulle-part/").status_code == 404
