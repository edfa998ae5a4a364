"""Full-page cache of anonymous public pages (pacte/cache.py, docs/architecture.md)."""

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse

from pacte.cache import (
    CACHE_HEADER,
    anonymous_page_cache,
    area_versions,
    bump_content_version,
    content_version,
)
from pacte.services.registrations import registration_create
from tests.factories import EventFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/agenda/", "event", "/accessibilite/", "/donnees-personnelles/", "/mentions-legales/"]


def _url(page, event):
    return event.get_absolute_url() if page == "event" else page


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_second_anonymous_request_is_served_without_queries(client, django_assert_num_queries, page):
    event = EventFactory(title="Atelier compost")
    event.themes.set([ThemeFactory()])
    url = _url(page, event)
    first = client.get(url)
    assert first.status_code == 200
    assert first[CACHE_HEADER] == "miss"

    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    for response in (first, second):
        assert "public" in response["Cache-Control"]
        assert "max-age=60" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
        assert not response.cookies


def test_query_string_and_htmx_partial_are_cached_under_their_own_keys(client):
    EventFactory(title="Balade nature")
    full = client.get("/agenda/?action=clubs")
    partial = client.get("/agenda/?action=clubs", headers={"HX-Request": "true"})
    assert partial[CACHE_HEADER] == "miss"
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert "HX-Request" in partial["Vary"]
    again = client.get("/agenda/?action=clubs")
    assert again[CACHE_HEADER] == "hit"
    assert "<html" in again.content.decode()
    assert client.get("/agenda/?action=atelier")[CACHE_HEADER] == "miss"


@pytest.mark.parametrize("url", ["/?utm_source=lettre", "/agenda/?page=1&nimporte=quoi"])
def test_unknown_query_parameters_are_rendered_but_never_stored(client, url):
    # Otherwise anyone could fill the cache with one-off pages.
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert CACHE_HEADER not in response
        assert "private" in response["Cache-Control"]


def test_registration_shows_at_once_on_the_cached_event_page(client):
    event = EventFactory(capacity=10)
    assert "10 sur 10 disponibles" in client.get(event.get_absolute_url()).content.decode()
    registration_create(event=event, user=UserFactory())
    response = client.get(event.get_absolute_url())
    assert response[CACHE_HEADER] == "miss"
    assert "9 sur 10 disponibles" in response.content.decode()


def test_new_and_newly_published_events_show_at_once_on_the_cached_agenda(client):
    EventFactory(title="Atelier vélo")
    assert client.get("/agenda/")[CACHE_HEADER] == "miss"
    assert client.get("/agenda/")[CACHE_HEADER] == "hit"

    EventFactory(title="Troc de graines")
    assert "Troc de graines" in client.get("/agenda/").content.decode()

    draft = EventFactory(title="Fresque du climat", draft=True)
    assert "Fresque du climat" not in client.get("/agenda/").content.decode()
    draft.is_published = True
    draft.save()
    assert "Fresque du climat" in client.get("/agenda/").content.decode()


def test_theme_change_invalidates(client):
    event = EventFactory()
    client.get(event.get_absolute_url())
    event.themes.set([ThemeFactory(name="Sobriété énergétique")])
    assert "Sobriété énergétique" in client.get(event.get_absolute_url()).content.decode()


def test_version_is_bumped_again_once_the_transaction_commits(django_capture_on_commit_callbacks):
    # Another process may cache a page from the data as it was before the commit: the bump after
    # commit is the one that makes sure such a page is never served.
    (before,) = area_versions(["agenda"])
    with django_capture_on_commit_callbacks() as callbacks:
        EventFactory()
    (during,) = area_versions(["agenda"])
    assert during > before
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert area_versions(["agenda"])[0] > during


def test_bump_survives_a_flushed_cache():
    from django.core.cache import cache

    before = content_version()
    cache.clear()
    bump_content_version()
    assert content_version() != before


