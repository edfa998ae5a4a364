"""Server-drawn SVG map of the Métropole's 71 communes, from the outlines loaded by migration.

No tile server, no script and nothing fetched from a third party (docs/architecture.md). The outlines
(GeoJSON Polygon/MultiPolygon, WGS84) are projected once per process into SVG path strings: they are
reference data that only a migration changes, and a deploy restarts the processes. Each rendering
then only picks a value class per commune. The class colours live in static/css/base.css
(`.map-class-N`), so the SVG carries no inline style (CSP `style-src 'self'`).

    values = {commune_id: number_of_gardens, ...}
    svg = commune_map_svg(values, title="Jardins par commune", unit=("jardin", "jardins"))
    rows = commune_table_rows(values)  # the same figures as an accessible table, by name
"""

import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .collation import sort_key  # noqa: F401 — also imported from here by callers
from .text import french_plural

# SVG user units: the map is VIEW_WIDTH wide, its height follows the Métropole's proportions.
VIEW_WIDTH = 1000
MARGIN = 8
# Lower bounds of the value classes after the first one, which starts at 0: 0, 1–2, 3–5, 6–10, 11+.
DEFAULT_BREAKS = (1, 3, 6, 11)
# One CSS class per value class (.map-class-0 … .map-class-4) and the words the description uses
# for its colour, so the text alternative matches what is drawn.
CLASS_COLOUR_NAMES = ("gris très clair", "vert clair", "vert moyen", "vert foncé", "vert très foncé")
MAX_CLASSES = len(CLASS_COLOUR_NAMES)

# Legend band under the map, in the same user units.
LEGEND_HEIGHT = 96
LEGEND_FONT_SIZE = 26
LEGEND_SWATCH = 30


@dataclass(frozen=True)
class CommuneShape:
    commune_id: int
    name: str
    slug: str
    path: str  # SVG path data; empty when the commune has no outline


@dataclass(frozen=True)
class MapGeometry:
    width: int
    height: int
    shapes: tuple[CommuneShape, ...]  # every commune, sorted by name

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class ValueClass:
    index: int
    low: int
    high: int | None  # inclusive; None for the open last class

    @property
    def css_class(self) -> str:
        return f"map-class-{self.index}"

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low} et plus"
        if self.low == self.high:
            return str(self.low)
        return f"{self.low} à {self.high}"

    @property
    def colour_name(self) -> str:
        return CLASS_COLOUR_NAMES[self.index]

    def contains(self, value: int) -> bool:
        return value >= self.low and (self.high is None or value <= self.high)


@dataclass(frozen=True)
class MapRow:
    commune_id: int
    name: str
    slug: str
    value: int
    # Where the commune's name links to in the table (empty: plain text).
    url: str = ""


# --- Projection -----------------------------------------------------------------------------


def _rings(geometry) -> list[list]:
    """Outer rings and holes of a GeoJSON Polygon or MultiPolygon, as lists of [lon, lat]."""
    if not geometry:
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return list(coordinates)
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates for ring in polygon]
    return []


def _number(value: float) -> str:
    # One decimal in user units (a tenth of a thousandth of the map's width) is finer than a pixel.
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def project(outlines: Iterable[tuple[int, str, str, dict | None]]) -> MapGeometry:
    """Project (id, name, slug, GeoJSON geometry) rows into SVG paths fitted to a viewBox.

    Equirectangular projection scaled by the cosine of the mean latitude: at the Métropole's
    size (about 35 × 33 km) it is indistinguishable from a conformal one.
    """
    rows = sorted(outlines, key=lambda row: sort_key(row[1]))
    points = [point for row in rows for ring in _rings(row[3]) for point in ring]
    if not points:
        return MapGeometry(
            width=VIEW_WIDTH, height=VIEW_WIDTH, shapes=tuple(CommuneShape(*row[:3], "") for row in rows)
        )
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    x_factor = math.cos(math.radians((min_lat + max_lat) / 2))
    span = max((max_lon - min_lon) * x_factor, max_lat - min_lat, 1e-9)
    scale = (VIEW_WIDTH - 2 * MARGIN) / span
    height = math.ceil((max_lat - min_lat) * scale + 2 * MARGIN)

    def path_of(geometry) -> str:
        parts = []
        for ring in _rings(geometry):
            coords = []
            for lon, lat, *_ in ring:
                xy = (
                    _number(MARGIN + (lon - min_lon) * x_factor * scale),
                    _number(MARGIN + (max_lat - lat) * scale),
                )
                if not coords or coords[-1] != xy:
                    coords.append(xy)
            if len(coords) > 1 and coords[0] == coords[-1]:
                coords.pop()  # Z closes the ring
            if len(coords) < 3:
                continue
            first, rest = coords[0], coords[1:]
            parts.append(f"M{first[0]} {first[1]}L" + " ".join(f"{x} {y}" for x, y in rest) + "Z")
        return "".join(parts)

    shapes = tuple(
        CommuneShape(commune_id=pk, name=name, slug=slug, path=path_of(geometry))
        for pk, name, slug, geometry in rows
    )
    return MapGeometry(width=VIEW_WIDTH, height=height, shapes=shapes)


