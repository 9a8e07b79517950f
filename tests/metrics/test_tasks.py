"""The task rules: one assignment's status at an instant, judged by the deadline in force then,
and the monthly measures counting the same rules (small fixtures worked out by hand, then every
unit and month of a demo database)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from typing import NamedTuple

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from common.periods import month_index, period_end
from data.bootstrap import sync_reference_data
from data.db import exclusive_write
from data.demo import generate_into
from data.measures import operational_periods
from data.migrate import upgrade_to_head
from data.models import TaskAssignment, TaskExtension
from data.settings import DEFAULT_DEMO_SEED
from data.tasks import unit_task_assignments, unit_task_extensions
from metrics.monthly import MonthGrid
from metrics.tasks import (
    Extension,
    TaskStatus,
    deadline_in_force,
    has_started,
    on_working_day,
    task_due_at,
    task_measures,
    task_status_at,
)
from tests.conftest import sqlite_engine

MAR, APR, MAY, JUN, JUL = (date(2026, m, 1) for m in range(3, 8))
PERIODS = [MAR, APR, MAY, JUN, JUL]
# E of each month: 00:00 on the first day of the next one.
END_MAR, END_APR, END_MAY, END_JUN = (datetime(2026, m, 1) for m in range(4, 8))
# (deadline, completed, confirmed)
T1 = (date(2026, 3, 31), date(2026, 3, 30), date(2026, 4, 2))  # done on time, confirmed in April
T2 = (date(2026, 3, 31), date(2026, 4, 5), date(2026, 4, 6))  # done late
T3 = (date(2026, 4, 15), None, None)  # never done
NaT = pd.NaT

MID_MARCH = date(2026, 3, 15)
# Requested on 10 March (before the deadline), approved only on 20 April (after it).
LATE_APPROVAL = [Extension(decided=date(2026, 4, 20), new_deadline=date(2026, 6, 30))]
# Approved on 10 March, before the old deadline of 15 March (a Sunday: it ends on Monday 16
# March). The new deadline is a Wednesday (30 April, a holiday, would move to 4 May).
EARLY_APPROVAL = [Extension(decided=date(2026, 3, 10), new_deadline=date(2026, 4, 29))]
# 15 March → 15 April (decided 10 March), then → 30 June decided on 2 May, after 15 April.
TWO_EXTENSIONS = [
    Extension(decided=date(2026, 3, 10), new_deadline=date(2026, 4, 15)),
    Extension(decided=date(2026, 5, 2), new_deadline=date(2026, 6, 30)),
]


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


# --- the deadline in force ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "status"),
    [
        # At 1 April the decision of 20 April is not yet made: 15 March is in force, and over.
        (END_MAR, TaskStatus.OVERDUE),
        # During 20 April itself the decision does not count yet (it counts once its day is over).
        (datetime(2026, 4, 20, 12), TaskStatus.OVERDUE),
        (datetime(2026, 4, 21), TaskStatus.IN_PROGRESS),
        (END_APR, TaskStatus.IN_PROGRESS),  # 30 June in force
        (END_JUN, TaskStatus.OVERDUE),  # 30 June is over at 1 July
    ],
)
def test_an_extension_decided_after_the_old_deadline_leaves_that_month_overdue(
    at: datetime, status: TaskStatus
) -> None:
    assert task_status_at(MID_MARCH, None, None, at, LATE_APPROVAL) == status


def test_work_done_after_a_late_approval_is_on_time_by_the_new_deadline() -> None:
    # Completed 5 May, confirmed 10 May: on 5 May the deadline in force is 30 June → on time.
    done = (MID_MARCH, date(2026, 5, 5), date(2026, 5, 10))
    assert task_status_at(*done, END_MAR, LATE_APPROVAL) == TaskStatus.OVERDUE
    assert task_status_at(*done, END_APR, LATE_APPROVAL) == TaskStatus.IN_PROGRESS
    assert task_status_at(*done, END_MAY, LATE_APPROVAL) == TaskStatus.DONE_ON_TIME
    # Without the extension the same work is late (5 May > 15 March).
    assert task_status_at(*done, END_MAY) == TaskStatus.DONE_LATE


def test_work_done_before_the_late_approval_is_late() -> None:
    # Completed 10 April, after 15 March and before the decision of 20 April: late, even though
    # the deadline later became 30 June.
    done = (MID_MARCH, date(2026, 4, 10), date(2026, 4, 25))
    assert task_status_at(*done, END_APR, LATE_APPROVAL) == TaskStatus.DONE_LATE


@pytest.mark.parametrize(
    ("decided", "status"),
    [
        (date(2026, 3, 31), TaskStatus.IN_PROGRESS),  # the last day of March: counts for March
        (date(2026, 4, 1), TaskStatus.OVERDUE),  # the first day of April: it does not
    ],
)
def test_a_decision_counts_for_a_month_when_made_by_its_last_day(
    decided: date, status: TaskStatus
) -> None:
    extension = [Extension(decided=decided, new_deadline=date(2026, 6, 30))]
    assert task_status_at(MID_MARCH, None, None, END_MAR, extension) == status


@pytest.mark.parametrize(
    ("at", "status"),
    [
        (datetime(2026, 3, 17), TaskStatus.IN_PROGRESS),  # 16 March is over; 29 April in force
        (END_MAR, TaskStatus.IN_PROGRESS),
        (END_APR, TaskStatus.OVERDUE),  # 29 April is over at 1 May
    ],
)
def test_an_extension_approved_before_the_old_deadline_is_never_overdue_in_between(
    at: datetime, status: TaskStatus
) -> None:
    assert task_status_at(MID_MARCH, None, None, at, EARLY_APPROVAL) == status


@pytest.mark.parametrize(
    ("at", "status"),
    [
        (END_MAR, TaskStatus.IN_PROGRESS),  # 15 April in force (decided 10 March)
        (END_APR, TaskStatus.OVERDUE),  # 15 April over; the second decision is of 2 May
        (END_MAY, TaskStatus.IN_PROGRESS),  # 30 June in force
        (END_JUN, TaskStatus.OVERDUE),
    ],
)
def test_two_successive_extensions(at: datetime, status: TaskStatus) -> None:
    assert task_status_at(MID_MARCH, None, None, at, TWO_EXTENSIONS) == status


def test_two_successive_extensions_judge_completion_by_the_deadline_of_that_day() -> None:
    # Completed 20 April: 15 April was in force that day → late.
    late = (MID_MARCH, date(2026, 4, 20), date(2026, 4, 25))
    assert task_status_at(*late, END_APR, TWO_EXTENSIONS) == TaskStatus.DONE_LATE
    # Completed on 2 May, the day of the second decision: it counts that day → 30 June, on time.
    on_the_day = (MID_MARCH, date(2026, 5, 2), date(2026, 5, 5))
    assert task_status_at(*on_the_day, END_APR, TWO_EXTENSIONS) == TaskStatus.OVERDUE
    assert task_status_at(*on_the_day, END_MAY, TWO_EXTENSIONS) == TaskStatus.DONE_ON_TIME


def test_the_deadline_in_force_follows_the_decision_order() -> None:
    # Working days both (Wednesday 29 April, Friday 29 May): nothing moves them.
    to_april = Extension(decided=date(2026, 3, 10), new_deadline=date(2026, 4, 29))
    to_may = Extension(decided=date(2026, 3, 10), new_deadline=date(2026, 5, 29))
    # Two decisions on one day: the later record wins.
    assert deadline_in_force(MID_MARCH, [to_april, to_may], END_MAR) == date(2026, 5, 29)
    assert deadline_in_force(MID_MARCH, [to_may, to_april], END_MAR) == date(2026, 4, 29)
    # On different days the decision day orders them, whatever the order given.
    reversed_order = list(reversed(TWO_EXTENSIONS))
    assert deadline_in_force(MID_MARCH, reversed_order, END_MAY) == date(2026, 6, 30)
    assert deadline_in_force(MID_MARCH, reversed_order, END_APR) == date(2026, 4, 15)
    # Before any decision: the original deadline, Sunday 15 March, ending on Monday 16 March.
    assert deadline_in_force(MID_MARCH, TWO_EXTENSIONS, datetime(2026, 3, 10)) == date(2026, 3, 16)


# --- the monthly measures count the same rules --------------------------------------------


class Assignment(NamedTuple):
    unit: str
    original_deadline: date
    completed: date | None
    confirmed: date | None
    extensions: list[Extension]


SAME_DAY = [
    Extension(decided=date(2026, 3, 10), new_deadline=date(2026, 4, 30)),
    Extension(decided=date(2026, 3, 10), new_deadline=date(2026, 5, 29)),  # later: wins
]
ASSIGNMENTS = [
    Assignment("A", MID_MARCH, None, None, LATE_APPROVAL),  # a1
    Assignment("A", MID_MARCH, date(2026, 5, 5), date(2026, 5, 10), LATE_APPROVAL),  # a2
    Assignment("A", MID_MARCH, date(2026, 4, 20), date(2026, 4, 25), TWO_EXTENSIONS),  # a3
    Assignment("B", MID_MARCH, None, None, EARLY_APPROVAL),  # b1
    Assignment("B", date(2026, 3, 31), date(2026, 3, 31), date(2026, 4, 2), []),  # b2
    Assignment("B", MID_MARCH, date(2026, 5, 15), date(2026, 5, 20), SAME_DAY),  # b3
]


def frames(assignments: list[Assignment]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two input frames of ``task_measures`` (assignment ids 1, 2, …)."""

    def stamp(day: date | None) -> pd.Timestamp:
        return NaT if day is None else pd.Timestamp(day)

    rows, extensions = [], []
    for number, a in enumerate(assignments, start=1):
        rows.append(
            (number, a.unit, stamp(a.original_deadline), stamp(a.completed), stamp(a.confirmed))
        )
        extensions += [(number, stamp(e.decided), stamp(e.new_deadline)) for e in a.extensions]
    columns = ["assignment_id", "unit_code", "original_deadline", "completed_at", "confirmed_at"]
    return (
        pd.DataFrame(rows, columns=columns),
        pd.DataFrame(extensions, columns=["assignment_id", "decided_at", "new_deadline"]),
    )


