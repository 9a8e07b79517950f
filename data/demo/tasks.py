"""Action-Plan tasks, their assignments, check-ins, extension requests and escalations.

Each assignment is simulated once: the assignee needs some share of the time the plan allows
(less for strong units, more for weak ones and for hard tasks), reports progress every few
weeks, may ask for more time when it sees it will be late, and — on tasks that depend on land,
money or the grid — may escalate what it cannot solve alone. The snapshot then shows where
every assignment stood at 00:00 on the end date: done on time or late, confirmed or waiting for
confirmation, open within its deadline or overdue.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from data.demo.load import Rows
from data.demo.people import document_ref, highland_name_share, person_names
from data.demo.task_catalog import PlanTask, plan_tasks
from data.demo.world import SPAN_START, World, stream
from data.models import Task, TaskAssignment, TaskCheckin, TaskCoordinator, TaskExtension

_EARLY_NOTES = (
    "Đã xây dựng kế hoạch triển khai, phân công công chức phụ trách",
    "Đã họp triển khai, giao nhiệm vụ cho các bộ phận chuyên môn",
    "Đang rà soát hiện trạng, tổng hợp số liệu ban đầu",
)
_MIDDLE_NOTES = (
    "Đang triển khai, đã hoàn thành khoảng {p}% khối lượng công việc",
    "Đang phối hợp với các đơn vị liên quan tổ chức thực hiện",
    "Đang triển khai tại các thôn, buôn, tổ dân phố trên địa bàn",
)
_LATE_STAGE_NOTES = (
    "Cơ bản hoàn thành, đang hoàn thiện hồ sơ minh chứng",
    "Đang tổng hợp kết quả, chuẩn bị báo cáo",
)
_BEHIND_NOTES = (
    "Chậm tiến độ do chưa bố trí được kinh phí",
    "Chậm tiến độ do thiếu công chức chuyên trách sau sắp xếp bộ máy",
    "Chậm tiến độ do mưa bão, giao thông đến các thôn, buôn khó khăn",
    "Chậm tiến độ, đang chờ doanh nghiệp khảo sát, lắp đặt",
)
_DONE_NOTE = "Đã hoàn thành, gửi báo cáo kết quả kèm minh chứng"
_EXTENSION_REASONS = (
    "Chưa bố trí được kinh phí, đang chờ điều chỉnh dự toán",
    "Địa bàn rộng, giao thông đến các thôn, buôn khó khăn trong mùa mưa",
    "Chờ doanh nghiệp viễn thông khảo sát, lắp đặt thiết bị",
    "Thiếu công chức chuyên trách sau sắp xếp tổ chức bộ máy",
    "Chờ hướng dẫn chuyên môn của sở, ngành",
)
_GENERIC_ESCALATION = "Vượt thẩm quyền: đề nghị Ban Chỉ đạo tỉnh cho ý kiến chỉ đạo để tháo gỡ"


@dataclass
class _People:
    """The named people of the plan: department leaders and the communes' office holders."""

    leader_name: dict[str, list[str]] = field(default_factory=dict)  # dept code → [head, deputies…]
    leader_title: dict[str, list[str]] = field(default_factory=dict)
    department_officer: dict[str, str] = field(default_factory=dict)
    chairman: list[str] = field(default_factory=list)  # per unit
    dx_officer: list[str] = field(default_factory=list)  # per unit


def _titles(code: str, short: str) -> list[str]:
    if code == "VPUBND":
        return ["Chánh Văn phòng UBND tỉnh"] + ["Phó Chánh Văn phòng UBND tỉnh"] * 2
    if code == "TTRA":
        return ["Chánh Thanh tra tỉnh"] + ["Phó Chánh Thanh tra tỉnh"] * 2
    if code == "CAT":
        return ["Giám đốc Công an tỉnh"] + ["Phó Giám đốc Công an tỉnh"] * 3
    return [f"Giám đốc {short}"] + [f"Phó Giám đốc {short}"] * 3


