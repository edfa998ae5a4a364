"""The pages whose public part is cached under the content version (pacte.cache.public_context,
docs/conventions.md): once warm, a render costs at most 6 queries, signed in included, with few
rows and with many; the cold render after a write stays constant too (the apps' own
test_queries). Page cache off: every request here renders the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacte.enums import Action, OrganisationKind
from tests.factories import EventFactory, OrganisationFactory, UserFactory, commune

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

MAX_QUERIES = 6


def _warm_count(client, url):
    """Queries of a render once the public context is cached (the first request fills it)."""
    assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _viewer(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())


def _person(signed_in):
    """What a signed-in render adds: the session (a row with the embedded settings; read from
    Redis with REDIS_URL, as in production and CI). The user comes from the cache
    (pacte.auth_backends), and so do the person's answers from watched tables (pacte.prepared)."""
    from django.conf import settings

    session = 0 if "cache" in settings.SESSION_ENGINE else 1
    return session if signed_in else 0


def _check(client, url, grow):
    grow(1)
    few = _warm_count(client, url)
    grow(8)
    many = _warm_count(client, url)
    assert many == few, url
    assert few <= MAX_QUERIES, url
    return few


@pytest.mark.parametrize("signed_in", [False, True])
def test_organisation_page(client, signed_in):
    from tests.associations.factories import instructor, labelled_association, paid
    from tests.atelier.factories import SpaceFactory, resident

    _viewer(client, signed_in)
    organisation = labelled_association()
    staff = instructor()

    def grow(n):
        for _ in range(n):
            EventFactory(organiser=organisation)
            paid(staff, organisation=organisation)

    assert _check(client, f"/structures/{organisation.slug}/", grow) == _person(signed_in)
    # A resident of the Atelier (another app's block) costs nothing more once warm.
    residency, _resident = resident(SpaceFactory())
    assert _warm_count(client, f"/structures/{residency.organisation.slug}/") == _person(signed_in)


@pytest.mark.parametrize("signed_in", [False, True])
def test_association_page(client, signed_in):
    from tests.associations.factories import instructor, labelled_association, paid

    _viewer(client, signed_in)
    organisation = labelled_association()
    staff = instructor()

    def grow(n):
        for _ in range(n):
            EventFactory(organiser=organisation)
            paid(staff, organisation=organisation)

    assert _check(client, f"/associations/{organisation.slug}/", grow) == _person(signed_in)


@pytest.mark.parametrize("signed_in", [False, True])
def test_atelier_home(client, signed_in):
    from tests.atelier.factories import SpaceFactory, resident

    _viewer(client, signed_in)
    space = SpaceFactory()

    def grow(n):
        for _ in range(n):
            resident(space)
            EventFactory(action=Action.ATELIER)

    assert _check(client, "/atelier/", grow) == _person(signed_in)


@pytest.mark.parametrize("signed_in", [False, True])
def test_letter_page(client, signed_in):
    from tests.newsletter.test_queries import _grow

    _viewer(client, signed_in)
    # Signed in: whether their address is subscribed, from the cache once warm.
    assert _check(client, "/lettre/", _grow) == _person(signed_in)


@pytest.mark.parametrize("signed_in", [False, True])
def test_commune_page_and_action_page(client, signed_in):
    from tests.communes.factories import ActionFactory
    from tests.communes.test_queries import _grow

    _viewer(client, signed_in)
    # Signed in: whether they act for the commune.
    assert _check(client, "/communes/rouen/", _grow) == _person(signed_in)
    action = ActionFactory(commune=commune("rouen"))
    assert _check(client, action.get_absolute_url(), _grow) == _person(signed_in)


def test_an_unknown_organisation_is_a_404_and_is_not_cached(client):
    assert client.get("/structures/inconnue/").status_code == 404
    OrganisationFactory(slug="inconnue", kind=OrganisationKind.ASSOCIATION)
    assert client.get("/structures/inconnue/").status_code == 200
