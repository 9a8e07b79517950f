"""Action-Plan tasks: the rules that judge an assignment, and the monthly task measures.

Pure functions; the records come from ``data.tasks``. One rule set for the score, the task page
and the unit dossier: an assignment is **due** once the deadline in force is over; it is
**done** once the lead department has confirmed it (a commune's own "completed" is not enough);
done **on time** when it was completed by the deadline in force on the completion day.

**The deadline in force** at an instant is the new deadline of the last approved extension
*decided* by then, else the original deadline: a past month is judged by the deadline known at
its end, so an extension approved later does not rewrite it. Every record is dated by the day,
and a dated event counts once its day is over (00:00 the next day), as a confirmation does: an
extension decided on day d is in force from 00:00 on d + 1. So at a period's end E it counts
exactly when it was decided on or before the month's last day, and on the completion day c it
counts when decided on or before c. Two decisions on the same day: the later record wins.
Rejected and pending requests change nothing.

**A deadline on a day off** (weekend, public holiday, Tết, a day the province declared off)
ends with the next working day (Civil Code 2015 art. 148(5)), by the one working calendar
(``common.workcalendar``): the original deadline and every extension's new deadline alike, in
:func:`task_status_at` and in :func:`task_measures`.

**Not started**: open, the deadline in force not over, and no progress reported yet (no
check-in with progress above 0, and no completion, on or before the day judged). The page shows
it apart; the score counts it as in progress.

**Incomplete records** — no deadline, or a task without a named responsible leader — cannot be
judged: ``data.tasks`` leaves them out of the score's inputs and the task board lists them apart.

Measures at the end E of each period (see ``metrics.monthly``):

* ``task_on_time_pct``: of the unit's assignments due at E, the share confirmed done before E
  and completed on time; not applicable while none is due;
* ``task_overdue_count``: assignments due at E and not confirmed done before E.

An extension approved after the old deadline therefore leaves the months from the old deadline
to the decision overdue (and out of "on time" if the work was completed in between).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from common.workcalendar import WorkCalendar, default_calendar
from metrics.monthly import MonthGrid, measure_rows, month_index, share_pct, totals_at_month_ends


class TaskStatus(StrEnum):
    """Where an assignment stands at an instant, in the task page's display order.

    The score knows four states: it counts ``NOT_STARTED`` as ``IN_PROGRESS``.
    """

    DONE_ON_TIME = "done_on_time"  # confirmed, completed by the deadline in force then
    DONE_LATE = "done_late"  # confirmed, completed after the deadline in force then
    IN_PROGRESS = "in_progress"  # not confirmed, the deadline in force not yet over
    OVERDUE = "overdue"  # not confirmed, the deadline in force over
    NOT_STARTED = "not_started"  # as IN_PROGRESS, with no progress reported yet


class Extension(NamedTuple):
    """An approved extension: the day it was decided and the deadline it set."""

    decided: date
    new_deadline: date


def day_over(day: date, at: datetime) -> bool:
    """Whether the whole of ``day`` lies before ``at`` (a day ends at 24:00)."""
    return datetime.combine(day + timedelta(days=1), time()) <= at


def end_of_day(day: date) -> datetime:
    """The instant ``day`` is over: 00:00 on the next day."""
    return datetime.combine(day + timedelta(days=1), time())


def on_working_day(deadline: date, calendar: WorkCalendar | None = None) -> date:
    """The day a deadline really ends: itself on a working day, else the next working day
    (Civil Code 2015 art. 148(5))."""
    if calendar is None:
        return _on_working_day_by_default(deadline)
    if calendar.is_working_day(deadline):
        return deadline
    return calendar.next_working_day(deadline)


@lru_cache(maxsize=4096)
def _on_working_day_by_default(deadline: date) -> date:
    """:func:`on_working_day` by the calendar in force (a board asks the same days again and
    again: one look-up each)."""
    return on_working_day(deadline, default_calendar())


def deadline_in_force(
    original_deadline: date, extensions: Iterable[Extension], at: datetime
) -> date:
    """The deadline at ``at``: set by the last approved extension whose decision day is over,
    else the original one, moved off a day off (:func:`on_working_day`). ``extensions`` in the
    order recorded (a stable sort by decision day keeps that order on equal days, so the later
    record wins)."""
    in_force = original_deadline
    for extension in sorted(extensions, key=lambda e: e.decided):
        if day_over(extension.decided, at):
            in_force = extension.new_deadline
    return on_working_day(in_force)


def completed_on_time(
    completed: date | None, original_deadline: date, extensions: Iterable[Extension] = ()
) -> bool:
    """Completed on or before the deadline in force on the completion day (an extension decided
    that same day counts)."""
    if completed is None:
        return False
    return completed <= deadline_in_force(original_deadline, extensions, end_of_day(completed))


def task_due_at(
    original_deadline: date, at: datetime, extensions: Iterable[Extension] = ()
) -> bool:
    """Whether the deadline in force at ``at`` is over then."""
    return day_over(deadline_in_force(original_deadline, extensions, at), at)


def has_started(first_progress: date | None, completed: date | None, at: datetime) -> bool:
    """Whether progress was reported before ``at``: a check-in with progress above 0 (its
    earliest day is ``first_progress``) or the completion, on a day that is over by then."""
    return any(day is not None and day_over(day, at) for day in (first_progress, completed))


def task_status_at(
    original_deadline: date,
    completed: date | None,
    confirmed: date | None,
    at: datetime,
    extensions: Iterable[Extension] = (),
    started: bool = True,
) -> TaskStatus:
    """The state of one assignment at ``at`` (e.g. a period's end E), judged by the deadline in
    force then. Without ``extensions`` the original deadline is the only one. ``started``
    (from :func:`has_started`) tells an open assignment within its deadline apart as
    ``NOT_STARTED``; the score leaves it True."""
    extensions = list(extensions)
    if confirmed is not None and day_over(confirmed, at):
        on_time = completed_on_time(completed, original_deadline, extensions)
        return TaskStatus.DONE_ON_TIME if on_time else TaskStatus.DONE_LATE
    if task_due_at(original_deadline, at, extensions):
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS if started else TaskStatus.NOT_STARTED


def deadline_spells(assignments: pd.DataFrame, extensions: pd.DataFrame) -> pd.DataFrame:
    """Each assignment cut into spells of one deadline in force: the original deadline until the
    first decision, then each approved extension's until the next.

    Columns: assignment_id, unit_code, completed_at, confirmed_at, deadline (in force during the
    spell), from_day (decision day; NaT for the original deadline), until_day (the next decision
    day; NaT for the last spell). The spell is in force at an instant once ``from_day`` is over
    and until ``until_day`` is; two decisions on one day make an empty spell.
    """
    known = extensions[extensions["assignment_id"].isin(assignments["assignment_id"])]
    decided = known.assign(recorded=np.arange(len(known))).sort_values(
        ["assignment_id", "decided_at", "recorded"]
    )
    spells = pd.concat(
        [
            pd.DataFrame(
                {
                    "assignment_id": assignments["assignment_id"].to_numpy(),
                    "deadline": pd.to_datetime(assignments["original_deadline"]).to_numpy(),
                    "from_day": pd.NaT,
                    "step": -1,  # before every decision
                }
            ),
            pd.DataFrame(
                {
                    "assignment_id": decided["assignment_id"].to_numpy(),
                    "deadline": pd.to_datetime(decided["new_deadline"]).to_numpy(),
                    "from_day": pd.to_datetime(decided["decided_at"]).to_numpy(),
                    "step": np.arange(len(decided)),
                }
            ),
        ],
        ignore_index=True,
    ).sort_values(["assignment_id", "step"], ignore_index=True)
    spells["deadline"] = deadlines_on_working_days(spells["deadline"])
    spells["from_day"] = pd.to_datetime(spells["from_day"])
    spells["until_day"] = spells.groupby("assignment_id")["from_day"].shift(-1)
    records = assignments[["assignment_id", "unit_code", "completed_at", "confirmed_at"]]
    return spells.drop(columns="step").merge(records, on="assignment_id", how="left")


def deadlines_on_working_days(
    deadlines: pd.Series, calendar: WorkCalendar | None = None
) -> pd.Series:
    """:func:`on_working_day` of each deadline (datetime64; NaT stays NaT), one calendar look-up
    per distinct day."""
    days = pd.to_datetime(deadlines)
    distinct = days.dropna().unique()
    moved = {day: pd.Timestamp(on_working_day(day.date(), calendar)) for day in distinct}
    return days.map(moved).astype("datetime64[ns]").where(days.notna())


def _in_force_on(days: pd.Series, spells: pd.DataFrame) -> np.ndarray:
    """Whether each spell is the one in force at the end of the given day (False for NaT)."""
    started = spells["from_day"].isna() | (spells["from_day"] <= days)
    not_ended = spells["until_day"].isna() | (days < spells["until_day"])
    return (days.notna() & started & not_ended).to_numpy()


@dataclass(frozen=True)
class TaskTotals:
    """Units × periods counts at each period end E: assignments due, done on time (confirmed),
    and open overdue."""

    due: np.ndarray
    done_on_time: np.ndarray
    overdue: np.ndarray


def task_measures(
    assignments: pd.DataFrame, extensions: pd.DataFrame, grid: MonthGrid
) -> list[pd.DataFrame]:
    """On-time share among assignments due, and open overdue assignments, at each period end
    (the counts of :func:`task_totals`)."""
    totals = task_totals(assignments, extensions, grid)
    due = totals.due
    return [
        measure_rows("task_on_time_pct", grid, share_pct(totals.done_on_time, due), due > 0),
        measure_rows("task_overdue_count", grid, totals.overdue),
    ]


def task_totals(assignments: pd.DataFrame, extensions: pd.DataFrame, grid: MonthGrid) -> TaskTotals:
    """Assignments due, done on time and overdue at each period end, per unit of ``grid``.

    ``assignments``: assignment_id, unit_code, original_deadline, completed_at, confirmed_at
    (dates, NaT when not yet); ``extensions``: assignment_id, decided_at, new_deadline of the
    approved ones. The rules of :func:`task_status_at` counted per month on the spells of
    :func:`deadline_spells` (deadlines on a day off moved as in :func:`deadline_in_force`):
    at E of period p a day is over exactly when its month is p or earlier, so a spell is in
    force at E for the periods from its decision's month up to, not including, the next
    decision's month.
    """
    spells = deadline_spells(assignments, extensions)
    completed = pd.to_datetime(spells["completed_at"])
    # Done on time is a property of the assignment: judged in the spell in force on the
    # completion day, then counted in every spell.
    on_time_here = pd.Series(
        _in_force_on(completed, spells) & (completed <= spells["deadline"]).to_numpy(),
        index=spells.index,
    )
    on_time = on_time_here.groupby(spells["assignment_id"]).transform("any").to_numpy(bool)
    in_force_from = month_index(spells["from_day"])  # NaN: from the start
    in_force_until = month_index(spells["until_day"])  # NaN: to the end
    due_from = np.fmax(in_force_from, month_index(spells["deadline"]))
    confirmed = month_index(spells["confirmed_at"])
    units = spells["unit_code"]
    due = totals_at_month_ends(grid, units, due_from, in_force_until)
    # Done on time counts once due and confirmed (never, if unconfirmed or not on time).
    counts_done = on_time & ~np.isnan(confirmed)
    done_from = np.where(counts_done, np.fmax(due_from, confirmed), np.nan)
    done_on_time = totals_at_month_ends(grid, units, done_from, in_force_until)
    # Overdue while due, until the month of confirmation (never stops, if unconfirmed).
    overdue = totals_at_month_ends(grid, units, due_from, np.fmin(in_force_until, confirmed))
    return TaskTotals(due=due, done_on_time=done_on_time, overdue=overdue)
