"""Citizen feedback: the case rules and the monthly feedback measures.

Pure functions; the counts come from ``data.feedback``, which takes the thresholds it needs as
arguments from here (the data layer never imports metrics). The rules:

* a case is answered within its **answer deadline**: working time from acceptance, on the
  working calendar (``common.workcalendar``), by severity and category — the declared table
  ``metrics/feedback_deadlines.yaml``, applied by ``metrics.feedback_cases`` (pauses, reopenings);
* a citizen is **satisfied** with a rating of :data:`SATISFIED_FROM_STARS` stars or more;
* cases turned away or merged into another (:data:`NOT_HANDLED`) are nobody's backlog;
* a case is **on time** when resolved by its deadline.

Measures at the end E of each period (see ``metrics.monthly``):

* ``feedback_on_time_pct`` / ``feedback_evidence_pct``: of the cases resolved in the
  :data:`WINDOW_MONTHS` months before E, the share resolved by the deadline / with response
  evidence; ``feedback_satisfaction_pct``: of those rated, the share satisfied; each not
  applicable without a case to count;
* ``feedback_backlog_per_10k``: cases open and past their deadline at E (or at the data's
  as-of instant when E is later), per 10,000 people, by each case's state from its status
  history (``metrics.feedback_cases``: a reopened case is open again, a paused one is not
  overdue, a case set aside today still counts at every earlier month end it was overdue).
  The counts are stored per unit and month with the data (``metrics.feedback_stats``).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from common.workcalendar import WorkCalendar, default_calendar
from metrics.feedback_cases import default_deadline_table
from metrics.monthly import (
    MonthGrid,
    known_population,
    measure_rows,
    month_index,
    rate,
    share_pct,
    totals_at_month_ends,
)

SATISFIED_FROM_STARS = 4  # a rating of 4 or 5 stars counts as satisfied
# Cases that were turned away or merged into another case are nobody's backlog (from the moment
# the status history says so).
NOT_HANDLED: tuple[str, ...] = ("rejected", "duplicate")
WINDOW_MONTHS = 3  # the shares count the cases resolved in the last three months
PEOPLE_PER_RATE = 10_000  # the backlog is given per 10,000 people
COUNT_COLUMNS = ("resolved", "on_time", "with_evidence", "rated", "satisfied")


def answer_due_at(
    accepted_at: datetime,
    severity: str,
    calendar: WorkCalendar | None = None,
    category: str = "",
    group: str | None = None,
) -> datetime:
    """When the answer to a case accepted at ``accepted_at`` is due, before any pause (the
    declared table's time for its severity and category)."""
    calendar = calendar or default_calendar()
    allowed = default_deadline_table().answer_time(severity, category, group).seconds(calendar)
    return calendar.add_working_hours(accepted_at, allowed / 3600)


def is_satisfied(stars: int | None) -> bool:
    """Whether a rating counts as a satisfied citizen (no rating: not counted either way)."""
    return stars is not None and stars >= SATISFIED_FROM_STARS


def counts_as_backlog(status: str) -> bool:
    """Whether a case of this status can be anyone's open backlog."""
    return status not in NOT_HANDLED


def window_sums(resolved: pd.DataFrame, grid: MonthGrid) -> dict[str, np.ndarray]:
    """Per count column: units × periods sums over the window ending with each period."""
    month = month_index(resolved["month"])
    return {
        column: totals_at_month_ends(
            grid,
            resolved["unit_code"],
            month,
            month + WINDOW_MONTHS,
            resolved[column].to_numpy(dtype=float),
        )
        for column in COUNT_COLUMNS
    }


def share_measures(resolved: pd.DataFrame, grid: MonthGrid) -> list[pd.DataFrame]:
    """On-time, satisfied and with-evidence shares of the resolutions in the window.

    ``resolved``: unit_code, month and the :data:`COUNT_COLUMNS` per unit and month, from the
    stored feedback counts (``metrics.feedback_stats``: every change into ``resolved``, on time
    by the deadline in force for its round; evidence and rating on a case's last resolution).
    """
    sums = window_sums(resolved, grid)
    done, rated = sums["resolved"], sums["rated"]
    return [
        measure_rows("feedback_on_time_pct", grid, share_pct(sums["on_time"], done), done > 0),
        measure_rows(
            "feedback_satisfaction_pct", grid, share_pct(sums["satisfied"], rated), rated > 0
        ),
        measure_rows(
            "feedback_evidence_pct", grid, share_pct(sums["with_evidence"], done), done > 0
        ),
    ]


def backlog_measure(spells: pd.DataFrame, population: np.ndarray, grid: MonthGrid) -> pd.DataFrame:
    """Cases open past their deadline at each period end, per 10,000 people.

    ``spells``: unit_code, from_month, until_month, cases — ``cases`` count at the end of every
    month from ``from_month`` up to, not including, ``until_month`` (NaT: every later month).
    They come from the stored feedback counts: the cases ``open_overdue`` at each month's
    instant (its end, or the data's as-of instant in the month holding it; a paused case is
    not overdue), one month each, the as-of month's running on; ``population``: units × 1.
    """
    backlog = totals_at_month_ends(
        grid,
        spells["unit_code"],
        month_index(spells["from_month"]),
        month_index(spells["until_month"]),
        spells["cases"].to_numpy(dtype=float),
    )
    per_10k = rate(backlog, population, PEOPLE_PER_RATE)
    # A unit without a known population cannot be put on a per-person scale.
    return measure_rows(
        "feedback_backlog_per_10k", grid, per_10k, known_population(population, grid)
    )
