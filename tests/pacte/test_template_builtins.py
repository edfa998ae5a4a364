"""The template engine's builtins (pacte/templatetags/portal_builtins.py): `{% url %}` reversed once per process and `{% extends %}` finding the root's blocks once, with the same output
and errors as Django's tag, whatever the arguments, and the URLconf or script prefix of the
moment."""

import pytest
from django.template import Context, Engine, engines
from django.template.defaulttags import URLNode
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from pacte.models import Commune
from pacte.templatetags.portal_builtins import CachedURLNode
from pacte.urls_cache import _reversed

CASES = [
    "{% url 'associations:charter' %}",
    "{% url 'associations:campaign' year %}",
    "{% url 'associations:campaign' year=year %}",
    "{% url 'associations:detail' slug %}",
    "{% url 'associations:detail' slug=slug %}",
    "{% url name slug %}",
    "{% url 'associations:detail' slug as link %}[{{ link }}]",
    "{% url 'nowhere' as link %}[{{ link }}]",
    "{% url 'associations:detail' commune %}",
]


def _portal(source):
    return engines["django"].from_string(source)


def _django(source):
    # The same engine without the portal's builtins: Django's own {% url %}.
    return Engine(libraries={}, builtins=[]).from_string(source)


def test_the_portal_engine_renders_url_with_the_cached_node():
    assert isinstance(_portal("{% url 'home' %}").template.nodelist[0], CachedURLNode)
    assert type(_django("{% url 'home' %}").nodelist[0]) is URLNode


@pytest.mark.parametrize("source", CASES)
def test_same_output_as_djangos_tag(source, db):
    commune = Commune.objects.order_by("pk").first() or Commune(
        name="Rouen", slug="rouen", insee_code="76540"
    )
    context = {"year": 2027, "slug": "atelier-velo", "name": "associations:detail", "commune": commune}
    request = RequestFactory().get("/associations/")
    expected = _django(source).render(Context(context))
    assert _portal(source).render(context, request) == expected
    assert _portal(source).render(context) == expected  # no request, as in an e-mail


def test_an_unknown_url_raises_as_djangos_tag_does():
    with pytest.raises(NoReverseMatch):
        _portal("{% url 'nowhere' %}").render({})
    with pytest.raises(NoReverseMatch):
        _portal("{% url 'associations:detail' %}").render({})


def test_each_url_is_reversed_once_then_read():
    _reversed.cache_clear()
    template = _portal("{% url 'associations:detail' slug %}")
    first = template.render({"slug": "a"})
    assert _reversed.cache_info().misses == 1
    assert [template.render({"slug": "a"}) for _ in range(3)] == [first] * 3
    assert _reversed.cache_info().hits == 3
    assert template.render({"slug": "b"}) == reverse("associations:detail", args=["b"])
    assert _reversed.cache_info().misses == 2


def test_the_url_follows_the_script_prefix_of_the_request():
    template = _portal("{% url 'associations:charter' %}")
    try:
        set_script_prefix("/portail/")
        assert template.render({}) == "/portail/associations/charte/"
    finally:
        set_script_prefix("/")
    assert template.render({}) == "/associations/charte/"


def test_the_url_follows_the_urlconf_of_the_settings():
    template = _portal("{% url 'associations:charter' as link %}[{{ link }}]")
    assert template.render({}) == "[/associations/charte/]"
    with override_settings(ROOT_URLCONF="tests.pacte.test_template_builtins"):
        assert template.render({}) == "[]"
    assert template.render({}) == "[/associations/charte/]"


def test_arguments_are_escaped_as_djangos_tag_escapes_them():
    source = "{% url 'indicators:survey_answer' token %}"
    context = {"token": "a&b<c>"}
    rendered = _portal(source).render(context)
    assert "&amp;" in rendered and "<" not in rendered
    assert rendered == _django(source).render(Context(context))


urlpatterns = []  # the empty URLconf of test_the_url_follows_the_urlconf_of_the_settings


# --- {% extends %} ---------------------------------------------------------------------------

LAYOUTS = {
    "base.html": "<title>{% block title %}Base{% endblock %}</title>{% block content %}{% endblock %}"
    "{% block footer %}pied{% endblock %}",
    "section.html": "{% extends 'base.html' %}{% block content %}<section>{% block inner %}{% endblock %}"
    "</section>{% endblock %}",
    "page.html": "{% extends 'section.html' %}{% block title %}Page · {{ block.super }}{% endblock %}"
    "{% block inner %}{{ text }}{% endblock %}",
    "chosen.html": "{% extends layout %}{% block content %}choisi{% endblock %}",
}


def _engine(portal: bool) -> Engine:
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", LAYOUTS)],
        builtins=["pacte.templatetags.portal_builtins"] if portal else [],
    )


@pytest.mark.parametrize("name", ["page.html", "section.html", "chosen.html"])
def test_extends_renders_as_djangos_tag(name):
    context = {"text": "<b>texte</b>", "layout": "base.html"}
    expected = _engine(False).get_template(name).render(Context(context))
    portal = _engine(True).get_template(name)
    assert [portal.render(Context(context)) for _ in range(2)] == [expected, expected]
    assert "Page · Base" in _engine(True).get_template("page.html").render(Context(context))


@pytest.mark.parametrize(
    "source",
    ["{% if x %}{% endif %}{% extends 'base.html' %}", "{% extends 'base.html' %}{% extends 'base.html' %}"],
)
def test_extends_keeps_djangos_errors(source):
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        _engine(True).from_string(source)