def measured(assignments: list[Assignment], grid: MonthGrid) -> dict[tuple[str, str, date], float]:
    measures = pd.concat(task_measures(*frames(assignments), grid))
    columns = ["indicator_key", "unit_code", "period", "value"]
    return {(k, u, p): v for k, u, p, v in measures[columns].values}


def by_status_at(
    assignments: list[Assignment], grid: MonthGrid
) -> dict[tuple[str, str, date], float]:
    """The two measures from :func:`task_status_at` and :func:`task_due_at`, one assignment and
    one month end at a time (NaN share where nothing is due)."""
    due: dict[tuple[str, date], int] = defaultdict(int)
    on_time: dict[tuple[str, date], int] = defaultdict(int)
    overdue: dict[tuple[str, date], int] = defaultdict(int)
    for a in assignments:
        for period, end in zip(grid.periods, grid.ends, strict=True):
            status = task_status_at(
                a.original_deadline, a.completed, a.confirmed, end, a.extensions
            )
            if task_due_at(a.original_deadline, end, a.extensions):
                due[a.unit, period] += 1
                on_time[a.unit, period] += status == TaskStatus.DONE_ON_TIME
            overdue[a.unit, period] += status == TaskStatus.OVERDUE
    out: dict[tuple[str, str, date], float] = {}
    for unit in grid.units:
        for period in grid.periods:
            count = due[unit, period]
            share = 100 * on_time[unit, period] / count if count else float("nan")
            out["task_on_time_pct", unit, period] = share
            out["task_overdue_count", unit, period] = overdue[unit, period]
    return out


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, nan_ok=True), key