def _draw_people(world: World) -> _People:
    rng = stream(world.seed, "tasks", "people")
    people = _People()
    for code, short in zip(world.departments.code, world.departments.short_vi, strict=True):
        titles = _titles(str(code), str(short))
        people.leader_name[code] = person_names(rng, np.full(len(titles), 0.05))
        people.leader_title[code] = titles
        people.department_officer[code] = (
            f"{person_names(rng, np.zeros(1))[0]} (chuyên viên {short})"
        )
    units = world.units
    share = highland_name_share(units.peer_group, units.former_province)
    people.chairman = person_names(rng, share)
    people.dx_officer = [f"{name} (công chức phụ trách CĐS)" for name in person_names(rng, share)]
    return people


def _concerned_units(task: PlanTask, world: World) -> np.ndarray:
    units = world.units
    masks = {
        "all": np.ones(len(units), dtype=bool),
        "xa": ~units.is_phuong,
        "phuong": units.is_phuong,
        "highland": units.is_highland,
    }
    return np.flatnonzero(masks[task.scope])


@dataclass
class _Sim:
    """One assignment's simulated life, before it is cut at the snapshot."""

    start: date
    deadline: date
    finish: date  # when the work would be done
    level: float


def _months_from_start(day: date) -> float:
    return (day - SPAN_START).days / 30.44


def _simulate(task: PlanTask, level: float, task_effect: float, rng: np.random.Generator) -> _Sim:
    allowed = max((task.deadline - task.start).days, 7)
    # Strong units need about two thirds of the time allowed, weak ones all of it or more.
    median_share = 0.6 + 0.75 * (1.0 - level) + task.difficulty + task_effect
    share = float(rng.lognormal(np.log(max(median_share, 0.25)), 0.3))
    finish = task.start + timedelta(days=max(round(allowed * share), 5))
    return _Sim(task.start, task.deadline, finish, level)


def _progress_at(sim: _Sim, day: date) -> int:
    fraction = (day - sim.start).days / max((sim.finish - sim.start).days, 1)
    return int(min(95, max(5, 5 * int(20 * fraction))))


def _pick(options: tuple[str, ...], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]  # cheaper than rng.choice per call


def _checkin_note(progress: int, behind: bool, rng: np.random.Generator) -> str:
    if behind and rng.random() < 0.6:
        return _pick(_BEHIND_NOTES, rng)
    if progress < 30:
        return _pick(_EARLY_NOTES, rng)
    if progress < 70:
        return _pick(_MIDDLE_NOTES, rng).format(p=progress)
    return _pick(_LATE_STAGE_NOTES, rng)


@dataclass
class _Tables:
    tasks: list[dict] = field(default_factory=list)
    coordinators: list[dict] = field(default_factory=list)
    assignments: list[dict] = field(default_factory=list)
    checkins: list[dict] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)


def generate(world: World, batch_id: int) -> Iterator[Rows]:
    """Rows of the five task tables for the tasks issued before the snapshot."""
    people = _draw_people(world)
    tables = _Tables()
    dept_index = {str(code): i for i, code in enumerate(world.departments.code)}
    for position, task in enumerate(plan_tasks()):
        if task.start > world.last_day:
            continue  # not issued yet at the snapshot
        rng = stream(world.seed, "tasks", task.item)
        task_id = len(tables.tasks) + 1
        leader = int(rng.integers(0, len(people.leader_name[task.lead])))
        leader_name = people.leader_name[task.lead][leader]
        leader_title = people.leader_title[task.lead][leader]
        tables.tasks.append(
            {
                "id": task_id,
                "code": f"KH01-{position + 1:02d}",
                "plan_item": task.item,
                "title_vi": task.title_vi,
                "title_en": task.title_en,
                "lead_department_id": int(world.departments.id[dept_index[task.lead]]),
                "responsible_leader": f"{leader_name} – {leader_title}",
                "assigning_authority": task.authority,
                "start_date": task.start,
                "deadline": task.deadline,
                "expected_output": task.output,
                "indicator_keys": ",".join(task.indicators),
                "batch_id": batch_id,
            }
        )
        for code in task.coordinators:
            tables.coordinators.append(
                {"task_id": task_id, "department_id": int(world.departments.id[dept_index[code]])}
            )
        _assign(world, task, task_id, people, (leader_name, leader_title), tables, rng)
    _leave_incomplete(world, tables)
    yield _rows(Task.__table__, tables.tasks)
    yield _rows(TaskCoordinator.__table__, tables.coordinators)
    yield _rows(TaskAssignment.__table__, tables.assignments)
    yield _rows(TaskCheckin.__table__, tables.checkins)
    yield _rows(TaskExtension.__table__, tables.extensions)


