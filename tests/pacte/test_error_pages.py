"""French error pages (400, 404, 500) as production serves them: DEBUG off, exceptions turned into
responses by Django's handlers rather than raised into the test."""

import pytest
from django.test import Client, override_settings

from tests.factories import UserFactory
from tests.pacte.test_html_validity import assert_valid

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.pacte.error_urls"),
]


@pytest.fixture
def browser():
    return Client(raise_request_exception=False)


@override_settings(DEBUG=False)
def test_unknown_page_is_a_french_404_in_the_layout(browser):
    response = browser.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    markup = response.content.decode()
    assert "<title>Page introuvable · PACTE" in markup
    assert "<h1>Page introuvable</h1>" in markup
    assert 'href="/">Retour à l\'accueil</a>' in markup
    # The layout: menu and footer are there, so the person is not stranded.
    assert 'id="navigation"' in markup and "Mentions légales" in markup
    assert "Aller à mon espace" not in markup
    assert_valid(markup, "404")


@override_settings(DEBUG=False)
def test_404_for_a_signed_in_person_offers_their_space(browser):
    browser.force_login(UserFactory())
    response = browser.get("/agenda/evenement-inconnu/")
    assert response.status_code == 404
    assert "Aller à mon espace" in response.content.decode()


@override_settings(DEBUG=False)
def test_bad_request_is_a_french_400(browser):
    response = browser.get("/_test/suspect/")
    assert response.status_code == 400
    markup = response.content.decode()
    assert "<h1>Demande incorrecte</h1>" in markup
    assert "Retour à l'accueil" in markup
    assert_valid(markup, "400")


@override_settings(DEBUG=False)
def test_server_error_is_a_static_french_500(browser):
    response = browser.get("/_test/erreur/")
    assert response.status_code == 500
    markup = response.content.decode()
    assert "<h1>Le portail a rencontré une erreur</h1>" in markup
    assert '<a href="/">Retour à l\'accueil</a>' in markup
    assert_valid(markup, "500")


def test_500_template_needs_no_request_nor_database(django_assert_num_queries):
    # Django renders 500.html with an empty context when anything may be broken: the template
    # must not extend the layout, load tags or read the context.
    from django.template import loader

    source = loader.get_template("500.html").template.source
    assert "{% extends" not in source and "{% load" not in source and "{{" not in source
    with django_assert_num_queries(0):
        assert "Erreur 500" in loader.get_template("500.html").render({})


@override_settings(DEBUG=False)
def test_form_sent_without_its_token_gets_a_french_page():
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    browser.force_login(UserFactory())
    response = browser.post("/mon-espace/", {"first_name": "Camille"})
    assert response.status_code == 403
    markup = response.content.decode()
    assert "<h1>Formulaire expiré</h1>" in markup and "Retour à l'accueil" in markup
    assert_valid(markup, "403 csrf")


def test_429_page_shares_the_way_back():
    from django.template import loader
    from django.test import RequestFactory

    markup = loader.render_to_string("429.html", {}, request=RequestFactory().get("/"))
    assert "Erreur 429" in markup and "Consulter l'agenda" in markup


def test_500_names_files_that_exist():
    # The static page names its stylesheet and icon by hand: a renamed file must fail here.
    import re

    from django.contrib.staticfiles import finders
    from django.template import loader

    source = loader.get_template("500.html").template.source
    paths = re.findall(r'href="/static/([^"]+)"', source)
    assert paths and all(finders.find(path) for path in paths), paths
