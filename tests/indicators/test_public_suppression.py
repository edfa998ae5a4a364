"""Published breakdowns (indicators.public.suppressed): 1 to 4 people hidden, and a second cell
withheld wherever a lone hidden one could be computed from its total, across crossed tables too."""

from indicators.public import WITHHELD, suppressed


def test_a_lone_hidden_cell_takes_the_smallest_other_with_it():
    cells = {"habitants": 40, "associations": 12, "acteurs sociaux": 3, "partenaires": 0}
    assert suppressed(cells, [list(cells)]) == {
        "habitants": 40,
        "associations": WITHHELD,  # 40 + 12 + 3 = 55: without this, 55 − 40 − 12 gives the 3
        "acteurs sociaux": None,
        "partenaires": 0,  # nobody: nothing to protect, and no cover
    }


def test_two_hidden_cells_protect_each_other():
    cells = {"a": 40, "b": 2, "c": 3}
    assert suppressed(cells, [list(cells)]) == {"a": 40, "b": None, "c": None}


def test_nothing_to_withhold_when_the_hidden_cell_is_alone_with_zeros():
    cells = {"a": 0, "b": 3}
    assert suppressed(cells, [list(cells)]) == {"a": 0, "b": None}


def test_a_withheld_cell_is_protected_in_the_other_table_it_belongs_to():
    # Communes × publics: Darnétal's 3 social workers are hidden; Darnétal's 20 residents are
    # withheld to cover them; then the residents by commune (Rouen 50, Darnétal 20) would give the
    # 20 back, so Rouen's residents are withheld too, and so on until no table has a lone cell.
    cells = {
        ("rouen", "habitant"): 50,
        ("rouen", "social"): 9,
        ("darnetal", "habitant"): 20,
        ("darnetal", "social"): 3,
    }
    groups = [
        [("rouen", "habitant"), ("rouen", "social")],
        [("darnetal", "habitant"), ("darnetal", "social")],
        [("rouen", "habitant"), ("darnetal", "habitant")],
        [("rouen", "social"), ("darnetal", "social")],
    ]
    published = suppressed(cells, groups)
    assert published[("darnetal", "social")] is None
    assert published[("darnetal", "habitant")] == WITHHELD
    for group in groups:
        hidden = [cell for cell in group if published[cell] in (None, WITHHELD)]
        assert len(hidden) != 1, group
