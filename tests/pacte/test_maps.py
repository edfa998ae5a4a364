"""The server-drawn map of the 71 communes (pacte/maps.py)."""

import re
import xml.etree.ElementTree as ET

import pytest

from pacte import maps
from pacte.models import Commune
from tests.factories import commune

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _fresh_geometry():
    # The projected outlines are memoised per process; tests that rename a commune must not leak.
    maps.reset_geometry_cache()
    yield
    maps.reset_geometry_cache()


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def _paths(root):
    return root.findall(f"{SVG}g[@class='map-communes']/{SVG}path")


def test_every_commune_is_one_path_inside_a_sane_viewbox():
    root = _parse(maps.commune_map_svg({}, title="Jardins par commune"))
    paths = _paths(root)
    assert len(paths) == 71 == Commune.objects.count()
    x0, y0, width, height = (float(v) for v in root.get("viewBox").split())
    assert (x0, y0, width) == (0, 0, maps.VIEW_WIDTH)
    # The Métropole is a little wider than tall; the legend band is under the map.
    geometry = maps.commune_geometry()
    assert 0.75 * width < geometry.height < width
    assert height == geometry.height + maps.LEGEND_HEIGHT
    for path in paths:
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= 0 and max(xs) <= width
        assert min(ys) >= 0 and max(ys) <= geometry.height
        # Rounded to one decimal at most.
        assert all(len(n.split(".")[1]) == 1 for n in re.findall(r"\d+\.\d+", path.get("d")))
    # Every side of the viewBox is touched by some commune, within the margin.
    all_numbers = [float(n) for p in paths for n in re.findall(r"\d+(?:\.\d+)?", p.get("d"))]
    assert min(all_numbers[0::2]) == pytest.approx(maps.MARGIN, abs=0.1)
    assert max(all_numbers[0::2]) == pytest.approx(width - maps.MARGIN, abs=0.1)


