"""Tile layout: one cell per unit, compact, geography kept (west left, north up)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from data.registry import UnitRecord
from geo.tiles import _assign, tile_layout

# The wards of the former city of Buôn Ma Thuột (highlands, west of centre).
BUON_MA_THUOT_WARDS = {
    "24121": "Tân Lập",
    "24133": "Buôn Ma Thuột",
    "24154": "Thành Nhất",
    "24163": "Tân An",
    "24169": "Ea Kao",
}
TUY_HOA = "22015"  # ward on the east coast


def test_every_unit_gets_its_own_cell(units: list[UnitRecord]) -> None:
    layout = tile_layout(units)
    assert list(layout.columns) == ["code", "col", "row"]
    assert sorted(layout["code"]) == sorted(u.code for u in units)
    assert len(set(zip(layout["col"], layout["row"], strict=True))) == 102
    assert layout["col"].min() == 0 and layout["row"].min() == 0


def test_grid_is_compact(units: list[UnitRecord]) -> None:
    layout = tile_layout(units)
    columns, rows = layout["col"].max() + 1, layout["row"].max() + 1
    assert 12 <= columns <= 14
    assert columns * rows <= 150  # 102 units: at most ~1/3 of the rectangle left empty
    for _, line in layout.groupby("row"):  # no empty cell between two units of a row
        assert line["col"].max() - line["col"].min() + 1 == len(line)


def test_geography_is_kept(units: list[UnitRecord]) -> None:
    layout = tile_layout(units).set_index("code")
    by_code = {u.code: u for u in units}
    west = min(units, key=lambda u: u.centre_lon)
    north = max(units, key=lambda u: u.centre_lat)
    assert layout.loc[west.code, "col"] <= 1
    assert layout.loc[north.code, "row"] <= 1
    bmt_columns = layout.loc[list(BUON_MA_THUOT_WARDS), "col"]
    assert layout.loc[TUY_HOA, "col"] > bmt_columns.max()
    lon = pd.Series({code: by_code[code].centre_lon for code in layout.index})
    lat = pd.Series({code: by_code[code].centre_lat for code in layout.index})
    # Rank (Spearman) correlation, computed as Pearson on ranks: no scipy needed.
    assert layout["col"].rank().corr(lon.rank()) > 0.9
    assert layout["row"].rank().corr((-lat).rank()) > 0.9


def test_layout_is_deterministic(units: list[UnitRecord]) -> None:
    first = tile_layout(units)
    pd.testing.assert_frame_equal(first, tile_layout(units))
    pd.testing.assert_frame_equal(first, tile_layout(list(reversed(units))))


def test_small_inputs(units: list[UnitRecord]) -> None:
    assert tile_layout([]).empty
    one = tile_layout(units[:1])
    assert one.to_dict("records") == [{"code": units[0].code, "col": 0, "row": 0}]


def test_assignment_is_optimal_on_small_cases() -> None:
    """Against brute force over every injective assignment, ties included."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 5))
        m = int(rng.integers(n, 7))
        cost = rng.integers(0, 6, size=(n, m)).astype(float)
        chosen = _assign(cost)
        assert len(set(chosen)) == n
        best = min(
            sum(cost[i, cols[i]] for i in range(n)) for cols in itertools.permutations(range(m), n)
        )
        assert cost[np.arange(n), chosen].sum() == best
