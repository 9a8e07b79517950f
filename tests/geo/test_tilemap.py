"""The tile map's labels stay inside their squares and are escaped."""

from __future__ import annotations

import pandas as pd

from data.registry import load_units
from geo.tilemap import tile_figure, wrap_name


def test_long_names_are_broken_into_short_lines() -> None:
    assert wrap_name("Buôn Ma Thuột") == "Buôn Ma<br>Thuột"
    assert wrap_name("Ea Súp") == "Ea Súp"
    assert wrap_name("Krông Pắc") == "Krông<br>Pắc"


def test_labels_are_escaped() -> None:
    assert wrap_name("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"


# Plotly shows its label strings as a small HTML of its own: it decodes &amp; &lt; &gt; (and
# numeric entities) but shows &quot; and other named entities as they stand, so a label escaped
# for HTML came out as «Ea &quot;A&quot;» on the tile map.


def test_quotes_and_apostrophes_reach_plotly_unescaped() -> None:
    assert wrap_name('Ea "A"') == 'Ea "A"'
    assert wrap_name("Cu M'gar") == "Cu M'gar"  # 8 characters: one line
    assert wrap_name("a & <b>") == "a &amp; &lt;b&gt;"  # 7 characters: one line


def test_the_real_names_with_a_typographic_apostrophe_are_kept() -> None:
    names = [unit.name for unit in load_units() if "’" in unit.name]
    assert len(names) == 5  # Ea H’Leo, Cư M’gar, Ea M’Droh, M’Drắk, Cư M’ta
    for name in names:
        assert wrap_name(name).replace("<br>", " ") == name


def test_tile_labels_hover_and_legend_are_escaped_once() -> None:
    cells = pd.DataFrame(
        {
            "code": ["99001"],
            "col": [0],
            "row": [0],
            "band": ["red"],
            "label": ['Ea "A"'],
            "hover": ['Xã Ea "A" & B · 64,3'],
            "in_view": [True],
            "legend": ["Đỏ 'x'"],
        }
    )
    trace, legend = tile_figure(cells).data  # the names, then the band's legend entry
    assert list(trace.text) == ['✕<br>Ea "A"']  # the red band's symbol, then the name
    assert list(trace.hovertext) == ['Xã Ea "A" &amp; B · 64,3']
    assert legend.name == "✕ Đỏ 'x'"


def test_squares_are_drawn_in_grid_units_so_neighbours_never_overlap() -> None:
    # Two neighbours in one row and a faded unit below: three squares, each narrower than a
    # grid step, so whatever width the page gives the figure they cannot overlap.
    cells = pd.DataFrame(
        {
            "code": ["1", "2", "3"],
            "col": [0, 1, 0],
            "row": [0, 0, 1],
            "band": ["green", "grey", "red"],
            "label": ["A", "B", "C"],
            "hover": ["a", "b", "c"],
            "in_view": [True, True, False],
            "legend": ["Xanh", "Xám", "Đỏ"],
        }
    )
    squares = tile_figure(cells).layout.shapes
    assert len(squares) == 3
    first, second, below = squares
    assert first.x1 < second.x0 and first.y1 < below.y0  # a gap on both axes
    assert first.x1 - first.x0 < 1 and first.xref == "x"  # less than one grid step wide
    assert second.line.dash == "dash"  # grey is dashed, as on the map
    assert below.opacity < first.opacity == 1.0  # outside the chosen peer group: faded


def test_the_big_screen_puts_the_symbol_before_the_name_and_never_alone() -> None:
    from geo.tilemap import BIG_SCREEN_LOOK, PAGE_LOOK, _label

    # Seven characters a line, the symbol and its space counted.
    assert _label("!", "Krông Búk", BIG_SCREEN_LOOK) == "! Krông<br>Búk"
    assert _label("✓", "Buôn Ma Thuột", BIG_SCREEN_LOOK) == "✓ Buôn<br>Ma<br>Thuột"
    assert _label("✕", "Ea Rốk", BIG_SCREEN_LOOK) == "✕ Ea<br>Rốk"
    # "! M'Drắk" is 8 characters: the symbol stays with the word rather than alone above it.
    assert _label("!", "M'Drắk", BIG_SCREEN_LOOK) == "! M'Drắk"
    # The page keeps the symbol on a line of its own, eight characters a line.
    assert _label("!", "Krông Búk", PAGE_LOOK) == "!<br>Krông<br>Búk"
