"""The task rules: one assignment's status at an instant, and the monthly measures counting
the same rules (three assignments of unit A, worked out by hand)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from metrics.monthly import MonthGrid
from metrics.tasks import TaskStatus, task_measures, task_status_at

MAR, APR = date(2026, 3, 1), date(2026, 4, 1)
END_MAR, END_APR = datetime(2026, 4, 1), datetime(2026, 5, 1)  # E of March and of April
# (deadline, completed, confirmed)
T1 = (date(2026, 3, 31), date(2026, 3, 30), date(2026, 4, 2))  # done on time, confirmed in April
T2 = (date(2026, 3, 31), date(2026, 4, 5), date(2026, 4, 6))  # done late
T3 = (date(2026, 4, 15), None, None)  # never done
NaT = pd.NaT


@pytest.mark.parametrize(
    ("task", "at", "status"),
    [
        # 31 March is over at 00:00 on 1 April; T1 is confirmed only on 2 April: overdue then.
        (T1, END_MAR, TaskStatus.OVERDUE),
        (T1, END_APR, TaskStatus.DONE_ON_TIME),
        (T2, END_APR, TaskStatus.DONE_LATE),
        (T3, END_MAR, TaskStatus.IN_PROGRESS),  # due 15 April: not yet
        (T3, END_APR, TaskStatus.OVERDUE),
        # Confirmed on 2 April: that day is over only at 00:00 on 3 April.
        (T1, datetime(2026, 4, 2, 23, 59), TaskStatus.OVERDUE),
        (T1, datetime(2026, 4, 3), TaskStatus.DONE_ON_TIME),
        # Confirmed without a completion date: it cannot count as on time.
        ((date(2026, 3, 31), None, date(2026, 3, 1)), END_MAR, TaskStatus.DONE_LATE),
    ],
)
def test_status_at_an_instant(
    task: tuple[date, date | None, date | None], at: datetime, status: TaskStatus
) -> None:
    assert task_status_at(*task, at) == status


def test_the_measures_count_the_same_rules() -> None:
    frame = pd.DataFrame(
        [("A", *(NaT if d is None else pd.Timestamp(d) for d in t)) for t in (T1, T2, T3)],
        columns=["unit_code", "deadline", "completed_at", "confirmed_at"],
    )
    measures = pd.concat(task_measures(frame, MonthGrid(units=["A"], periods=[MAR, APR])))
    got = {(k, p): v for k, p, v in measures[["indicator_key", "period", "value"]].values}
    # End of March: T1 and T2 due and unconfirmed (2 overdue, 0 of 2 on time); T3 not due.
    # End of April: T1 on time, T2 late, T3 overdue → 1 overdue, 1 of 3 on time.
    assert got[("task_overdue_count", MAR)] == 2
    assert got[("task_on_time_pct", MAR)] == 0.0
    assert got[("task_overdue_count", APR)] == 1
    assert got[("task_on_time_pct", APR)] == pytest.approx(100 / 3)
    tasks = (T1, T2, T3)
    for period, end in ((MAR, END_MAR), (APR, END_APR)):
        statuses = [task_status_at(*t, end) for t in tasks]
        assert got[("task_overdue_count", period)] == statuses.count(TaskStatus.OVERDUE)
