"""Server-drawn SVG charts: horizontal bars for breakdowns, a line for time series.

Every chart is shown next to its data table (the template's job: `templates/indicators/includes/
_chart.html` puts both in one figure), so the SVG itself is decoration for sighted readers with a
title and a short description for the others. No script, no inline style (CSP `style-src 'self'`):
colours come from classes styled in static/css/indicators.css.

    bars = bar_chart([("Rouen", 120), ("Oissel", 14)], title="Personnes par commune")
    line = line_chart([("2026-01", 4), ("2026-02", 9)], title="Inscriptions par mois")
"""

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from pacte.text import french_plural

WIDTH = 640
BAR_HEIGHT = 24
BAR_GAP = 8
LABEL_WIDTH = 200
VALUE_WIDTH = 70
FONT_SIZE = 14
LINE_HEIGHT = 260
PADDING = 32


def _number(value) -> str:
    """French digit grouping with a narrow no-break space, as the tables print it."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit=("", "")) -> SafeString:
    """Horizontal bars, one per (label, value) row, in the order given. `unit` is the French
    (singular, plural) pair the description reads the largest value with."""
    rows = list(rows)
    height = max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    largest = max((value for _, value in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = []
    for index, (label, value) in enumerate(rows):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        text_y = y + BAR_HEIGHT / 2 + FONT_SIZE / 3
        width = round(span * value / largest, 1) if value > 0 else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" class="chart-label" text-anchor="end">'
            f"{escape(_clip(str(label)))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" class="chart-bar"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{text_y}" class="chart-value">{_number(value)}</text>'
        )
    if rows:
        top_label, top_value = max(rows, key=lambda row: row[1])
        description = (
            f"{len(rows)} barres ; la plus longue : {top_label}, {_number(top_value)}"
            f"{' ' + french_plural(top_value, *unit) if unit[0] else ''}."
        )
    else:
        description = "Aucune donnée."
    return _svg(title, description, WIDTH, height, "".join(parts))


def line_chart(points: Sequence[tuple[str, float]], *, title: str, unit=("", "")) -> SafeString:
    """A line through (label, value) points in time order, labels under the first, middle and
    last points (the table gives every one)."""
    points = list(points)
    height = LINE_HEIGHT
    largest = max((value for _, value in points), default=0) or 1
    inner_w = WIDTH - 2 * PADDING - VALUE_WIDTH
    inner_h = height - 2 * PADDING
    step = inner_w / max(1, len(points) - 1)

    def xy(index, value):
        return (
            round(PADDING + VALUE_WIDTH + index * step, 1),
            round(PADDING + inner_h - inner_h * value / largest, 1),
        )

    coords = [xy(i, value) for i, (_, value) in enumerate(points)]
    parts = [
        f'<line x1="{PADDING + VALUE_WIDTH}" y1="{PADDING + inner_h}" x2="{WIDTH - PADDING}" '
        f'y2="{PADDING + inner_h}" class="chart-axis"/>',
        f'<text x="{PADDING + VALUE_WIDTH - 6}" y="{PADDING + FONT_SIZE / 3}" class="chart-value" '
        f'text-anchor="end">{_number(largest)}</text>',
        f'<text x="{PADDING + VALUE_WIDTH - 6}" y="{PADDING + inner_h}" class="chart-value" '
        f'text-anchor="end">0</text>',
    ]
    if len(coords) > 1:
        path = " ".join(f"{x},{y}" for x, y in coords)
        parts.append(f'<polyline points="{path}" class="chart-line"/>')
    for x, y in coords:
        parts.append(f'<circle cx="{x}" cy="{y}" r="4" class="chart-point"/>')
    for index in sorted({0, len(points) // 2, len(points) - 1}) if points else ():
        x, _ = coords[index]
        parts.append(
            f'<text x="{x}" y="{height - PADDING / 3}" class="chart-label" text-anchor="middle">'
            f"{escape(_clip(str(points[index][0]), 12))}</text>"
        )
    if points:
        first, last = points[0], points[-1]
        description = (
            f"{len(points)} points, de {first[0]} ({_number(first[1])}) à {last[0]} "
            f"({_number(last[1])}){' ' + unit[1] if unit[1] else ''} ; maximum {_number(largest)}."
        )
    else:
        description = "Aucune donnée."
    return _svg(title, description, WIDTH, height, "".join(parts))


def _svg(title: str, description: str, width: int, height: int, body: str) -> SafeString:
    # role="img" with its <title> and <desc> gives the accessible name and description; the table
    # next to it carries the data.
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>{body}</svg>"
    )
