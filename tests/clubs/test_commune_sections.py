"""The clubs' block of a commune's page (PortalApp.commune_sections): the active clubs located there."""

import pytest
from django.template.loader import render_to_string

from pacte import portal
from tests.clubs.factories import ClubFactory
from tests.factories import commune

pytestmark = pytest.mark.django_db


def test_clubs_located_in_the_commune(rf, django_assert_num_queries):
    darnetal = commune("darnetal")
    here = ClubFactory(organisation__commune=darnetal, organisation__name="Club COP21 de Darnétal")
    ClubFactory(
        organisation__commune=darnetal, organisation__name="Club fermé", organisation__is_active=False
    )
    ClubFactory(organisation__commune=commune("rouen"), organisation__name="Club de Rouen")
    request = rf.get("/")
    from django.apps import apps

    from clubs.apps import ClubsConfig

    config = apps.get_app_config("clubs")
    assert isinstance(config, ClubsConfig)
    with django_assert_num_queries(1):
        sections = list(config.commune_sections(request, darnetal))
    assert [s.title for s in sections] == ["Clubs COP21 et jardiniers"]
    assert [club.name for club in sections[0].context["clubs"]] == ["Club COP21 de Darnétal"]
    html = render_to_string(sections[0].template, sections[0].context)
    assert here.get_absolute_url() in html and "Club de Rouen" not in html and "Club fermé" not in html
    assert sections[0].title in [s.title for s in portal.commune_sections(request, darnetal)]


def test_no_club_yet(rf):
    from django.apps import apps

    section = apps.get_app_config("clubs").commune_sections(rf.get("/"), commune("bardouville"))[0]
    assert "Aucun club n'est installé à Bardouville" in render_to_string(section.template, section.context)
