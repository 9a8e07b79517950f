"""Citizen feedback: the case rules and the monthly feedback measures.

Pure functions; the counts come from ``data.feedback``, which takes the thresholds it needs as
arguments from here (the data layer never imports metrics). The rules:

* a case is answered within its **answer deadline**: working time from acceptance, on the
  working calendar (``common.workcalendar``), by severity — :data:`ANSWER_DEADLINES`;
* a citizen is **satisfied** with a rating of :data:`SATISFIED_FROM_STARS` stars or more;
* cases turned away or merged into another (:data:`NOT_HANDLED`) are nobody's backlog;
* a case is **on time** when resolved by its deadline.

Measures at the end E of each period (see ``metrics.monthly``):

* ``feedback_on_time_pct`` / ``feedback_evidence_pct``: of the cases resolved in the
  :data:`WINDOW_MONTHS` months before E, the share resolved by the deadline / with response
  evidence; ``feedback_satisfaction_pct``: of those rated, the share satisfied; each not
  applicable without a case to count;
* ``feedback_backlog_per_10k``: cases open and past their deadline at E, per 10,000 people. A
  case leaves the backlog when it is resolved or set aside (:data:`NOT_HANDLED`), whichever
  comes first; the date it was set aside is its first change into one of those statuses in the
  status history, so a case set aside today still counts at every earlier month end it was
  overdue — a reclassification never rewrites a past month. A case that left by its deadline,
  or is set aside with no date in its history, never counts; one taken up again after being
  set aside counts from its deadline to its resolution (``data.feedback``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from common.workcalendar import WorkCalendar, default_calendar
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


@dataclass(frozen=True)
class AnswerTime:
    """Working time allowed for an answer: whole working days, or working hours."""

    days: int = 0
    hours: float = 0.0

    def seconds(self, calendar: WorkCalendar) -> int:
        return round(self.days * calendar.seconds_per_day + self.hours * 3600)


# Working time from acceptance to the answer, by severity.
ANSWER_DEADLINES: dict[str, AnswerTime] = {
    "urgent": AnswerTime(hours=4),
    "normal": AnswerTime(days=5),
    "complex": AnswerTime(days=15),
}


def answer_due_at(
    accepted_at: datetime, severity: str, calendar: WorkCalendar | None = None
) -> datetime:
    """When the answer to a case accepted at ``accepted_at`` is due."""
    calendar = calendar or default_calendar()
    allowed = ANSWER_DEADLINES[severity].seconds(calendar)
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
    """On-time, satisfied and with-evidence shares of the cases resolved in the window.

    ``resolved``: unit_code, month and the :data:`COUNT_COLUMNS` per unit and month.
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

    ``spells``: unit_code, from_month, until_month, cases — each case counts at the end of every
    month from ``from_month`` up to, not including, ``until_month`` (the month it was resolved
    or set aside, as its history tells; NaT: still open); ``population``: units × 1.
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