_geometry: MapGeometry | None = None
_lock = threading.Lock()


def commune_geometry() -> MapGeometry:
    """The projected communes, computed on first use in this process (one query), then reused."""
    global _geometry
    if _geometry is None:
        with _lock:
            if _geometry is None:
                from .models import Commune

                _geometry = project(Commune.objects.values_list("id", "name", "slug", "outline__geometry"))
    return _geometry


def reset_geometry_cache() -> None:
    """Forget the projected communes (tests that rename a commune; never needed in production)."""
    global _geometry
    with _lock:
        _geometry = None


# --- Value classes --------------------------------------------------------------------------


def value_classes(breaks: Sequence[int] = DEFAULT_BREAKS) -> list[ValueClass]:
    """Classes [0, b1-1], [b1, b2-1], …, [bn, ∞) from strictly increasing positive `breaks`."""
    breaks = list(breaks)
    if len(breaks) + 1 > MAX_CLASSES:
        raise ValueError(f"At most {MAX_CLASSES} classes are styled ({len(breaks) + 1} asked).")
    if any(b <= 0 for b in breaks) or breaks != sorted(set(breaks)):
        raise ValueError(f"Breaks must be strictly increasing positive integers, got {breaks!r}.")
    bounds = [0, *breaks]
    return [
        ValueClass(index=i, low=low, high=bounds[i + 1] - 1 if i + 1 < len(bounds) else None)
        for i, low in enumerate(bounds)
    ]


def quantile_breaks(values: Iterable[int], classes: int = MAX_CLASSES) -> tuple[int, ...]:
    """Breaks putting the positive values into up to `classes` - 1 groups of similar size.

    Zero keeps a class of its own ("none yet" reads differently from "few").
    """
    positives = sorted(v for v in values if v > 0)
    if not positives:
        return (1,)
    groups = max(1, min(classes - 1, MAX_CLASSES - 1))
    breaks = {1}
    for k in range(1, groups):
        breaks.add(positives[(k * len(positives)) // groups])
    return tuple(sorted(b for b in breaks if b >= 1))


def classify(value: int, classes: Sequence[ValueClass]) -> ValueClass:
    for value_class in classes:
        if value_class.contains(value):
            return value_class
    return classes[0]


# --- Rendering ------------------------------------------------------------------------------


def count_label(value: int, unit: tuple[str, str]) -> str:
    """'0 jardin', '1 jardin', '2 jardins': French keeps the singular below 2."""
    return f"{value} {french_plural(value, *unit)}"


def _of(noun: str) -> str:
    """'de jardins', 'd'actions': French elides before a vowel."""
    return f"d'{noun}" if sort_key(noun[:1]) in tuple("aeiouy") else f"de {noun}"


def default_legend_title(unit: tuple[str, str]) -> str:
    return f"Nombre {_of(unit[1])} par commune"


def commune_map_svg(
    values: Mapping[int, int],
    *,
    title: str,
    description: str = "",
    unit: tuple[str, str] = ("jardin", "jardins"),
    legend_title: str = "",
    breaks: Sequence[int] = DEFAULT_BREAKS,
    map_id: str = "carte-communes",
    legend: bool = True,
    geometry: MapGeometry | None = None,
    links: Mapping[int, str] | None = None,
) -> SafeString:
    """An inline <svg> map: one <path> per commune, filled by the class of its value.

    `values` maps commune ids to numbers (missing ids count 0). The <svg> has role="img", a
    <title>, a <desc> that also spells out the legend, and (with `legend`) a legend drawn under
    the map; each commune's <title> ("Rouen : 4 jardins") shows on hover. The figures themselves
    are given to assistive technologies by the table of `commune_table_rows`, which pages show
    next to it. Pages may prefer an HTML legend (`commune_map`), which stays legible when the map
    shrinks on a phone, and then draw the SVG without its own.

    With `links` ({commune id: URL}) each commune's shape is a link, for pointer users. The links
    stay out of the keyboard order and of the accessibility tree: the table of
    `commune_table_rows(..., links=...)` carries the same links for everyone else. The <svg> is
    then a labelled role="group" rather than role="img", whose content may not hold links.
    """
    geometry = geometry or commune_geometry()
    links = links or {}
    classes = value_classes(breaks)
    legend_title = legend_title or default_legend_title(unit)
    total_height = geometry.height + (LEGEND_HEIGHT if legend else 0)
    legend_text = " ; ".join(f"{c.colour_name} : {c.label}" for c in classes)
    with_value = sum(1 for shape in geometry.shapes if values.get(shape.commune_id, 0) > 0)
    desc = " ".join(
        part
        for part in (
            description,
            f"{with_value} commune{'s' if with_value > 1 else ''} sur {len(geometry.shapes)} "
            f"en compte au moins un.",
            f"Légende, {legend_title.lower()} : {legend_text}.",
        )
        if part
    )
    title_id, desc_id = f"{map_id}-titre", f"{map_id}-description"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(map_id)}" class="commune-map" '
        f'viewBox="0 0 {geometry.width} {total_height}" role="{"group" if links else "img"}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(desc)}</desc>',
        '<g class="map-communes">',
    ]
    for shape in geometry.shapes:
        if not shape.path:
            continue
        value = values.get(shape.commune_id, 0)
        value_class = classify(value, classes)
        drawn = (
            f'<path class="map-commune {value_class.css_class}" data-commune="{escape(shape.slug)}" '
            f'd="{shape.path}"><title>{escape(shape.name)} : {escape(count_label(value, unit))}'
            f"</title></path>"
        )
        url = links.get(shape.commune_id)
        if url:
            drawn = f'<a href="{escape(url)}" tabindex="-1" aria-hidden="true">{drawn}</a>'
        out.append(drawn)
    out.append("</g>")
    if legend:
        out.append(_legend(classes, legend_title, top=geometry.height, width=geometry.width))
    out.append("</svg>")
    return mark_safe("".join(out))  # every text above went through escape()