def test_logged_in_person_never_gets_the_cached_anonymous_page(client):
    event = EventFactory()
    anonymous = client.get(event.get_absolute_url())
    assert "Se connecter pour s'inscrire" in anonymous.content.decode()
    assert client.get(event.get_absolute_url())[CACHE_HEADER] == "hit"

    person = UserFactory(first_name="Camille")
    member = Client()
    member.force_login(person)
    for url in ["/", "/agenda/", event.get_absolute_url(), "/accessibilite/"]:
        response = member.get(url)
        page = response.content.decode()
        assert CACHE_HEADER not in response
        assert "Se déconnecter" in page
        assert "Mon espace" in page
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
    assert "M'inscrire" in member.get(event.get_absolute_url()).content.decode()


def test_logged_in_page_is_never_served_to_anonymous_visitors(client):
    event = EventFactory()
    member = Client()
    member.force_login(UserFactory())
    assert "Se déconnecter" in member.get(event.get_absolute_url()).content.decode()

    response = client.get(event.get_absolute_url())
    assert response[CACHE_HEADER] == "miss"
    assert "Se déconnecter" not in response.content.decode()


def test_anonymous_visitor_with_a_session_cookie_bypasses_the_cache(client):
    client.get("/")
    client.cookies["sessionid"] = "not-a-real-session"
    response = client.get("/")
    assert CACHE_HEADER not in response
    assert "private" in response["Cache-Control"]


