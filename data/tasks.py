"""Queries of Action-Plan tasks (a few thousand rows: they come as they are).

The deadline of an assignment changes with approved extensions; ``task_assignments.deadline``
holds only the newest one. To judge a past month by the deadline in force then
(``metrics.tasks``), the assignments also give their original deadline and the approved
extensions come as a second frame, each with its decision date.

A record without a deadline, or whose task names no responsible leader, is *incomplete*: it
cannot be judged, so the score's inputs (:func:`unit_task_assignments`) leave it out and the
register (:func:`task_register`) marks it for the task board's "incomplete record" list.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Subquery, and_, case, func, select

from data.aggregate import as_dates
from data.models import (
    Department,
    ScoreIndicatorSnapshot,
    Task,
    TaskAssignment,
    TaskCheckin,
    TaskCoordinator,
    TaskExtension,
    Unit,
)

_APPROVED = "approved"


def _dated_approval() -> ColumnElement[bool]:
    """An approved extension with a decision date. Without a date an approval cannot be placed
    in time: it is left out, and the deadline it set counts as the original one."""
    return and_(TaskExtension.state == _APPROVED, TaskExtension.decided_at.is_not(None))


def _has_leader() -> ColumnElement[bool]:
    """The task names its responsible leader (not NULL, not blank)."""
    return and_(Task.responsible_leader.is_not(None), func.trim(Task.responsible_leader) != "")


def _complete() -> ColumnElement[bool]:
    """A record that can be judged: a deadline and a named responsible leader."""
    return and_(TaskAssignment.deadline.is_not(None), _has_leader())


def _first_approval() -> Subquery:
    """assignment_id, old_deadline of each assignment's first dated approval (by decision day,
    then as recorded): one window pass over the extensions rather than a lookup per
    assignment."""
    ranked = (
        select(
            TaskExtension.assignment_id,
            TaskExtension.old_deadline,
            func.row_number()
            .over(
                partition_by=TaskExtension.assignment_id,
                order_by=(TaskExtension.decided_at, TaskExtension.id),
            )
            .label("rank"),
        )
        .where(_dated_approval())
        .subquery()
    )
    first = select(ranked.c.assignment_id, ranked.c.old_deadline).where(ranked.c.rank == 1)
    return first.subquery()


def unit_task_assignments(engine: Engine) -> pd.DataFrame:
    """The communes' assignments: assignment_id, unit_code, deadline (the current one, after
    approved extensions), original_deadline (before any dated approved extension: the first
    one's ``old_deadline``, else the current deadline), completed_at, confirmed_at (dates; NaT
    when not yet completed or confirmed). The lead department's own (unit_code NULL) and the
    incomplete records (no deadline, no named leader) are left out."""
    first_approval = _first_approval()
    query = (
        select(
            TaskAssignment.id.label("assignment_id"),
            TaskAssignment.unit_code,
            TaskAssignment.deadline,
            func.coalesce(first_approval.c.old_deadline, TaskAssignment.deadline).label(
                "original_deadline"
            ),
            TaskAssignment.completed_at,
            TaskAssignment.confirmed_at,
        )
        .join(Task, Task.id == TaskAssignment.task_id)
        .outerjoin(first_approval, first_approval.c.assignment_id == TaskAssignment.id)
        .where(TaskAssignment.unit_code.is_not(None), _complete())
        .order_by(TaskAssignment.id)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["deadline", "original_deadline", "completed_at", "confirmed_at"])


def unit_task_extensions(engine: Engine) -> pd.DataFrame:
    """The approved extensions of the communes' assignments: assignment_id, decided_at,
    new_deadline (dates), in the order they were decided (by decision day, then as recorded).
    Rejected and pending requests change no deadline and are left out, as are approvals
    without a decision date (see :func:`unit_task_assignments`)."""
    return approved_extensions(engine, units_only=True)


def approved_extensions(engine: Engine, units_only: bool = False) -> pd.DataFrame:
    """assignment_id, decided_at, new_deadline of every dated approved extension, in the order
    decided (see :func:`unit_task_extensions`); ``units_only`` keeps the communes' assignments
    only."""
    query = (
        select(TaskExtension.assignment_id, TaskExtension.decided_at, TaskExtension.new_deadline)
        .join(TaskAssignment, TaskAssignment.id == TaskExtension.assignment_id)
        .where(_dated_approval())
        .order_by(TaskExtension.assignment_id, TaskExtension.decided_at, TaskExtension.id)
    )
    if units_only:
        query = query.where(TaskAssignment.unit_code.is_not(None))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["decided_at", "new_deadline"])


_REGISTER_DATES = [
    "start_date",
    "deadline",
    "original_deadline",
    "completed_at",
    "confirmed_at",
    "escalated_at",
]


def _coordinators() -> Subquery:
    """task_id, coordinators_vi, coordinators_en: the coordinating departments' short names,
    joined with ", " (order as the database aggregates; sorted by the caller)."""
    return (
        select(
            TaskCoordinator.task_id,
            func.aggregate_strings(Department.short_vi, ", ").label("coordinators_vi"),
            func.aggregate_strings(Department.short_en, ", ").label("coordinators_en"),
        )
        .join(Department, Department.id == TaskCoordinator.department_id)
        .group_by(TaskCoordinator.task_id)
        .subquery()
    )


def _sorted_names(joined: pd.Series) -> pd.Series:
    """Each ", "-joined list of names in alphabetical order (the databases aggregate in no
    promised order); "" when there are none."""
    return joined.fillna("").map(lambda text: ", ".join(sorted(filter(None, text.split(", ")))))


def task_register(engine: Engine) -> pd.DataFrame:
    """Every assignment with its task, lead department, coordinators and unit, one row each.

    Columns: assignment_id, task_id, task_code, plan_item, title_vi, title_en, lead_code,
    lead_short_vi, lead_short_en, responsible_leader (the task's; None when not named),
    responsible_name, responsible_title (the assignee's), coordinators_vi, coordinators_en
    (short names, alphabetical, joined with ", "; "" when none), unit_code, unit_name (the
    unit's full name; None for the lead department's own part), start_date, deadline (current),
    original_deadline (as in :func:`unit_task_assignments`; NaT without a deadline),
    completed_at, confirmed_at, escalated_at (dates), progress_pct (as stored), evidence_ref,
    escalated (bool), escalated_by, escalation_note, indicator_keys (the stored comma-separated
    text), incomplete (bool: no deadline or no named leader). Ordered by assignment id.
    """
    first_approval = _first_approval()
    coordinators = _coordinators()
    query = (
        select(
            TaskAssignment.id.label("assignment_id"),
            Task.id.label("task_id"),
            Task.code.label("task_code"),
            Task.plan_item,
            Task.title_vi,
            Task.title_en,
            Department.code.label("lead_code"),
            Department.short_vi.label("lead_short_vi"),
            Department.short_en.label("lead_short_en"),
            Task.responsible_leader,
            TaskAssignment.responsible_name,
            TaskAssignment.responsible_title,
            coordinators.c.coordinators_vi,
            coordinators.c.coordinators_en,
            TaskAssignment.unit_code,
            Unit.full_name.label("unit_name"),
            Task.start_date,
            TaskAssignment.deadline,
            func.coalesce(first_approval.c.old_deadline, TaskAssignment.deadline).label(
                "original_deadline"
            ),
            TaskAssignment.completed_at,
            TaskAssignment.confirmed_at,
            TaskAssignment.progress_pct,
            TaskAssignment.evidence_ref,
            TaskAssignment.escalated,
            TaskAssignment.escalated_at,
            TaskAssignment.escalated_by,
            TaskAssignment.escalation_note,
            Task.indicator_keys,
            case((_complete(), False), else_=True).label("incomplete"),
        )
        .join(Task, Task.id == TaskAssignment.task_id)
        .join(Department, Department.id == Task.lead_department_id)
        .outerjoin(Unit, Unit.code == TaskAssignment.unit_code)
        .outerjoin(coordinators, coordinators.c.task_id == Task.id)
        .outerjoin(first_approval, first_approval.c.assignment_id == TaskAssignment.id)
        .order_by(TaskAssignment.id)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame = as_dates(frame, _REGISTER_DATES)
    for column in ("coordinators_vi", "coordinators_en"):
        frame[column] = _sorted_names(frame[column])
    for column in ("escalated", "incomplete"):
        frame[column] = frame[column].fillna(False).astype(bool)
    return frame


def checkin_summary(engine: Engine, on_or_before: date) -> pd.DataFrame:
    """Per assignment with a check-in on or before the day: assignment_id, last_checkin (its
    latest day), progress_pct (reported that day; the later record on a tie), first_progress_at
    (the earliest day with progress above 0; NaT if none)."""
    ranked = (
        select(
            TaskCheckin.assignment_id,
            TaskCheckin.checked_at,
            TaskCheckin.progress_pct,
            func.row_number()
            .over(
                partition_by=TaskCheckin.assignment_id,
                order_by=(TaskCheckin.checked_at.desc(), TaskCheckin.id.desc()),
            )
            .label("rank"),
            func.min(case((TaskCheckin.progress_pct > 0, TaskCheckin.checked_at)))
            .over(partition_by=TaskCheckin.assignment_id)
            .label("first_progress_at"),
        )
        .where(TaskCheckin.checked_at <= on_or_before)
        .subquery()
    )
    query = (
        select(
            ranked.c.assignment_id,
            ranked.c.checked_at.label("last_checkin"),
            ranked.c.progress_pct,
            ranked.c.first_progress_at,
        )
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.assignment_id)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["last_checkin", "first_progress_at"])


def assignment_checkins(engine: Engine, assignment_id: int) -> pd.DataFrame:
    """One assignment's check-ins, oldest first: checked_at, progress_pct, note, reported_by."""
    query = (
        select(
            TaskCheckin.checked_at,
            TaskCheckin.progress_pct,
            TaskCheckin.note,
            TaskCheckin.reported_by,
        )
        .where(TaskCheckin.assignment_id == assignment_id)
        .order_by(TaskCheckin.checked_at, TaskCheckin.id)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["checked_at"])


def assignment_extensions(engine: Engine, assignment_id: int) -> pd.DataFrame:
    """Every extension request of one assignment, whatever its state, as requested: requested_at,
    reason, old_deadline, new_deadline, state, decided_by, decided_at."""
    query = (
        select(
            TaskExtension.requested_at,
            TaskExtension.reason,
            TaskExtension.old_deadline,
            TaskExtension.new_deadline,
            TaskExtension.state,
            TaskExtension.decided_by,
            TaskExtension.decided_at,
        )
        .where(TaskExtension.assignment_id == assignment_id)
        .order_by(TaskExtension.requested_at, TaskExtension.id)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["requested_at", "old_deadline", "new_deadline", "decided_at"])


def task_departments(engine: Engine) -> pd.DataFrame:
    """The departments that lead at least one task: code, short_vi, short_en, name_vi, name_en,
    sorted by short_vi."""
    query = (
        select(
            Department.code,
            Department.short_vi,
            Department.short_en,
            Department.name_vi,
            Department.name_en,
        )
        .where(Department.id.in_(select(Task.lead_department_id)))
        .order_by(Department.short_vi)
    )
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def task_date_span(engine: Engine) -> tuple[date | None, date | None]:
    """(earliest task start, newest day any task record describes): start, completion,
    confirmation, escalation, check-in, extension request or decision. (None, None) without
    tasks."""
    newest = [
        select(func.max(TaskAssignment.completed_at)),
        select(func.max(TaskAssignment.confirmed_at)),
        select(func.max(TaskAssignment.escalated_at)),
        select(func.max(TaskCheckin.checked_at)),
        select(func.max(TaskExtension.requested_at)),
        select(func.max(TaskExtension.decided_at)),
        select(func.max(Task.start_date)),
    ]
    with engine.connect() as conn:
        first = conn.execute(select(func.min(Task.start_date))).scalar_one_or_none()
        days = [conn.execute(query).scalar_one_or_none() for query in newest]
    known = [_as_date(day) for day in days if day is not None]
    return _as_date(first) if first is not None else None, max(known, default=None)


def _as_date(value: object) -> date:
    """A DATE column's value (SQLite may hand back text)."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def indicator_series(
    engine: Engine, keys: list[str], first: date, last: date, unit_code: str | None = None
) -> pd.DataFrame:
    """The scored raw values of some indicators by month, from the stored score snapshots:
    unit_code, indicator_key, period (1st of the month), value (NaN when none) — one unit's, or
    every unit's when ``unit_code`` is None — for the months ``first`` to ``last`` inclusive."""
    snapshot = ScoreIndicatorSnapshot
    query = (
        select(snapshot.unit_code, snapshot.indicator_key, snapshot.period, snapshot.value)
        .where(
            snapshot.indicator_key.in_(keys),
            snapshot.period >= first,
            snapshot.period <= last,
        )
        .order_by(snapshot.unit_code, snapshot.indicator_key, snapshot.period)
    )
    if unit_code is not None:
        query = query.where(snapshot.unit_code == unit_code)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["period"])
