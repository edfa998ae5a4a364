"""The server-drawn SVG charts: valid SVG, accessible name and description, escaped labels."""

from xml.etree import ElementTree

from indicators.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ElementTree.fromstring(str(svg))


def test_bar_chart_draws_one_bar_per_row_scaled_to_the_largest():
    root = parse(
        bar_chart(
            [("Rouen", 120), ("Oissel-sur-Seine", 12)],
            title="Personnes par commune",
            unit=("personne", "personnes"),
        )
    )
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Personnes par commune"
    assert "la plus longue : Rouen, 120 personnes" in root.find(f"{SVG}desc").text
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 2
    assert float(bars[0].get("width")) == 10 * float(bars[1].get("width"))


def test_bar_chart_escapes_labels_and_handles_no_data():
    root = parse(bar_chart([("<script>", 1)], title="A & B"))
    assert root.find(f"{SVG}title").text == "A & B"
    assert "<script>" not in str(bar_chart([("<script>", 1)], title="x"))
    assert parse(bar_chart([], title="Vide")).find(f"{SVG}desc").text == "Aucune donnée."
    # Zero everywhere: no division by zero, empty bars.
    assert parse(bar_chart([("a", 0), ("b", 0)], title="Zéro")).findall(f"{SVG}rect")[0].get("width") == "0"


def test_line_chart_draws_a_point_per_month_and_describes_the_trend():
    points = [("Janvier 2026", 4), ("Février 2026", 9), ("Mars 2026", 1_500)]
    root = parse(line_chart(points, title="Personnes mobilisées chaque mois", unit=("personne", "personnes")))
    assert len(root.findall(f"{SVG}circle")) == 3
    assert root.find(f"{SVG}polyline") is not None
    description = root.find(f"{SVG}desc").text
    assert "de Janvier 2026 (4) à Mars 2026 (1\u202f500) personnes" in description
    assert parse(line_chart([("Mai", 3)], title="Un point")).find(f"{SVG}polyline") is None
    assert parse(line_chart([], title="Vide")).find(f"{SVG}desc").text == "Aucune donnée."
