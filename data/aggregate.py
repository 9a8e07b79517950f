"""SQL building blocks the subject queries share: months in the database's dialect, counts.

Aggregation stays in the database (feedback has millions of rows in benchmarks); only the
grouped, small result reaches pandas.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import SQLColumnExpression, case, func
from sqlalchemy.sql.elements import ColumnElement


def month_of(column: SQLColumnExpression[datetime | None], dialect: str) -> ColumnElement[str]:
    """The calendar month of a timestamp as 'YYYY-MM' text, in the database's own dialect."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    raise NotImplementedError(f"no month expression for the {dialect!r} dialect")


def months_from_text(text: pd.Series) -> pd.Series:
    """'YYYY-MM' (or NULL) → the first day of that month as datetime64 (or NaT)."""
    return pd.to_datetime(text, format="%Y-%m")


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def as_dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})
