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
from data.tasks import unit_task_assignments, unit_task_extensions
from metrics.operational import operational_inputs, operational_measures

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
    # 4: 30 April from the start → overdue at 1 May and 1 June.
    # → Mar 0, Apr 2, May 1.
    assert [got[B, p] for p in (MAR, APR, MAY)] == [0.0, 2.0, 1.0]
