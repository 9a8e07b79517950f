"""The month-end grid the operational measures are counted on (units × periods).

Every operational measure is a count of records "active" at some month ends, so one primitive
does the work: :func:`totals_at_month_ends` adds each record's weight from a start month up to
a stop month with a difference array per unit — linear in the records, whatever the number of
months. The subject modules (``metrics.tasks``, ``metrics.feedback``,
``metrics.infrastructure``) build their measures on it; month arithmetic is
``common.periods``'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from common.periods import from_month_index, period_end
from common.periods import month_index as period_index

MEASURE_COLUMNS = [
    "unit_code",
    "indicator_key",
    "period",
    "value",
    "source_type",
    "reported_at",
    "applicable",
]


def month_index(values: pd.Series | np.ndarray | list[Any]) -> np.ndarray:
    """``common.periods.month_index`` over many dates or timestamps at once; NaN for NaT/None."""
    stamps = pd.to_datetime(pd.Series(values).reset_index(drop=True))
    return (stamps.dt.year * 12 + stamps.dt.month - 1).to_numpy(dtype=float, na_value=np.nan)


@dataclass(frozen=True)
class MonthGrid:
    """The units (rows) and periods (columns) the measures are computed for."""

    units: list[str]
    periods: list[date]

    @property
    def indices(self) -> np.ndarray:
        return np.array([period_index(p) for p in self.periods], dtype=np.int64)

    @property
    def ends(self) -> list[datetime]:
        """E of each period: 00:00 on the first day of the next month."""
        return [period_end(from_month_index(int(i))) for i in self.indices]


def totals_at_month_ends(
    grid: MonthGrid,
    unit_code: pd.Series,
    start: np.ndarray,
    stop: np.ndarray | None = None,
    weight: np.ndarray | pd.Series | float = 1.0,
) -> np.ndarray:
    """Units × periods: the summed ``weight`` of the records that count at each period's end.

    A record counts for every period p (month index) with ``start <= p < stop``; a NaN stop
    means it never stops; a NaN start, or a stop before the start, that it never counts.
    Unknown units are ignored.
    """
    first, last = int(grid.indices.min()), int(grid.indices.max())
    span = last - first + 1
    rows = pd.Index(grid.units).get_indexer(pd.Index(pd.Series(unit_code).astype(str)))
    start = np.asarray(start, dtype=float)
    stop = np.full(len(start), np.nan) if stop is None else np.asarray(stop, dtype=float)
    weights = np.broadcast_to(np.asarray(weight, dtype=float), start.shape)
    keep = (rows >= 0) & ~np.isnan(start)
    begin = np.clip(start[keep] - first, 0, span).astype(np.int64)
    # A stop before the start (a task confirmed before its deadline's month): it never counts.
    end = np.where(np.isnan(stop[keep]), span, stop[keep] - first)
    end = np.clip(np.maximum(end, start[keep] - first), 0, span).astype(np.int64)
    deltas = np.zeros((len(grid.units), span + 1))
    np.add.at(deltas, (rows[keep], begin), weights[keep])
    np.add.at(deltas, (rows[keep], end), -weights[keep])
    return np.cumsum(deltas, axis=1)[:, grid.indices - first]


def rate(part: np.ndarray, whole: np.ndarray, per: float) -> np.ndarray:
    """``per`` × part / whole, NaN where the whole is 0 or unknown (``whole`` may broadcast)."""
    return np.divide(per * part, whole, out=np.full(part.shape, np.nan), where=whole > 0)


def share_pct(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return rate(part, whole, 100.0)


def measure_rows(
    key: str, grid: MonthGrid, values: np.ndarray, applicable: np.ndarray | None = None
) -> pd.DataFrame:
    """Long measures rows of one indicator from a units × periods grid of values."""
    n_units, n_periods = len(grid.units), len(grid.periods)
    applies = np.ones((n_units, n_periods), bool) if applicable is None else applicable
    return pd.DataFrame(
        {
            "unit_code": np.repeat(np.asarray(grid.units, dtype=object), n_periods),
            "indicator_key": key,
            "period": np.tile(np.asarray(grid.periods, dtype=object), n_units),
            "value": np.where(applies, values, np.nan).ravel(),
            "source_type": "auto",
            "reported_at": pd.to_datetime(np.tile(np.asarray(grid.ends, dtype=object), n_units)),
            "applicable": applies.ravel(),
        }
    )


def population_column(populations: pd.DataFrame, grid: MonthGrid) -> np.ndarray:
    """Each grid unit's population as a column (units × 1), NaN when unknown."""
    by_unit = populations.set_index("unit_code")["population"]
    return by_unit.reindex(grid.units).to_numpy(dtype=float)[:, None]


def known_population(population: np.ndarray, grid: MonthGrid) -> np.ndarray:
    """Units × periods: True where the unit's population is known (a per-person measure applies)."""
    return np.broadcast_to(population > 0, (len(grid.units), len(grid.periods)))
