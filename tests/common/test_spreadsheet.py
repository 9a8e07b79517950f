"""Formula cells are neutralised before a table can be downloaded (OWASP's CSV-injection advice)."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from common.spreadsheet import neutralise_cell, neutralise_formulas

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Xã Ea Súp", "Xã Ea Súp"),
        ("a=1", "a=1"),  # only the first character counts
        # Signed plain numbers written as text keep their look: no formula can hide in them.
        ("+1,2", "+1,2"),
        ("-0.5", "-0.5"),
        ("-12,5 %", "-12,5 %"),
        ("-", "-"),
    ],
)
def test_text_cells(cell: str, safe: str) -> None:
    assert neutralise_cell(cell) == safe


@pytest.mark.parametrize("value", [-3, -2.5, 0, None, True, pd.Timestamp("2026-01-01")])
def test_values_that_are_not_text_are_kept(value: object) -> None:
    assert neutralise_cell(value) is value


def test_frame_text_columns_names_and_index_are_neutralised() -> None:
    frame = pd.DataFrame(
        {
            "=name": ["=1+1", "Phường Tuy Hòa", None],
            "score": [-1.5, 2.0, -3.25],
            "count": [-1, 0, 7],
            "band": pd.Categorical(["@x", "green", "red"]),
        },
        index=pd.Index(["+a", "b", "c"]),
    )
    safe = neutralise_formulas(frame)
    assert list(safe.columns) == ["'=name", "score", "count", "band"]
    assert safe["'=name"].tolist()[:2] == ["'=1+1", "Phường Tuy Hòa"]
    assert pd.isna(safe["'=name"].iloc[2])
    assert safe["band"].tolist() == ["'@x", "green", "red"]
    assert list(safe.index) == ["'+a", "b", "c"]
    # Negative numbers stored as numbers stay numbers, untouched.
    assert safe["score"].tolist() == [-1.5, 2.0, -3.25]
    assert safe["count"].dtype == frame["count"].dtype
    assert frame["=name"].iloc[0] == "=1+1"  # the caller's frame is not changed


def test_csv_of_a_neutralised_frame_has_no_cell_starting_a_formula() -> None:
    frame = pd.DataFrame({"evidence": ['=HYPERLINK("http://evil")', "ok"], "value": [-4, 5]})
    text = neutralise_formulas(frame).to_csv(index=False)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert cells == ["evidence", "value", '\'=HYPERLINK("http://evil")', "-4", "ok", "5"]


def _table_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"dataframe", "table", "data_editor"}
    ]


def test_every_table_a_page_shows_goes_through_the_neutraliser() -> None:
    files = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]
    calls = [(path, call) for path in files for call in _table_calls(path)]
    assert calls, "no st.dataframe call found: the guard looks in the wrong place"
    unguarded = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, call in calls
        if not (
            call.args
            and isinstance(call.args[0], ast.Call)
            and isinstance(call.args[0].func, ast.Name)
            and call.args[0].func.id == "neutralise_formulas"
        )
    ]
    assert unguarded == []