def test_the_measures_count_the_same_rules() -> None:
    frame = pd.DataFrame(
        [
            (n, "A", *(NaT if d is None else pd.Timestamp(d) for d in t))
            for n, t in enumerate((T1, T2, T3))
        ],
        columns=["assignment_id", "unit_code", "original_deadline", "completed_at", "confirmed_at"],
    )
    no_extensions = pd.DataFrame(columns=["assignment_id", "decided_at", "new_deadline"])
    grid = MonthGrid(units=["A"], periods=[MAR, APR])
    measures = pd.concat(task_measures(frame, no_extensions, grid))
    got = {(k, p): v for k, p, v in measures[["indicator_key", "period", "value"]].values}
    # End of March: T1 and T2 due and unconfirmed (2 overdue, 0 of 2 on time); T3 not due.
    # End of April: T1 on time, T2 late, T3 overdue → 1 overdue, 1 of 3 on time.
    assert got[("task_overdue_count", MAR)] == 2
    assert got[("task_on_time_pct", MAR)] == 0.0
    assert got[("task_overdue_count", APR)] == 1
    assert got[("task_on_time_pct", APR)] == pytest.approx(100 / 3)


def test_the_measures_follow_the_deadline_in_force() -> None:
    grid = MonthGrid(units=["A", "B"], periods=PERIODS)
    got = measured(ASSIGNMENTS, grid)
    # A — a1: overdue at the end of March (15 March in force), not due in April and May (30 June),
    # overdue again from June. a2: overdue in March, not due in April and May, done on time from
    # June. a3: not due in March (15 April), due and done late in April, not due in May
    # (30 June), due and late from June.
    # Overdue: Mar a1 + a2 = 2; Apr 0; May 0; Jun a1 = 1; Jul 1.
    # On time: Mar 0 of {a1, a2}; Apr 0 of {a3}; May nothing due; Jun, Jul 1 (a2) of 3.
    a_overdue = [2, 0, 0, 1, 1]
    a_on_time = [0.0, 0.0, None, 100 / 3, 100 / 3]
    # B — b1: not due in March (29 April), overdue from April. b2: overdue in March (confirmed
    # 2 April), on time from April. b3: 29 May in force (the later same-day record): due from May,
    # completed 15 May → on time.
    # Overdue: Mar b2 = 1; Apr to Jul b1 = 1.
    # On time: Mar 0 of {b2}; Apr 1 (b2) of {b1, b2} = 50 %; May to Jul 2 (b2, b3) of 3.
    b_overdue = [1, 1, 1, 1, 1]
    b_on_time = [0.0, 50.0, 200 / 3, 200 / 3, 200 / 3]
    for unit, overdue, on_time in (("A", a_overdue, a_on_time), ("B", b_overdue, b_on_time)):
        for period, count, share in zip(PERIODS, overdue, on_time, strict=True):
            assert got["task_overdue_count", unit, period] == count, (unit, period)
            want = float("nan") if share is None else share
            assert got["task_on_time_pct", unit, period] == pytest.approx(want, nan_ok=True)
    assert_same(got, by_status_at(ASSIGNMENTS, grid))


