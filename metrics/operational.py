"""Operational measures per unit and month, from the task, feedback and 5G-site records.

Pure functions over the compact frames of :class:`data.measures.OperationalInputs`: no SQL, no
Streamlit. The result is a *measures* frame (the shape ``metrics.scoring`` consumes) with one
row per unit × indicator × period, measured at the end of the period E (00:00 on the first day
of the next month, which is also when the value counts as reported):

* ``task_on_time_pct``: of the unit's assignments due before E, the share confirmed done before
  E and completed by the deadline; not applicable while none is due;
* ``task_overdue_count``: assignments due before E and not confirmed done before E;
* ``feedback_on_time_pct`` / ``feedback_evidence_pct``: of the cases resolved in the 3 months
  before E, the share resolved by the deadline / with response evidence;
  ``feedback_satisfaction_pct``: of those rated, the share rated 4–5; each not applicable
  without a case to count;
* ``feedback_backlog_per_10k``: cases open and past their deadline at E, per 10,000 people;
* ``centre_5g_on_air``: 1 when a 5G site serving the unit's centre is on air before E;
* ``population_5g_pct``: people covered by the unit's 5G sites on air before E, capped at 100 %.

Every measure is a count of records "active" at some month ends, so one primitive does the
work: :func:`totals_at_month_ends` adds each record's weight from a start month up to a stop
month with a difference array per unit — linear in the records, whatever the number of months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from data.measures import OperationalInputs

__all__ = ["OperationalInputs", "operational_measures"]

FEEDBACK_WINDOW_MONTHS = 3
PEOPLE_PER_RATE = 10_000  # the backlog is given per 10,000 people
MEASURE_COLUMNS = [
    "unit_code",
    "indicator_key",
    "period",
    "value",
    "source_type",
    "reported_at",
    "applicable",
]


# --- months -------------------------------------------------------------------------------


def month_index(values: pd.Series | np.ndarray | list) -> np.ndarray:
    """Months since year 0 (year × 12 + month − 1) of dates or timestamps; NaN for NaT/None."""
    stamps = pd.to_datetime(pd.Series(values).reset_index(drop=True))
    return (stamps.dt.year * 12 + stamps.dt.month - 1).to_numpy(dtype=float, na_value=np.nan)


def _first_day(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class MonthGrid:
    """The units (rows) and periods (columns) the measures are computed for."""

    units: list[str]
    periods: list[date]

    @property
    def indices(self) -> np.ndarray:
        return np.array([p.year * 12 + p.month - 1 for p in self.periods], dtype=np.int64)

    @property
    def ends(self) -> list[datetime]:
        """E of each period: 00:00 on the first day of the next month."""
        return [datetime.combine(_first_day(int(i) + 1), datetime.min.time()) for i in self.indices]


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
    rows = pd.Index(grid.units).get_indexer(pd.Series(unit_code).astype(str))
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


def _rate(part: np.ndarray, whole: np.ndarray, per: float) -> np.ndarray:
    """``per`` × part / whole, NaN where the whole is 0 or unknown (``whole`` may broadcast)."""
    return np.divide(per * part, whole, out=np.full(part.shape, np.nan), where=whole > 0)


def _share_pct(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return _rate(part, whole, 100.0)


# --- the measures frame -------------------------------------------------------------------


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


def _populations(inputs: OperationalInputs, grid: MonthGrid) -> np.ndarray:
    """Each grid unit's population as a column (units × 1), NaN when unknown."""
    by_unit = inputs.populations.set_index("unit_code")["population"]
    return by_unit.reindex(grid.units).to_numpy(dtype=float)[:, None]


def _known(population: np.ndarray, grid: MonthGrid) -> np.ndarray:
    """Units × periods: True where the unit's population is known (a per-person measure applies)."""
    return np.broadcast_to(population > 0, (len(grid.units), len(grid.periods)))


# --- tasks --------------------------------------------------------------------------------


