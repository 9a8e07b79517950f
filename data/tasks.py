"""Queries of Action-Plan tasks (a few thousand rows: they come as they are)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from data.aggregate import as_dates
from data.models import TaskAssignment


def unit_task_assignments(engine: Engine) -> pd.DataFrame:
    """The communes' assignments: unit_code, deadline, completed_at, confirmed_at (dates; NaT
    when not yet completed or confirmed). The lead department's own (unit_code NULL) are left
    out."""
    query = select(
        TaskAssignment.unit_code,
        TaskAssignment.deadline,
        TaskAssignment.completed_at,
        TaskAssignment.confirmed_at,
    ).where(TaskAssignment.unit_code.is_not(None))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return as_dates(frame, ["deadline", "completed_at", "confirmed_at"])