def test_message_after_account_deletion_is_shown_not_swallowed(client):
    assert client.get("/")[CACHE_HEADER] == "miss"
    assert client.get("/")[CACHE_HEADER] == "hit"

    client.force_login(UserFactory())
    client.post(reverse("account_reauthenticate"), {"password": "mot-de-passe-solide-2026"})
    response = client.post(reverse("my_account_delete"), {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    page = response.content.decode()
    assert "Votre compte est supprimé" in page
    assert "Se connecter" in page
    # Shown once, and the page that carried it was not stored for others.
    after = client.get("/")
    assert "Votre compte est supprimé" not in after.content.decode()
    assert Client().get("/")[CACHE_HEADER] in {"hit", "miss"}
    assert "Votre compte est supprimé" not in Client().get("/").content.decode()


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_cached_pages_carry_no_csrf_token(client, page):
    # The anonymous public pages have no POST form: nothing personal can end up in the cache.
    event = EventFactory()
    url = _url(page, event)
    client.get(url)
    response = client.get(url)
    assert response[CACHE_HEADER] == "hit"
    assert b"csrfmiddlewaretoken" not in response.content
    assert "csrftoken" not in response.cookies


def _with_middleware(request):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def test_a_page_that_uses_a_csrf_token_is_never_stored():
    template = engines["django"].from_string("<form method='post'>{% csrf_token %}</form>")
    calls = []

    @anonymous_page_cache(60)
    def view(request):
        calls.append(1)
        return HttpResponse(template.render({}, request))

    factory = RequestFactory()
    for _ in range(2):
        response = view(_with_middleware(factory.get("/formulaire/")))
        assert CACHE_HEADER not in response
        assert "private" in response["Cache-Control"]
    assert len(calls) == 2


def test_a_response_with_a_message_or_a_cookie_is_never_stored():
    from django.contrib import messages

    calls = []

    @anonymous_page_cache(60)
    def view(request):
        calls.append(1)
        response = HttpResponse("page")
        if len(calls) == 1:
            messages.info(request, "Bienvenue")
        elif len(calls) == 2:
            response.set_cookie("preference", "1")
        return response

    factory = RequestFactory()
    first = _with_middleware(factory.get("/page/"))
    assert CACHE_HEADER not in view(first)
    assert len(get_messages(first)) == 1
    assert CACHE_HEADER not in view(_with_middleware(factory.get("/page/")))
    assert view(_with_middleware(factory.get("/page/")))[CACHE_HEADER] == "miss"
    assert len(calls) == 3


def test_get_token_in_a_view_prevents_storing():
    @anonymous_page_cache(60)
    def view(request):
        get_token(request)
        return HttpResponse("page sans formulaire mais avec un jeton")

    request = _with_middleware(RequestFactory().get("/jeton/"))
    assert CACHE_HEADER not in view(request)


def test_a_page_another_process_is_rendering_is_awaited_not_rendered_again(monkeypatch):
    """Under writes, one process renders the new version and the others serve it when stored."""
    import threading

    from django.core.cache import cache

    from pacte import cache as page_cache

    calls = []

    @anonymous_page_cache(60, areas=["agenda"])
    def view(request):
        calls.append(1)
        return HttpResponse(f"rendu {len(calls)}")

    factory = RequestFactory()
    assert view(_with_middleware(factory.get("/attente/"))).content == b"rendu 1"
    bump_content_version()  # a write: the stored page is stale
    request = _with_middleware(factory.get("/attente/"))
    key = page_cache._page_key(request)
    version = area_versions(["agenda"])
    assert cache.add(page_cache._render_lock_key(key, version), 1)  # "another process" renders

    def other_process_stores():
        cache.set(key, (version, 200, {"Content-Type": "text/html"}, b"rendu ailleurs"), 60)

    timer = threading.Timer(0.1, other_process_stores)
    timer.start()
    response = view(request)
    timer.join()
    assert response.content == b"rendu ailleurs"
    assert response[CACHE_HEADER] == "hit"
    assert len(calls) == 1


def test_a_render_that_never_comes_is_done_by_the_waiting_request(monkeypatch):
    from django.core.cache import cache

    from pacte import cache as page_cache

    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 0.1)
    calls = []

    @anonymous_page_cache(60, areas=["agenda"])
    def view(request):
        calls.append(1)
        return HttpResponse("page")

    request = _with_middleware(RequestFactory().get("/jamais/"))
    lock = page_cache._render_lock_key(page_cache._page_key(request), area_versions(["agenda"]))
    assert cache.add(lock, 1)
    assert view(request)[CACHE_HEADER] == "miss"
    assert len(calls) == 1
    # The next version renders afresh: the lock names the version it was taken for.
    bump_content_version()
    assert view(_with_middleware(RequestFactory().get("/jamais/")))[CACHE_HEADER] == "miss"
    assert len(calls) == 2


def test_public_context_is_built_once_per_version_of_its_areas():
    from pacte.cache import bump, public_context

    builds = []

    def build():
        builds.append(1)
        return {"n": len(builds)}

    assert public_context("essai", build, areas=["agenda"]) == {"n": 1}
    assert public_context("essai", build, areas=["agenda"]) == {"n": 1}
    bump("clubs")  # another area: still valid
    assert public_context("essai", build, areas=["agenda"]) == {"n": 1}
    bump("agenda")  # a write to its area: built again at the next request
    assert public_context("essai", build, areas=["agenda"]) == {"n": 2}
    assert len(builds) == 2


def test_public_fragment_is_rendered_once_per_version_and_value():
    from pacte.cache import bump

    template = engines["django"].from_string(
        '{% load pacte_tags %}{% public_fragment "essai" "agenda" page %}{{ text }}{% endpublic_fragment %}'
    )
    assert template.render({"text": "premier", "page": 1}) == "premier"
    assert template.render({"text": "second", "page": 1}) == "premier"  # from the cache
    assert template.render({"text": "second", "page": 2}) == "second"  # another value: its own
    bump("clubs")
    assert template.render({"text": "troisième", "page": 1}) == "premier"
    bump("agenda")  # a write to its area
    assert template.render({"text": "troisième", "page": 1}) == "troisième"


def test_a_list_page_without_parameters_is_served_without_building_its_filters(client, monkeypatch):
    """With no parameter there is no filter value to check: the cached page is served without
    building the filter form, which cost half of a cached list page's budget. With parameters,
    the values are still checked (test_unknown_query_parameters_are_rendered_but_never_stored)."""
    from pacte.filters import EventFilter

    built = []
    original = EventFilter.__init__
    monkeypatch.setattr(
        EventFilter, "__init__", lambda self, *a, **k: built.append(a) or original(self, *a, **k)
    )
    client.get("/agenda/")
    built.clear()
    assert client.get("/agenda/")[CACHE_HEADER] == "hit"
    assert built == []
    client.get("/agenda/?action=clubs")
    assert built  # the values of a query are checked before anything is cached