def test_extensions_of_unknown_assignments_are_ignored() -> None:
    assignments, extensions = frames(ASSIGNMENTS[:1])
    stray = pd.DataFrame(
        [(99, pd.Timestamp(2026, 3, 1), pd.Timestamp(2026, 12, 31))], columns=extensions.columns
    )
    grid = MonthGrid(units=["A"], periods=[MAR])
    measures = pd.concat(task_measures(assignments, pd.concat([extensions, stray]), grid))
    # a1 alone: overdue at the end of March, as before.
    assert measures.set_index("indicator_key").loc["task_overdue_count", "value"] == 1


# --- the demo data ------------------------------------------------------------------------


DEMO_END = date(2026, 11, 16)  # the newest measured month is October 2026


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A small demo database (SQLite, scale 0.02: the tasks do not depend on the scale)."""
    engine = sqlite_engine(tmp_path_factory.mktemp("tasks") / "demo.sqlite3")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
    with exclusive_write(engine) as conn:
        generate_into(conn, seed=DEFAULT_DEMO_SEED, scale=0.02, end_date=DEMO_END)
    yield engine
    engine.dispose()


def demo_assignments(engine: Engine) -> dict[int, Assignment]:
    """The communes' assignments by id, as read by ``data.tasks``."""
    rows = unit_task_assignments(engine)
    extensions: dict[int, list[Extension]] = defaultdict(list)
    for row in unit_task_extensions(engine).itertuples():
        extensions[row.assignment_id].append(
            Extension(row.decided_at.date(), row.new_deadline.date())
        )

    def day(stamp: pd.Timestamp) -> date | None:
        return None if pd.isna(stamp) else stamp.date()

    return {
        r.assignment_id: Assignment(
            r.unit_code,
            r.original_deadline.date(),
            day(r.completed_at),
            day(r.confirmed_at),
            extensions[r.assignment_id],
        )
        for r in rows.itertuples()
    }


