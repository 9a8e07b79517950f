"""The task queries on SQLite and PostgreSQL: the original deadline and the approved extensions
that give the deadline in force at any date, and the measures read through them.

Units A (22015) and B (22045) get one assignment each of a few kinds; measured periods March,
April and May 2026 (E = 1 April, 1 May, 1 June at 00:00).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from data.models import Department, Task, TaskAssignment, TaskExtension
from data.tasks import (
    approved_extensions,
    assignment_checkins,
    assignment_extensions,
    checkin_summary,
    task_date_span,
    task_register,
    unit_task_assignments,
    unit_task_extensions,
)
from metrics.operational import operational_inputs, operational_measures
from tests.data import task_rows

A, B = "22015", "22045"
MAR, APR, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)
MID_MARCH, MID_APRIL = date(2026, 3, 15), date(2026, 4, 15)
END_APRIL, END_JUNE = date(2026, 4, 30), date(2026, 6, 30)


def assignment(number: int, unit: str | None, deadline: date) -> dict[str, Any]:
    """Assignment ``number``, of task ``number`` (one unit per task), not done."""
    return {
        "id": number,
        "task_id": number,
        "unit_code": unit,
        "responsible_name": "Y",
        "responsible_title": "Chủ tịch",
        "deadline": deadline,
        "state": "in_progress",
        "progress_pct": 40,
        "completed_at": None,
        "confirmed_at": None,
    }


def extension(
    number: int, assignment_id: int, state: str, old: date, new: date, decided: date | None
) -> dict[str, Any]:
    return {
        "id": number,
        "assignment_id": assignment_id,
        "requested_at": date(2026, 3, 1),
        "old_deadline": old,
        "new_deadline": new,
        "reason": "Chưa bố trí được kinh phí",
        "state": state,
        "decided_by": None if decided is None else "Z",
        "decided_at": decided,
    }


ASSIGNMENTS = [
    assignment(1, A, END_JUNE),  # rejected, then approved late: 15 March → 30 June
    assignment(2, A, MID_MARCH),  # a request still pending: the deadline stays 15 March
    assignment(3, B, END_JUNE),  # two approvals: 15 March → 15 April → 30 June
    assignment(4, B, END_APRIL),  # approved without a decision date: 15 March → 30 April
    assignment(5, None, END_JUNE),  # the lead department's own part
]
EXTENSIONS = [
    # Rejected on 5 March: had it counted, assignment 1 would not be overdue at 1 April.
    extension(1, 1, "rejected", MID_MARCH, MID_APRIL, date(2026, 3, 5)),
    extension(2, 1, "approved", MID_MARCH, END_JUNE, date(2026, 4, 20)),
    extension(3, 2, "pending", MID_MARCH, END_APRIL, None),
    # Recorded in the other order than decided: the query orders them by decision day.
    extension(4, 3, "approved", MID_APRIL, END_JUNE, date(2026, 5, 2)),
    extension(5, 3, "approved", MID_MARCH, MID_APRIL, date(2026, 3, 10)),
    extension(6, 4, "approved", MID_MARCH, END_APRIL, None),
    extension(7, 5, "approved", MID_MARCH, END_JUNE, date(2026, 3, 10)),
]


def stamps(*days: date) -> list[pd.Timestamp]:
    return [pd.Timestamp(day) for day in days]


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        department = conn.execute(select(Department.id).limit(1)).scalar_one()
        tasks = [
            {
                "id": row["task_id"],
                "code": f"KH01-{row['task_id']}",
                "plan_item": "1",
                "title_vi": "Nhiệm vụ",
                "title_en": "Task",
                "lead_department_id": department,
                "responsible_leader": "X",
                "assigning_authority": "BCĐ",
                "start_date": date(2026, 1, 1),
                "deadline": MID_MARCH,
                "expected_output": "Báo cáo",
                "indicator_keys": "task_on_time_pct",
            }
            for row in ASSIGNMENTS
        ]
        conn.execute(insert(Task), tasks)
        conn.execute(insert(TaskAssignment), ASSIGNMENTS)
        conn.execute(insert(TaskExtension), EXTENSIONS)
    return migrated_engine


def test_assignments_give_the_original_deadline(engine: Engine) -> None:
    frame = unit_task_assignments(engine)
    # The department's assignment 5 is left out. Original deadlines: 1 and 3 → the first
    # approved extension's old deadline (15 March); 2 → its current one (only a pending
    # request); 4 → its current one (the approval has no date, so it cannot be placed in time).
    assert frame["assignment_id"].tolist() == [1, 2, 3, 4]
    assert frame["original_deadline"].tolist() == stamps(MID_MARCH, MID_MARCH, MID_MARCH, END_APRIL)
    assert frame["deadline"].tolist() == stamps(END_JUNE, MID_MARCH, END_JUNE, END_APRIL)


def test_extensions_are_the_dated_approvals_in_decision_order(engine: Engine) -> None:
    frame = unit_task_extensions(engine)
    got = [
        (row.assignment_id, row.decided_at.date(), row.new_deadline.date())
        for row in frame.itertuples()
    ]
    # Rejected (1), pending (3), undated (6) and the department's (7) are left out; assignment
    # 3's two approvals come by decision day (10 March, then 2 May), not by record id.
    assert got == [
        (1, date(2026, 4, 20), END_JUNE),
        (3, date(2026, 3, 10), MID_APRIL),
        (3, date(2026, 5, 2), END_JUNE),
    ]


def test_overdue_counts_use_the_deadline_in_force_at_each_month_end(engine: Engine) -> None:
    measures = operational_measures(operational_inputs(engine), [MAR, APR, MAY])
    overdue = measures[measures["indicator_key"] == "task_overdue_count"]
    got = {(r.unit_code, r.period): r.value for r in overdue.itertuples()}
    # A — 1: 15 March in force at 1 April (rejected request ignored; the approval of 20 April not
    # yet made) → overdue; 30 June from April → not. 2: 15 March throughout → overdue.
    # → Mar 2, Apr 1, May 1.
    assert [got[A, p] for p in (MAR, APR, MAY)] == [2.0, 1.0, 1.0]
    # B — 3: 15 April in force at 1 April (not over), at 1 May (over: overdue), 30 June at 1 June.
    # 4: 30 April from the start — a public holiday, then 1 May and the weekend, so it ends on
    # Monday 4 May: not over at 1 May, overdue at 1 June.
    # → Mar 0, Apr 1, May 1.
    assert [got[B, p] for p in (MAR, APR, MAY)] == [0.0, 1.0, 1.0]


# --- the register queries, on the small register of tests.data.task_rows ------------------------


@pytest.fixture
def register_engine(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        task_rows.insert_task_rows(conn)
    return migrated_engine


def test_the_register_joins_tasks_departments_coordinators_and_units(
    register_engine: Engine,
) -> None:
    frame = task_register(register_engine).set_index("assignment_id")
    assert frame.index.tolist() == list(range(1, 13))
    with register_engine.connect() as conn:
        d1, d2, d3 = task_rows.department_codes(conn)
        short = {code: s for code, s in conn.execute(select(Department.code, Department.short_vi))}
    assert frame.loc[1, "lead_code"] == d1
    assert frame.loc[5, "lead_code"] == d2
    # Task 1's coordinators D3 and D2, alphabetical by short name; task 2 has none.
    assert frame.loc[1, "coordinators_vi"] == ", ".join(sorted([short[d3], short[d2]]))
    assert frame.loc[3, "coordinators_vi"] == ""
    assert frame.loc[2, "unit_name"] == "Phường Bình Kiến"
    # The original deadline is the first approval's old one; the current one as stored.
    assert frame.loc[2, "original_deadline"] == pd.Timestamp(2026, 2, 27)
    assert frame.loc[2, "deadline"] == pd.Timestamp(2026, 3, 20)
    # The rejected request does not make an original deadline.
    assert frame.loc[3, "original_deadline"] == pd.Timestamp(2026, 3, 6)
    assert frame.loc[6, "escalated_at"] == pd.Timestamp(2026, 2, 2)
    # 9: no leader; 10: neither; 11: no deadline.
    assert frame.index[frame["incomplete"]].tolist() == [9, 10, 11]


def test_incomplete_records_stay_out_of_the_score(register_engine: Engine) -> None:
    ids = unit_task_assignments(register_engine)["assignment_id"].tolist()
    assert ids == [1, 2, 3, 4, 5, 6, 7, 8, 12]


def test_checkin_summary_takes_the_latest_known_and_the_first_progress(
    register_engine: Engine,
) -> None:
    summary = checkin_summary(register_engine, date(2026, 3, 31)).set_index("assignment_id")
    assert summary.index.tolist() == [1, 2, 3, 6, 7]  # 4, 5, 8, 12 never checked in
    # 1: 0 % on 1/2, 50 % on 20/2, 100 % on 10/3 (recorded first).
    assert summary.loc[1, "last_checkin"] == pd.Timestamp(2026, 3, 10)
    assert summary.loc[1, "progress_pct"] == 100
    assert summary.loc[1, "first_progress_at"] == pd.Timestamp(2026, 2, 20)
    # 3: the 60 % of 2/4 is after the day asked.
    assert summary.loc[3, "progress_pct"] == 40
    assert summary.loc[3, "last_checkin"] == pd.Timestamp(2026, 2, 15)
    early = checkin_summary(register_engine, date(2026, 2, 15)).set_index("assignment_id")
    assert pd.isna(early.loc[1, "first_progress_at"])  # only the 0 % of 1/2 by then


def test_one_assignments_checkins_and_extension_requests(register_engine: Engine) -> None:
    checkins = assignment_checkins(register_engine, 1)
    assert checkins["checked_at"].tolist() == stamps(
        date(2026, 2, 1), date(2026, 2, 20), date(2026, 3, 10)
    )
    assert checkins["progress_pct"].tolist() == [0, 50, 100]
    requests = assignment_extensions(register_engine, 3)
    assert requests[["state", "decided_by"]].values.tolist() == [
        ["rejected", "Lê Văn An – Giám đốc Sở"]
    ]
    assert assignment_extensions(register_engine, 1).empty


def test_every_dated_approval_including_the_departments_own(engine: Engine) -> None:
    # The fixture above: 2 (assignment 1), 4 and 5 (assignment 3), 7 (assignment 5, the lead
    # department's own); 6 has no decision date.
    frame = approved_extensions(engine)
    assert frame["assignment_id"].tolist() == [1, 3, 3, 5]
    assert unit_task_extensions(engine)["assignment_id"].tolist() == [1, 3, 3]


def test_the_span_of_task_days(register_engine: Engine) -> None:
    # The first start 5/1/2026; the newest record the check-in of 2/4.
    assert task_date_span(register_engine) == (date(2026, 1, 5), date(2026, 4, 2))
