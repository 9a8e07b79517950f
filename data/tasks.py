"""Queries of Action-Plan tasks (a few thousand rows: they come as they are).

The deadline of an assignment changes with approved extensions; ``task_assignments.deadline``
holds only the newest one. To judge a past month by the deadline in force then
(``metrics.tasks``), the assignments also give their original deadline and the approved
extensions come as a second frame, each with its decision date.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, Engine, and_, func, select

from data.aggregate import as_dates
from data.models import TaskAssignment, TaskExtension

_APPROVED = "approved"


def _dated_approval() -> ColumnElement[bool]:
    """An approved extension with a decision date. Without a date an approval cannot be placed
    in time: it is left out, and the deadline it set counts as the original one."""
    return and_(TaskExtension.state == _APPROVED, TaskExtension.decided_at.is_not(None))


def unit_task_assignments(engine: Engine) -> pd.DataFrame:
    """The communes' assignments: assignment_id, unit_code, deadline (the current one, after
    approved extensions), original_deadline (before any dated approved extension: the first
    one's ``old_deadline``, else the current deadline), completed_at, confirmed_at (dates; NaT
    when not yet completed or confirmed). The lead department's own (unit_code NULL) are left
    out."""
    # The first dated approval of each assignment (by decision day, then as recorded): one
    # window pass over the extensions rather than a lookup per assignment.
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
    first_approval = first.subquery()
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
        .outerjoin(first_approval, first_approval.c.assignment_id == TaskAssignment.id)
        .where(TaskAssignment.unit_code.is_not(None))
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
    query = (
        select(TaskExtension.assignment_id, TaskExtension.decided_at, TaskExtension.new_deadline)
        .join(TaskAssignment, TaskAssignment.id == TaskExtension.assignment_id)
        .where(TaskAssignment.unit_code.is_not(None), _dated_approval())
        .order_by(TaskExtension.assignment_id, TaskExtension.decided_at, TaskExtension.id)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["decided_at", "new_deadline"])
