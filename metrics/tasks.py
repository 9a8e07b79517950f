"""Action-Plan tasks: the rules that judge an assignment, and the monthly task measures.

Pure functions; the records come from ``data.tasks``. One rule set for the score, the task page
and the unit dossier: an assignment is **due** once its deadline day is over; it is **done**
once the lead department has confirmed it (a commune's own "completed" is not enough); done
**on time** when it was completed by the deadline day.

Measures at the end E of each period (see ``metrics.monthly``):

* ``task_on_time_pct``: of the unit's assignments due before E, the share confirmed done before
  E and completed by the deadline; not applicable while none is due;
* ``task_overdue_count``: assignments due before E and not confirmed done before E.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

import numpy as np
import pandas as pd

from metrics.monthly import MonthGrid, measure_rows, month_index, share_pct, totals_at_month_ends


class TaskStatus(StrEnum):
    """Where an assignment stands at an instant: the four states the task page shows."""

    DONE_ON_TIME = "done_on_time"  # confirmed, completed by the deadline
    DONE_LATE = "done_late"  # confirmed, completed after the deadline
    IN_PROGRESS = "in_progress"  # not confirmed, the deadline not yet over
    OVERDUE = "overdue"  # not confirmed, the deadline over


def day_over(day: date, at: datetime) -> bool:
    """Whether the whole of ``day`` lies before ``at`` (a day ends at 24:00)."""
    return datetime.combine(day + timedelta(days=1), time()) <= at


def completed_on_time(completed: date | None, deadline: date) -> bool:
    """Completed on or before the deadline day."""
    return completed is not None and completed <= deadline


def task_status_at(
    deadline: date, completed: date | None, confirmed: date | None, at: datetime
) -> TaskStatus:
    """The state of one assignment at ``at`` (e.g. a period's end E)."""
    if confirmed is not None and day_over(confirmed, at):
        on_time = completed_on_time(completed, deadline)
        return TaskStatus.DONE_ON_TIME if on_time else TaskStatus.DONE_LATE
    return TaskStatus.OVERDUE if day_over(deadline, at) else TaskStatus.IN_PROGRESS


def task_measures(assignments: pd.DataFrame, grid: MonthGrid) -> list[pd.DataFrame]:
    """On-time share among assignments due, and open overdue assignments, at each period end.

    ``assignments``: unit_code, deadline, completed_at, confirmed_at (dates, NaT when not yet).
    The rules of :func:`task_status_at`, counted per month: a day is over at E exactly when its
    month is the period's month or earlier.
    """
    units = assignments["unit_code"]
    due_from = month_index(assignments["deadline"])
    confirmed = month_index(assignments["confirmed_at"])
    deadline = pd.to_datetime(assignments["deadline"])
    on_time = (pd.to_datetime(assignments["completed_at"]) <= deadline).to_numpy()  # NaT: False
    # Done on time counts once it is both due and confirmed (NaN: never confirmed).
    on_time_from = np.where(on_time, np.maximum(due_from, confirmed), np.nan)
    due = totals_at_month_ends(grid, units, due_from)
    done_on_time = totals_at_month_ends(grid, units, on_time_from)
    # Overdue from the deadline's month until the month of confirmation (never, if unconfirmed).
    overdue = totals_at_month_ends(grid, units, due_from, confirmed)
    return [
        measure_rows("task_on_time_pct", grid, share_pct(done_on_time, due), due > 0),
        measure_rows("task_overdue_count", grid, overdue),
    ]