# Real registers have gaps: a task entered before its leader is named, an assignment before its
# deadline is set. The page lists them as incomplete records; the score cannot judge them.
_TASKS_WITHOUT_LEADER = 2
_ASSIGNMENTS_WITHOUT_DEADLINE = 3


def _leave_incomplete(world: World, tables: _Tables) -> None:
    """Blank a few leaders and deadlines, drawn from their own stream after everything else is
    generated, so every other value stays what it was without them."""
    rng = stream(world.seed, "tasks", "incomplete")
    if len(tables.tasks) >= _TASKS_WITHOUT_LEADER:
        for index in rng.choice(len(tables.tasks), _TASKS_WITHOUT_LEADER, replace=False):
            tables.tasks[int(index)]["responsible_leader"] = None
    # Only assignments without extension requests: a request names the deadline it extends.
    extended = {row["assignment_id"] for row in tables.extensions}
    candidates = [i for i, row in enumerate(tables.assignments) if row["id"] not in extended]
    if len(candidates) >= _ASSIGNMENTS_WITHOUT_DEADLINE:
        for index in rng.choice(candidates, _ASSIGNMENTS_WITHOUT_DEADLINE, replace=False):
            tables.assignments[int(index)]["deadline"] = None


def _assign(
    world: World,
    task: PlanTask,
    task_id: int,
    people: _People,
    leader: tuple[str, str],
    tables: _Tables,
    rng: np.random.Generator,
) -> None:
    task_effect = float(rng.normal(0.0, 0.12))  # some tasks go smoothly for everyone
    issuer_dept = task.lead
    if not task.concerns_units:
        # A department's own part: departments sit between strong and average units.
        sim = _simulate(task, float(rng.uniform(0.55, 0.85)), task_effect, rng)
        _one_assignment(
            world,
            task,
            task_id,
            None,
            leader,
            people.department_officer[issuer_dept],
            issuer_dept,
            sim,
            tables,
            rng,
            leader,
        )
        return
    months = _months_from_start(task.start)
    levels = world.units.level_at(months)[:, 0]
    for unit in _concerned_units(task, world):
        sim = _simulate(task, float(levels[unit]), task_effect, rng)
        kind = "phường" if world.units.is_phuong[unit] else "xã"
        _one_assignment(
            world,
            task,
            task_id,
            int(unit),
            (people.chairman[unit], f"Chủ tịch UBND {kind}"),
            people.dx_officer[unit],
            "UBND",
            sim,
            tables,
            rng,
            leader,
        )


