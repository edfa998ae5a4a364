"""French wording helpers: plurals (singular for 0 and 1) and the machine value of <time>."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from pacte.templatetags.pacte_tags import fr_plural, iso_datetime
from pacte.text import french_plural
from tests.factories import EventFactory


@pytest.mark.parametrize(
    "count,expected", [(0, "jardin"), (1, "jardin"), (1.5, "jardin"), (2, "jardins"), (71, "jardins")]
)
def test_french_plural_keeps_the_singular_below_two(count, expected):
    assert french_plural(count, "jardin", "jardins") == expected
    assert french_plural(-count, "jardin", "jardins") == expected


def test_fr_plural_filter():
    render = Template(
        "{% load pacte_tags %}{{ n }} jardin{{ n|fr_plural }} inscrit{{ n|fr_plural }} ; "
        "{{ n }} personne{{ n|fr_plural }} l'{{ n|fr_plural:'a,ont' }} adoptée"
    ).render
    assert render(Context({"n": 0})) == "0 jardin inscrit ; 0 personne l'a adoptée"
    assert render(Context({"n": 1})) == "1 jardin inscrit ; 1 personne l'a adoptée"
    assert render(Context({"n": 2})) == "2 jardins inscrits ; 2 personnes l'ont adoptée"
    # A list counts its items; what is not a number stays singular.
    assert fr_plural(["compost", "paillage"]) == "s"
    assert fr_plural(["compost"]) == ""
    assert fr_plural("deux") == ""
    assert fr_plural(None) == ""


def test_no_template_uses_englishs_pluralize():
    # Django's pluralize gives "0 jardins": the portal writes French, so fr_plural everywhere.
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "templates").rglob("*")
        if path.is_file() and "|pluralize" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_iso_datetime_has_whole_seconds_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Paris"
    moment = datetime.datetime(2026, 1, 15, 9, 30, 12, 123456, tzinfo=datetime.UTC)
    assert iso_datetime(moment) == "2026-01-15T10:30:12+01:00"
    summer = datetime.datetime(2026, 7, 1, 8, 0, 0, 999999, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    assert iso_datetime(summer) == "2026-07-01T08:00:00+02:00"
    assert iso_datetime(datetime.date(2026, 3, 2)) == "2026-03-02"
    assert iso_datetime(None) == ""


@pytest.mark.django_db
def test_counts_on_pages_are_french(client):
    # No event at all: "0 événement à venir", never "0 événements".
    response = client.get("/agenda/")
    assert "0 événement à venir" in response.content.decode()
    event = EventFactory(capacity=1)
    markup = client.get(event.get_absolute_url()).content.decode()
    assert "1 sur 1 disponible<" in markup
    assert f'datetime="{iso_datetime(event.starts_at)}"' in markup
    assert not re.search(r'datetime="[^"]*\.\d', markup), "fractions de seconde dans <time datetime>"