def test_the_measures_agree_with_the_status_on_every_demo_unit_and_month(
    demo_engine: Engine,
) -> None:
    assignments = list(demo_assignments(demo_engine).values())
    units = sorted({a.unit for a in assignments})
    grid = MonthGrid(units=units, periods=operational_periods(demo_engine))
    assert len(grid.periods) >= 12 and len(assignments) > 1_000
    assert sum(bool(a.extensions) for a in assignments) > 100
    assert_same(measured(assignments, grid), by_status_at(assignments, grid))


def test_demo_extensions_decided_after_the_old_deadline_leave_those_months_overdue(
    demo_engine: Engine,
) -> None:
    query = (
        select(
            TaskExtension.assignment_id,
            TaskExtension.old_deadline,
            TaskExtension.decided_at,
            TaskAssignment.deadline,
        )
        .join(TaskAssignment, TaskAssignment.id == TaskExtension.assignment_id)
        .where(
            TaskAssignment.unit_code.is_not(None),
            TaskExtension.state == "approved",
            TaskExtension.decided_at > TaskExtension.old_deadline,
        )
    )
    with demo_engine.connect() as conn:
        late = conn.execute(query).all()
    assert len(late) > 0  # the generator approves some requests after the old deadline
    by_id = demo_assignments(demo_engine)
    periods = operational_periods(demo_engine)
    grid = MonthGrid(units=sorted({a.unit for a in by_id.values()}), periods=periods)
    counts = measured(list(by_id.values()), grid)
    checked = 0
    for assignment_id, old_deadline, decided, current_deadline in late:
        a = by_id[assignment_id]
        # The month ends after the old deadline's month began and before the decision's month:
        # the old deadline is over at each of them and the decision not yet made.
        for period in periods:
            end = period_end(period)
            confirmed = a.confirmed is not None and month_index(a.confirmed) <= month_index(period)
            # The old deadline as it ends: moved off a day off (e.g. Sunday 31 August 2025 →
            # Wednesday 3 September, after the National Day holiday).
            ends = on_working_day(old_deadline)
            if not month_index(ends) <= month_index(period) < month_index(decided):
                continue
            if confirmed:
                continue
            status = task_status_at(
                a.original_deadline, a.completed, a.confirmed, end, a.extensions
            )
            assert status == TaskStatus.OVERDUE, (assignment_id, period)
            # Judged by today's deadline the same month would not count.
            today = task_status_at(current_deadline, a.completed, a.confirmed, end)
            assert today == TaskStatus.IN_PROGRESS, (assignment_id, period)
            assert counts["task_overdue_count", a.unit, period] >= 1
            checked += 1
    assert checked > 0


# --- deadlines on days off, not started -----------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "ends"),
    [
        (date(2026, 3, 13), date(2026, 3, 13)),  # Friday: a working day, unchanged
        (date(2026, 3, 14), date(2026, 3, 16)),  # Saturday → Monday
        # Tết 2026 (holidays Mon 16 – Fri 20 February per ``holidays``, weekends around it):
        # the first working day after is Monday 23 February.
        (date(2026, 2, 17), date(2026, 2, 23)),
        (date(2026, 4, 30), date(2026, 5, 4)),  # 30/4, 1/5 (Fri), then the weekend
        (date(2026, 9, 2), date(2026, 9, 3)),  # National Day (Wednesday)
    ],
)
def test_a_deadline_on_a_day_off_ends_on_the_next_working_day(deadline: date, ends: date) -> None:
    assert on_working_day(deadline) == ends


