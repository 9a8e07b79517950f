"""A small Action-Plan register shared by the task tests (data and metrics), judged on 31/3/2026.

Two units, A (22015) and B (22045); two lead departments, D1 and D2 (the first two department
codes of the reference data). Each assignment is one case the rules must get right:

====  ====  ====  =============================================================================
id    task  unit  the case (deadline → what happened)
====  ====  ====  =============================================================================
1     1     A     Tue 10/3; completed 10/3, confirmed 12/3 — done exactly on the deadline day
2     1     B     Fri 27/2, extended on 20/2 to Fri 20/3; completed 18/3, confirmed 19/3 — on time
                  only thanks to the approved extension
3     2     A     Fri 6/3; extension rejected 2/3; 40 % on 15/2 — overdue
4     2     B     Sat 14/3 → ends Mon 16/3; completed 16/3, confirmed 20/3 — on time
5     3     A     Tue 17/2 (Tết) → ends Mon 23/2; completed 23/2, confirmed 25/2 — on time
6     3     B     Fri 30/1; 20 % on 20/1; escalated on 2/2 — overdue across every month end
7     4     A     Thu 30/4 (holiday) → Mon 4/5; completed 25/3, not confirmed — open
8     4     B     Wed 15/4; no check-in — not started
9     5     A     task 5 names no responsible leader — incomplete
10    5     B     no leader and no deadline — incomplete
11    6     A     no deadline — incomplete
12    6     B     Tue 10/2; completed 12/2, confirmed 13/2 — done late
====  ====  ====  =============================================================================

Tasks 1, 2, 5 and 6 are led by D1, tasks 3 and 4 by D2. Tasks 1, 2, 5, 6 move
``fibre_household_pct`` (pillar digital_infrastructure), tasks 3 and 4 ``dx_steering_meetings``
(pillar awareness). Coordinators: task 1 has D3 and D2 (recorded in that order), task 3 has D1.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from data.models import (
    Department,
    Task,
    TaskAssignment,
    TaskCheckin,
    TaskCoordinator,
    TaskExtension,
)

A, B = "22015", "22045"
AS_OF = date(2026, 3, 31)
START = date(2026, 1, 5)
INFRA, AWARENESS = "fibre_household_pct", "dx_steering_meetings"
LEADERS = {
    1: "Lê Văn An – Giám đốc Sở",
    2: "Trần Thị Bình – Phó Giám đốc Sở",
    3: "Phạm Văn Cường – Giám đốc Sở",
    4: "Phạm Văn Cường – Giám đốc Sở",
    5: None,
    6: "Trần Thị Bình – Phó Giám đốc Sở",
}
PERSON = {A: ("Hồ Văn Sơn", "Chủ tịch UBND phường"), B: ("Lê Thị Hoa", "Chủ tịch UBND phường")}


def department_codes(conn: Connection) -> tuple[str, str, str]:
    """D1, D2 and D3: the first three department codes."""
    codes = conn.execute(select(Department.code).order_by(Department.code).limit(3)).scalars()
    first, second, third = codes.all()
    return first, second, third


def _task(number: int, lead_id: int, indicator: str) -> dict[str, Any]:
    return {
        "id": number,
        "code": f"KH01-{number:02d}",
        "plan_item": f"I.{number}",
        "title_vi": f"Nhiệm vụ {number}",
        "title_en": f"Task {number}",
        "lead_department_id": lead_id,
        "responsible_leader": LEADERS[number],
        "assigning_authority": "BCĐ tỉnh",
        "start_date": START,
        "deadline": date(2026, 3, 31),
        "expected_output": "Báo cáo",
        "indicator_keys": indicator,
    }


def _assignment(
    number: int,
    task: int,
    unit: str,
    deadline: date | None,
    completed: date | None = None,
    confirmed: date | None = None,
    **extra: Any,
) -> dict[str, Any]:
    name, title = PERSON[unit]
    return {
        "id": number,
        "task_id": task,
        "unit_code": unit,
        "responsible_name": name,
        "responsible_title": title,
        "deadline": deadline,
        "state": "done" if completed else "in_progress",
        "progress_pct": 100 if completed else 0,
        "completed_at": completed,
        "confirmed_at": confirmed,
        "evidence_ref": None,
        "escalated": False,
        "escalation_note": None,
        "escalated_at": None,
        "escalated_by": None,
        **extra,
    }


ASSIGNMENTS = [
    _assignment(1, 1, A, date(2026, 3, 10), date(2026, 3, 10), date(2026, 3, 12)),
    # The current deadline (20/3) is stored; the original (27/2) is the extension's old one.
    _assignment(2, 1, B, date(2026, 3, 20), date(2026, 3, 18), date(2026, 3, 19)),
    _assignment(3, 2, A, date(2026, 3, 6)),
    _assignment(4, 2, B, date(2026, 3, 14), date(2026, 3, 16), date(2026, 3, 20)),
    _assignment(5, 3, A, date(2026, 2, 17), date(2026, 2, 23), date(2026, 2, 25)),
    _assignment(
        6,
        3,
        B,
        date(2026, 1, 30),
        escalated=True,
        escalation_note="Vượt thẩm quyền: chưa có điện lưới",
        escalated_at=date(2026, 2, 2),
        escalated_by="Lê Thị Hoa – Chủ tịch UBND phường",
    ),
    _assignment(7, 4, A, date(2026, 4, 30), date(2026, 3, 25)),
    _assignment(8, 4, B, date(2026, 4, 15)),
    _assignment(9, 5, A, date(2026, 3, 1)),
    _assignment(10, 5, B, None),
    _assignment(11, 6, A, None),
    _assignment(12, 6, B, date(2026, 2, 10), date(2026, 2, 12), date(2026, 2, 13)),
]


def _checkin(number: int, assignment: int, day: date, progress: int) -> dict[str, Any]:
    return {
        "id": number,
        "assignment_id": assignment,
        "checked_at": day,
        "progress_pct": progress,
        "note": f"Tiến độ {progress}%",
        "reported_by": "Công chức CĐS",
    }


CHECKINS = [
    _checkin(1, 3, date(2026, 2, 15), 40),
    _checkin(2, 6, date(2026, 1, 20), 20),
    _checkin(3, 2, date(2026, 2, 10), 30),
    _checkin(4, 2, date(2026, 3, 18), 100),
    # Recorded before the earlier one: the queries order by day, not by id.
    _checkin(5, 1, date(2026, 3, 10), 100),
    _checkin(6, 1, date(2026, 2, 1), 0),
    _checkin(7, 1, date(2026, 2, 20), 50),
    _checkin(8, 7, date(2026, 3, 25), 100),
    # After the as-of day: not known on 31/3.
    _checkin(9, 3, date(2026, 4, 2), 60),
]


def _extension(
    number: int, assignment: int, state: str, old: date, new: date, decided: date
) -> dict[str, Any]:
    return {
        "id": number,
        "assignment_id": assignment,
        "requested_at": date(2026, 2, 16),
        "old_deadline": old,
        "new_deadline": new,
        "reason": "Chờ doanh nghiệp viễn thông lắp đặt",
        "state": state,
        "decided_by": "Lê Văn An – Giám đốc Sở",
        "decided_at": decided,
    }


EXTENSIONS = [
    _extension(1, 2, "approved", date(2026, 2, 27), date(2026, 3, 20), date(2026, 2, 20)),
    _extension(2, 3, "rejected", date(2026, 3, 6), date(2026, 4, 30), date(2026, 3, 2)),
]


def insert_task_rows(conn: Connection) -> tuple[str, str]:
    """Insert the register above; returns the codes of D1 and D2."""
    d1, d2, d3 = department_codes(conn)
    ids = {code: id_ for code, id_ in conn.execute(select(Department.code, Department.id))}
    leads = {1: d1, 2: d1, 3: d2, 4: d2, 5: d1, 6: d1}
    indicators = {1: INFRA, 2: INFRA, 3: AWARENESS, 4: AWARENESS, 5: INFRA, 6: INFRA}
    conn.execute(insert(Task), [_task(n, ids[leads[n]], indicators[n]) for n in leads])
    conn.execute(
        insert(TaskCoordinator),
        [
            {"task_id": 1, "department_id": ids[d3]},
            {"task_id": 1, "department_id": ids[d2]},
            {"task_id": 3, "department_id": ids[d1]},
        ],
    )
    conn.execute(insert(TaskAssignment), ASSIGNMENTS)
    conn.execute(insert(TaskCheckin), CHECKINS)
    conn.execute(insert(TaskExtension), EXTENSIONS)
    return d1, d2