def _one_assignment(
    world: World,
    task: PlanTask,
    task_id: int,
    unit: int | None,
    responsible: tuple[str, str],
    reporter: str,
    issuer: str,
    sim: _Sim,
    tables: _Tables,
    rng: np.random.Generator,
    decider: tuple[str, str],
) -> None:
    last_day = world.last_day
    assignment_id = len(tables.assignments) + 1
    deadline = _extension(assignment_id, sim, last_day, decider, tables, rng)
    done = sim.finish <= last_day
    progress = _checkins(assignment_id, sim, deadline, done, last_day, reporter, tables, rng)
    completed = sim.finish if done else None
    confirmed = None
    if completed is not None:
        confirmed_day = completed + timedelta(days=int(rng.integers(1, 21)))
        confirmed = confirmed_day if confirmed_day <= last_day else None
    evidence = None
    if completed is not None and rng.random() < 0.6 + 0.35 * sim.level:
        evidence = document_ref(task.evidence, int(rng.integers(12, 480)), issuer, completed)
    overdue = not done and deadline < last_day
    escalation = None
    if overdue and task.escalation and rng.random() < 0.3:
        escalation = task.escalation
    elif overdue and rng.random() < 0.02:
        escalation = _GENERIC_ESCALATION
    state = "done" if done else ("in_progress" if progress > 0 else "not_started")
    tables.assignments.append(
        {
            "id": assignment_id,
            "task_id": task_id,
            "unit_code": None if unit is None else str(world.units.code[unit]),
            "responsible_name": responsible[0],
            "responsible_title": responsible[1],
            "deadline": deadline,
            "state": state,
            "progress_pct": 100 if done else progress,
            "completed_at": completed,
            "confirmed_at": confirmed,
            "evidence_ref": evidence,
            "escalated": escalation is not None,
            "escalation_note": escalation,
            # Raised the day after the deadline passed (overdue: that day is before the
            # snapshot's end), by the assignee's responsible person.
            "escalated_at": None if escalation is None else deadline + timedelta(days=1),
            "escalated_by": None if escalation is None else f"{responsible[0]} – {responsible[1]}",
        }
    )


def _extension(
    assignment_id: int,
    sim: _Sim,
    last_day: date,
    decider: tuple[str, str],
    tables: _Tables,
    rng: np.random.Generator,
) -> date:
    """Maybe ask for more time when the work will run late; returns the current deadline."""
    if sim.finish <= sim.deadline or rng.random() > 0.35:
        return sim.deadline
    requested = sim.deadline - timedelta(days=int(rng.integers(3, 26)))
    requested = max(requested, sim.start + timedelta(days=7))
    if requested > last_day:
        return sim.deadline
    new_deadline = sim.deadline + timedelta(days=int(rng.integers(30, 121)))
    decided = requested + timedelta(days=int(rng.integers(3, 16)))
    state = "pending"
    if decided <= last_day:
        state = "approved" if rng.random() < 0.65 else "rejected"
    tables.extensions.append(
        {
            "id": len(tables.extensions) + 1,
            "assignment_id": assignment_id,
            "requested_at": requested,
            "old_deadline": sim.deadline,
            "new_deadline": new_deadline,
            "reason": _pick(_EXTENSION_REASONS, rng),
            "state": state,
            "decided_by": None if state == "pending" else f"{decider[0]} – {decider[1]}",
            "decided_at": None if state == "pending" else decided,
        }
    )
    return new_deadline if state == "approved" else sim.deadline


def _checkins(
    assignment_id: int,
    sim: _Sim,
    deadline: date,
    done: bool,
    last_day: date,
    reporter: str,
    tables: _Tables,
    rng: np.random.Generator,
) -> int:
    """Progress reports every few weeks; returns the last reported progress (0 if none)."""
    # Weak units start reporting later.
    day = sim.start + timedelta(days=int(rng.integers(7, 22) + 20 * (1.0 - sim.level)))
    end = min(sim.finish, last_day + timedelta(days=1))
    progress = 0
    while day < end:
        progress = max(progress, _progress_at(sim, day))
        tables.checkins.append(
            {
                "id": len(tables.checkins) + 1,
                "assignment_id": assignment_id,
                "checked_at": day,
                "progress_pct": progress,
                "note": _checkin_note(progress, day > deadline, rng),
                "reported_by": reporter,
            }
        )
        day += timedelta(days=int(rng.integers(14, 36)))
    if done:
        tables.checkins.append(
            {
                "id": len(tables.checkins) + 1,
                "assignment_id": assignment_id,
                "checked_at": sim.finish,
                "progress_pct": 100,
                "note": _DONE_NOTE,
                "reported_by": reporter,
            }
        )
        progress = 100
    return progress


def _rows(table, records: list[dict]) -> Rows:
    names = [c.name for c in table.columns]
    return Rows(table, {name: [r[name] for r in records] for name in names})
