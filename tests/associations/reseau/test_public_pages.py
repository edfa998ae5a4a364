"""The network's public pages read what everyone sees from the shared cache (docs/conventions.md,
Performance): warm, they run no query for it; a write through the services shows at the next
request; the person's state (member or not, référent, their drafts, their buttons) is never served
to anyone else. Page cache off: every request here renders the page."""

import pytest

from associations.reseau.access import in_network, in_network_request, network_roles, referent_organisations
from associations.reseau.services import showcase_publish, showcase_update
from pacte.enums import Action
from tests.factories import EventFactory
from tests.pages import page_query_count as _queries
from tests.pages import page_text as _text

from .conftest import ROLES, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

HOME = "/associations/reseau/"
SHOWCASE = "/associations/reseau/vitrine/"


def test_warm_pages_read_no_data(client, net):
    EventFactory(action=Action.RELAIS_NETWORK, organiser=None, title="Rencontre du réseau")
    for url in [HOME, SHOWCASE, f"{SHOWCASE}?commune=rouen", net.published.get_absolute_url()]:
        _text(client, url)
        assert _queries(client, url) == 0, url
        separator = "&" if "?" in url else "?"
        assert _queries(client, f"{url}{separator}_inconnu=1") == 0, url


@pytest.mark.parametrize("role", ["citizen", "member", "referent", "staff"])
def test_signed_in_action_page_at_most_two_queries(client, net, role):
    """The session's user and the person's memberships, whatever they may do with the action."""
    net.login(client, role)
    url = net.published.get_absolute_url()
    _text(client, url)
    assert _queries(client, url) <= 2


def test_home_and_showcase_show_a_published_action_at_the_next_request(client, net):
    staff, lead = net.people["staff"], net.people["referent"]
    assert "Fête des récoltes" in _text(client, HOME) and "Fête des récoltes" in _text(client, SHOWCASE)
    assert "Chantier paillage" not in _text(client, HOME) + _text(client, SHOWCASE)
    showcase_publish(action=net.pending, by=staff)
    for url in [HOME, SHOWCASE, f"{SHOWCASE}?commune=rouen"]:
        assert "Chantier paillage" in _text(client, url), url
    post(net.association, lead, title="Troc de graines", publish_by=staff)
    assert "Troc de graines" in _text(client, HOME)


def test_home_shows_a_new_meeting_to_the_network(client, net):
    net.login(client, "member")
    assert "Troc au jardin" not in _text(client, HOME)
    EventFactory(action=Action.RELAIS_NETWORK, organiser=None, title="Troc au jardin")
    assert "Troc au jardin" in _text(client, HOME)


def test_home_network_space_for_members_only(client, net):
    for role in ["member", "referent", "staff"]:
        net.login(client, role)
        assert "Ouvrir un sujet" in _text(client, HOME), role
    for role in ["anonymous", "citizen", "outsider_referent"]:
        net.login(client, role)
        text = _text(client, HOME)
        assert "Ouvrir un sujet" not in text and "Rejoindre le réseau" in text, role
        assert "Fête des récoltes" in text
    # The référent's posts in review are theirs.
    net.login(client, "referent")
    assert "Chantier paillage" in _text(client, HOME)
    net.login(client, "other_referent")
    assert "Chantier paillage" not in _text(client, HOME)


def test_action_page_shows_a_correction_once_published_again(client, net):
    staff, lead = net.people["staff"], net.people["referent"]
    url = net.published.get_absolute_url()
    assert "Fête des récoltes" in _text(client, url)
    showcase_update(action=net.published, by=lead, title="Fête des moissons")
    # Back to review: the public no longer reads it; its association still does, with its state.
    assert client.get(url).status_code == 404
    net.login(client, "member")
    text = _text(client, url)
    assert "Fête des moissons" in text and "Statut" in text
    net.login(client, "anonymous")
    showcase_publish(action=net.published, by=staff)
    text = _text(client, url)
    assert "Fête des moissons" in text and "Statut" not in text


def test_action_page_buttons_follow_the_person(client, net):
    url = net.published.get_absolute_url()
    expected = {
        # role: (Modifier, Signaler)
        "anonymous": (False, False),
        "citizen": (False, True),
        "outsider_referent": (False, True),
        "member": (False, False),
        "referent": (True, False),
        "other_referent": (False, True),
        "staff": (False, True),
    }
    assert set(expected) == set(ROLES)
    # The référent's render first: what is shared must not carry their button to the others.
    for role in ["referent", *[role for role in ROLES if role != "referent"]]:
        net.login(client, role)
        text = _text(client, url)
        assert ("Modifier<span" in text, "Signaler<span" in text) == expected[role], role


def test_a_draft_is_its_associations_and_never_shared(client, net):
    url = net.pending.get_absolute_url()
    net.login(client, "member")
    assert "Chantier paillage" in _text(client, url)
    for role in ["anonymous", "citizen", "other_referent"]:
        net.login(client, role)
        assert client.get(url).status_code == 404, role
    net.login(client, "staff")
    assert "Chantier paillage" in _text(client, url)


@pytest.mark.parametrize("role", ROLES)
def test_request_roles_match_the_querysets(rf, net, role):
    """The memberships read once per request (a statement compiled once) answer as the ORM does."""
    from django.contrib.auth.models import AnonymousUser

    user = net.people[role] or AnonymousUser()
    request = rf.get("/")
    request.user = user
    expected = set(referent_organisations(user).values_list("pk", flat=True))
    assert network_roles(request).referent_ids == expected
    assert in_network_request(request) == in_network(user)


def test_an_expired_label_leaves_the_network(rf, net):
    from associations.models import RelaisLabel

    RelaisLabel.objects.filter(organisation=net.association).update(
        valid_from="1999-01-01", valid_until="2000-01-01"
    )
    request = rf.get("/")
    request.user = net.people["member"]
    assert not in_network_request(request)
    assert not network_roles(request).roles
