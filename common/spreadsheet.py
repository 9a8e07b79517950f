"""Cells that are safe to open in a spreadsheet: formula text neutralised.

Every table a page shows can be downloaded (st.dataframe's toolbar "Download as CSV"; later the
project's own xlsx/csv export), and a spreadsheet runs a cell such as ``=HYPERLINK(…)`` as a
formula. OWASP's advice for CSV injection: a text cell starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return gets a leading ``'``, which spreadsheets show as text.

Pure pandas, no Streamlit and nothing of the project: the pages hand every table to st.dataframe
through :func:`neutralise_formulas`, and the project's own xlsx/csv export builds on the same one.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed plain number such as "+1,2", "-0.5 %" or a lone "-": a spreadsheet reads it as a number
# or as text, never as a formula (no letters, no reference, no call), so it keeps its look.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9\s.,]*%?")


def neutralise_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula.

    Anything that is not a string (numbers, negative ones included, dates, None) is returned as
    it is: only text can carry a formula.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def _holds_text(column: pd.Series) -> bool:
    dtype = column.dtype
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot run as formulas.

    Numeric, boolean and date columns are not touched; the index is neutralised too (a page may
    show it). Hand every DataFrame to st.dataframe / st.table through this function.
    """
    result = frame.copy()
    for position in range(result.shape[1]):
        column = result.iloc[:, position]
        if _holds_text(column):
            if isinstance(column.dtype, pd.CategoricalDtype):
                column = column.astype(object)
            result.isetitem(position, column.map(neutralise_cell, na_action="ignore").array)
    result.columns = _neutralised_index(result.columns)
    result.index = _neutralised_index(result.index)
    return result


def _neutralised_index(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex) or not _holds_text(index.to_series()):
        return index
    return pd.Index([neutralise_cell(label) for label in index], name=index.name)