def test_svg_is_labelled_image_with_title_desc_and_legend():
    rouen = commune("rouen")
    svg = maps.commune_map_svg(
        {rouen.pk: 4}, title="Jardins par commune", description="Les jardins inscrits au réseau."
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Jardins par commune"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert desc.text.startswith("Les jardins inscrits au réseau. 1 commune sur 71 en compte au moins un.")
    assert "gris très clair : 0 ; vert clair : 1 à 2 ; vert moyen : 3 à 5" in desc.text
    legend = root.find(f"{SVG}g[@class='map-legend']")
    labels = [t.text for t in legend.findall(f"{SVG}text")]
    assert labels == ["Nombre de jardins par commune", "0", "1 à 2", "3 à 5", "6 à 10", "11 et plus"]
    assert [r.get("class") for r in legend.findall(f"{SVG}rect")] == [
        f"map-swatch map-class-{i}" for i in range(5)
    ]
    # No inline style anywhere (CSP style-src 'self').
    assert "style=" not in svg


@pytest.mark.parametrize(
    "value, css_class, words",
    [
        (0, "map-class-0", "0 jardin"),
        (1, "map-class-1", "1 jardin"),
        (2, "map-class-1", "2 jardins"),
        (3, "map-class-2", "3 jardins"),
        (5, "map-class-2", "5 jardins"),
        (6, "map-class-3", "6 jardins"),
        (10, "map-class-3", "10 jardins"),
        (11, "map-class-4", "11 jardins"),
        (250, "map-class-4", "250 jardins"),
    ],
)
def test_each_commune_gets_the_class_and_title_of_its_value(value, css_class, words):
    darnetal = commune("darnetal")
    root = _parse(maps.commune_map_svg({darnetal.pk: value}, title="Carte"))
    path = root.find(f"{SVG}g/{SVG}path[@data-commune='darnetal']")
    assert path.get("class") == f"map-commune {css_class}"
    assert path.find(f"{SVG}title").text == f"Darnétal : {words}"
    others = [p for p in _paths(root) if p.get("data-commune") != "darnetal"]
    assert {p.get("class") for p in others} == {"map-commune map-class-0"}


def test_units_and_custom_breaks():
    elbeuf = commune("elbeuf")
    root = _parse(
        maps.commune_map_svg(
            {elbeuf.pk: 1}, title="Actions", unit=("action", "actions"), breaks=(1, 2), map_id="carte-actions"
        )
    )
    assert root.get("id") == "carte-actions"
    path = root.find(f"{SVG}g/{SVG}path[@data-commune='elbeuf']")
    assert path.find(f"{SVG}title").text == "Elbeuf : 1 action"
    assert path.get("class") == "map-commune map-class-1"
    labels = [t.text for t in root.find(f"{SVG}g[@class='map-legend']").findall(f"{SVG}text")]
    assert labels == ["Nombre d'actions par commune", "0", "1", "2 et plus"]


def test_names_and_texts_are_escaped():
    Commune.objects.filter(slug="rouen").update(name='<script>alert("x")</script> & Cie')
    maps.reset_geometry_cache()
    svg = maps.commune_map_svg(
        {commune("rouen").pk: 2}, title="Jardins <b>&</b>", description='Un "test" <i>'
    )
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie : 2 jardins" in svg
    root = _parse(svg)  # still well-formed XML
    assert root.find(f"{SVG}title").text == "Jardins <b>&</b>"
    rows = maps.commune_table_rows({})
    assert '<script>alert("x")</script> & Cie' in [row.name for row in rows]


def test_geometry_is_computed_once_per_process(django_assert_num_queries):
    with django_assert_num_queries(1):
        maps.commune_map_svg({}, title="Carte")
    with django_assert_num_queries(0):
        maps.commune_map_svg({}, title="Carte")
        maps.commune_table_rows({})


def test_table_rows_sorted_by_name_as_in_french():
    values = {commune("rouen").pk: 3, commune("elbeuf").pk: 1}
    rows = maps.commune_table_rows(values)
    assert len(rows) == 71
    names = [row.name for row in rows]
    assert names == sorted(names, key=maps.sort_key)
    # Accents do not push a name to the end: É sorts with E.
    assert maps.sort_key("Épinay-sur-Duclair") < maps.sort_key("Fontaine-sous-Préaux")
    assert names.index("Darnétal") < names.index("Déville-lès-Rouen") < names.index("Duclair")
    positive = maps.commune_table_rows(values, include_zero=False)
    assert [(row.name, row.value, row.slug) for row in positive] == [
        ("Elbeuf", 1, "elbeuf"),
        ("Rouen", 3, "rouen"),
    ]


def test_value_classes_and_quantile_breaks():
    classes = maps.value_classes()
    assert [c.label for c in classes] == ["0", "1 à 2", "3 à 5", "6 à 10", "11 et plus"]
    assert maps.classify(4, classes).index == 2
    with pytest.raises(ValueError):
        maps.value_classes((1, 2, 3, 4, 5))  # six classes: only five are styled
    with pytest.raises(ValueError):
        maps.value_classes((3, 2))
    with pytest.raises(ValueError):
        maps.value_classes((0, 2))
    assert maps.quantile_breaks([]) == (1,)
    assert maps.quantile_breaks([0, 0, 5]) == (1, 5)
    breaks = maps.quantile_breaks([1, 1, 2, 2, 3, 4, 8, 9, 20, 30, 0, 0])
    assert breaks[0] == 1 and list(breaks) == sorted(set(breaks)) and len(breaks) <= 4
    maps.value_classes(breaks)  # always usable


def test_project_handles_multipolygons_holes_and_missing_outlines():
    square = [[0.0, 49.0], [0.01, 49.0], [0.01, 49.01], [0.0, 49.01], [0.0, 49.0]]
    hole = [[0.004, 49.004], [0.006, 49.004], [0.006, 49.006], [0.004, 49.004]]
    island = [[0.02, 49.0], [0.03, 49.0], [0.03, 49.005], [0.02, 49.0]]
    geometry = maps.project(
        [
            (1, "Zèbre", "zebre", {"type": "Polygon", "coordinates": [square, hole]}),
            (2, "Abeille", "abeille", {"type": "MultiPolygon", "coordinates": [[square], [island]]}),
            (3, "Sans contour", "sans-contour", None),
        ]
    )
    assert [s.name for s in geometry.shapes] == ["Abeille", "Sans contour", "Zèbre"]
    abeille, sans, zebre = geometry.shapes
    assert abeille.path.count("M") == 2 and zebre.path.count("M") == 2
    assert sans.path == ""
    assert geometry.width == maps.VIEW_WIDTH
    svg = maps.commune_map_svg({2: 1}, title="Test", geometry=geometry)
    assert len(_paths(_parse(svg))) == 2
    assert "1 commune sur 3" in svg


def test_svg_without_its_legend_and_the_map_bundle_for_the_component():
    rouen = commune("rouen")
    root = _parse(maps.commune_map_svg({rouen.pk: 1}, title="Carte", legend=False))
    assert root.find(f"{SVG}g[@class='map-legend']") is None
    assert float(root.get("viewBox").split()[3]) == maps.commune_geometry().height
    # The description still spells out the legend.
    assert "vert clair : 1 à 2" in root.find(f"{SVG}desc").text

    bundle = maps.commune_map({rouen.pk: 7}, title="Carte", unit=("action", "actions"), map_id="c")
    assert "map-legend" not in bundle.svg and 'id="c"' in bundle.svg
    assert [(row.name, row.value) for row in bundle.rows] == [("Rouen", 7)]
    assert [c.label for c in bundle.classes][-1] == "11 et plus"
    assert bundle.legend_title == "Nombre d'actions par commune"
    assert len(maps.commune_map({}, title="Carte", include_zero_rows=True).rows) == 71


def test_links_make_each_commune_a_link_on_the_map_and_in_the_table():
    rouen, oissel = commune("rouen"), commune("oissel-sur-seine")
    links = {rouen.pk: "/communes/rouen/", oissel.pk: "/communes/oissel-sur-seine/"}
    root = _parse(maps.commune_map_svg({rouen.pk: 2}, title="Carte", links=links))
    anchors = root.findall(f"{SVG}g[@class='map-communes']/{SVG}a")
    assert sorted(a.get("href") for a in anchors) == ["/communes/oissel-sur-seine/", "/communes/rouen/"]
    # Pointer users only: the table carries the same links for keyboards and screen readers.
    assert all(a.get("tabindex") == "-1" and a.get("aria-hidden") == "true" for a in anchors)
    # An image may not contain links (axe nested-interactive): the linked map is a labelled group.
    assert root.get("role") == "group" and root.get("aria-labelledby")
    assert anchors[0].find(f"{SVG}path").get("data-commune") in ("rouen", "oissel-sur-seine")
    assert len(_paths(root)) == 69  # the other communes stay plain shapes

    bundle = maps.commune_map({rouen.pk: 2}, title="Carte", links=links, include_zero_rows=True)
    by_name = {row.name: row.url for row in bundle.rows}
    assert by_name["Rouen"] == "/communes/rouen/" and by_name["Bardouville"] == ""
    # Without links nothing changes.
    plain = maps.commune_map_svg({rouen.pk: 2}, title="Carte")
    assert "<a " not in plain and _parse(plain).get("role") == "img"