def task_measures(assignments: pd.DataFrame, grid: MonthGrid) -> list[pd.DataFrame]:
    """On-time share among assignments due, and open overdue assignments, at each period end."""
    units = assignments["unit_code"]
    due_from = month_index(assignments["deadline"])
    confirmed = month_index(assignments["confirmed_at"])
    deadline = pd.to_datetime(assignments["deadline"])
    # Completed by the deadline, and confirmed: on time from the month both have happened.
    on_time = (pd.to_datetime(assignments["completed_at"]) <= deadline).to_numpy()
    on_time_from = np.where(on_time, np.maximum(due_from, confirmed), np.nan)  # NaN: unconfirmed
    due = totals_at_month_ends(grid, units, due_from)
    done_on_time = totals_at_month_ends(grid, units, on_time_from)
    # Overdue from the deadline's month until the month of confirmation (never, if unconfirmed).
    overdue = totals_at_month_ends(grid, units, due_from, confirmed)
    return [
        measure_rows("task_on_time_pct", grid, _share_pct(done_on_time, due), due > 0),
        measure_rows("task_overdue_count", grid, overdue),
    ]


# --- feedback -----------------------------------------------------------------------------


def feedback_window_sums(resolved: pd.DataFrame, grid: MonthGrid) -> dict[str, np.ndarray]:
    """Per count column: units × periods sums over the 3 months ending with each period."""
    month = month_index(resolved["month"])
    columns = ["resolved", "on_time", "with_evidence", "rated", "satisfied"]
    return {
        column: totals_at_month_ends(
            grid,
            resolved["unit_code"],
            month,
            month + FEEDBACK_WINDOW_MONTHS,
            resolved[column].to_numpy(dtype=float),
        )
        for column in columns
    }


def feedback_share_measures(resolved: pd.DataFrame, grid: MonthGrid) -> list[pd.DataFrame]:
    """On-time, satisfied and with-evidence shares of the cases resolved in the window."""
    sums = feedback_window_sums(resolved, grid)
    done, rated = sums["resolved"], sums["rated"]
    return [
        measure_rows("feedback_on_time_pct", grid, _share_pct(sums["on_time"], done), done > 0),
        measure_rows(
            "feedback_satisfaction_pct", grid, _share_pct(sums["satisfied"], rated), rated > 0
        ),
        measure_rows(
            "feedback_evidence_pct", grid, _share_pct(sums["with_evidence"], done), done > 0
        ),
    ]


def backlog_measure(inputs: OperationalInputs, grid: MonthGrid) -> pd.DataFrame:
    """Cases open past their deadline at each period end, per 10,000 people."""
    spells = inputs.feedback_overdue
    backlog = totals_at_month_ends(
        grid,
        spells["unit_code"],
        month_index(spells["from_month"]),
        month_index(spells["until_month"]),
        spells["cases"].to_numpy(dtype=float),
    )
    population = _populations(inputs, grid)
    per_10k = _rate(backlog, population, PEOPLE_PER_RATE)
    # A unit without a known population cannot be put on a per-person scale.
    return measure_rows("feedback_backlog_per_10k", grid, per_10k, _known(population, grid))


# --- 5G -----------------------------------------------------------------------------------


def infrastructure_measures(inputs: OperationalInputs, grid: MonthGrid) -> list[pd.DataFrame]:
    sites = inputs.sites_5g
    on_air_from = month_index(sites["on_air_at"])
    centre = sites["serves_centre"].astype(bool).to_numpy()
    centre_sites = totals_at_month_ends(grid, sites["unit_code"][centre], on_air_from[centre])
    covered = totals_at_month_ends(
        grid, sites["unit_code"], on_air_from, weight=sites["population_covered"].to_numpy(float)
    )
    population = _populations(inputs, grid)
    # Sites overlap, so their summed coverage can exceed the population: cap at everyone.
    coverage = np.minimum(_share_pct(covered, population), 100.0)
    return [
        measure_rows("centre_5g_on_air", grid, (centre_sites > 0).astype(float)),
        measure_rows("population_5g_pct", grid, coverage, _known(population, grid)),
    ]


# --- all of them --------------------------------------------------------------------------


def operational_measures(inputs: OperationalInputs, periods: list[date]) -> pd.DataFrame:
    """The operational measures of every unit in ``inputs.populations`` for ``periods``."""
    units = inputs.populations["unit_code"].astype(str).tolist()
    if not periods or not units:
        return pd.DataFrame(columns=MEASURE_COLUMNS)
    months = sorted({date(p.year, p.month, 1) for p in periods})
    grid = MonthGrid(units=units, periods=months)
    frames = [
        *task_measures(inputs.task_assignments, grid),
        *feedback_share_measures(inputs.feedback_resolved, grid),
        backlog_measure(inputs, grid),
        *infrastructure_measures(inputs, grid),
    ]
    measures = pd.concat(frames, ignore_index=True)
    return measures.sort_values(["unit_code", "indicator_key", "period"], ignore_index=True)