def _legend(classes: Sequence[ValueClass], legend_title: str, *, top: int, width: int) -> str:
    row_y = top + LEGEND_FONT_SIZE + 22
    step = (width - 2 * MARGIN) / len(classes)
    items = []
    for i, value_class in enumerate(classes):
        x = MARGIN + i * step
        items.append(
            f'<rect class="map-swatch {value_class.css_class}" x="{_number(x)}" '
            f'y="{row_y}" width="{LEGEND_SWATCH}" height="{LEGEND_SWATCH}"/>'
            f'<text x="{_number(x + LEGEND_SWATCH + 10)}" y="{row_y + LEGEND_SWATCH - 6}">'
            f"{escape(value_class.label)}</text>"
        )
    return (
        f'<g class="map-legend" font-size="{LEGEND_FONT_SIZE}">'
        f'<text class="map-legend-title" x="{MARGIN}" y="{top + LEGEND_FONT_SIZE + 4}">'
        f"{escape(legend_title)}</text>" + "".join(items) + "</g>"
    )


def commune_table_rows(
    values: Mapping[int, int],
    *,
    include_zero: bool = True,
    geometry: MapGeometry | None = None,
    links: Mapping[int, str] | None = None,
) -> list[MapRow]:
    """The map's figures as rows (commune, value) sorted by name, for the accessible table."""
    geometry = geometry or commune_geometry()
    links = links or {}
    rows = [
        MapRow(
            commune_id=shape.commune_id,
            name=shape.name,
            slug=shape.slug,
            value=values.get(shape.commune_id, 0),
            url=links.get(shape.commune_id, ""),
        )
        for shape in geometry.shapes
    ]
    return [row for row in rows if include_zero or row.value]


@dataclass(frozen=True)
class CommuneMap:
    """What templates/components/map/commune_map.html draws: the SVG (without its own legend),
    an HTML legend from `classes`, and the table of `rows`."""

    svg: SafeString
    rows: list[MapRow]
    classes: list[ValueClass]
    legend_title: str


def commune_map(
    values: Mapping[int, int],
    *,
    title: str,
    description: str = "",
    unit: tuple[str, str] = ("jardin", "jardins"),
    legend_title: str = "",
    breaks: Sequence[int] = DEFAULT_BREAKS,
    map_id: str = "carte-communes",
    include_zero_rows: bool = False,
    links: Mapping[int, str] | None = None,
) -> CommuneMap:
    """The map, its legend and its table of figures, ready for the map component.

    `links` ({commune id: URL}) makes each commune a link, on the map and in the table."""
    legend_title = legend_title or default_legend_title(unit)
    return CommuneMap(
        svg=commune_map_svg(
            values,
            title=title,
            description=description,
            unit=unit,
            legend_title=legend_title,
            breaks=breaks,
            map_id=map_id,
            legend=False,
            links=links,
        ),
        rows=commune_table_rows(values, include_zero=include_zero_rows, links=links),
        classes=value_classes(breaks),
        legend_title=legend_title,
    )