def test_a_saturday_deadline_is_not_over_before_monday_ends() -> None:
    saturday = date(2026, 3, 14)
    assert task_status_at(saturday, None, None, datetime(2026, 3, 16)) == TaskStatus.IN_PROGRESS
    assert task_status_at(saturday, None, None, datetime(2026, 3, 17)) == TaskStatus.OVERDUE
    # Completed on the Monday: on time.
    done = (saturday, date(2026, 3, 16), date(2026, 3, 17))
    assert task_status_at(*done, datetime(2026, 3, 18)) == TaskStatus.DONE_ON_TIME


def test_an_extension_to_a_tet_day_ends_after_tet() -> None:
    to_tet = [Extension(decided=date(2026, 2, 2), new_deadline=date(2026, 2, 17))]
    done = (date(2026, 2, 6), date(2026, 2, 23), date(2026, 2, 24))
    assert task_status_at(*done, datetime(2026, 2, 25), to_tet) == TaskStatus.DONE_ON_TIME
    # Without the extension 6/2 (a Friday) was the deadline: late.
    assert task_status_at(*done, datetime(2026, 2, 25)) == TaskStatus.DONE_LATE


def test_the_measures_move_deadlines_off_days_off_too() -> None:
    # Deadline Saturday 28 February 2026 → Monday 2 March: not due at the end of February.
    a = Assignment("A", date(2026, 2, 28), None, None, [])
    grid = MonthGrid(units=["A"], periods=[date(2026, 2, 1), MAR])
    got = measured([a], grid)
    assert got["task_overdue_count", "A", date(2026, 2, 1)] == 0
    assert got["task_overdue_count", "A", MAR] == 1
    assert_same(got, by_status_at([a], grid))


@pytest.mark.parametrize(
    ("first_progress", "completed", "at", "started"),
    [
        (None, None, END_MAR, False),
        (date(2026, 3, 31), None, END_MAR, True),  # reported on the last day: that day is over
        (date(2026, 4, 1), None, END_MAR, False),  # reported later
        (None, date(2026, 3, 20), END_MAR, True),  # completed without a check-in
    ],
)
def test_has_started(
    first_progress: date | None, completed: date | None, at: datetime, started: bool
) -> None:
    assert has_started(first_progress, completed, at) is started


def test_not_started_only_while_within_the_deadline() -> None:
    deadline = date(2026, 4, 15)
    assert task_status_at(deadline, None, None, END_MAR, started=False) == TaskStatus.NOT_STARTED
    assert task_status_at(deadline, None, None, END_APR, started=False) == TaskStatus.OVERDUE
    # The score's call (started left True) sees it in progress.
    assert task_status_at(deadline, None, None, END_MAR) == TaskStatus.IN_PROGRESS


def test_the_task_boards_trend_agrees_with_the_status_of_each_assignment(
    demo_engine: Engine,
) -> None:
    """The board's monthly trend (counted like the score) against task_status_at applied to
    every register row at every month end: the page and the score cannot disagree."""
    from data.tasks import approved_extensions
    from metrics.task_board import TaskFilters, task_board

    as_of = date(2026, 11, 15)
    board = task_board(demo_engine, TaskFilters(as_of=as_of))
    extensions: dict[int, list[Extension]] = defaultdict(list)
    for row in approved_extensions(demo_engine).itertuples():
        extensions[row.assignment_id].append(
            Extension(row.decided_at.date(), row.new_deadline.date())
        )

    def day(stamp: pd.Timestamp) -> date | None:
        return None if pd.isna(stamp) else stamp.date()

    full_months = board.trend.iloc[:-1]  # the last point is as_of itself, not a month end
    assert len(full_months) >= 12
    for month, due, overdue in full_months[["month", "due", "overdue"]].itertuples(index=False):
        at = period_end(month)
        expected_due = expected_overdue = 0
        for row in board.register.itertuples():
            original, approved = row.original_deadline.date(), extensions[row.assignment_id]
            status = task_status_at(
                original, day(row.completed_at), day(row.confirmed_at), at, approved
            )
            expected_due += task_due_at(original, at, approved)
            expected_overdue += status is TaskStatus.OVERDUE
        assert (due, overdue) == (expected_due, expected_overdue), month
