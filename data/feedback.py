"""Queries of citizen feedback: compact counts per unit and month, aggregated in the database.

Feedback is the large table (~150,000 cases at scale 1, millions in benchmarks), so it never
leaves the database row by row. The rules the counts depend on (what counts as satisfied, which
statuses are nobody's backlog) are the metrics layer's (``metrics.feedback``): they come in as
arguments. Timestamps are naive local time (Vietnam), as stored.

A past month is counted from the records as they stood at its end: when a case was set aside
comes from its status history (``feedback_status_history``), not from its status today.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, ScalarSelect, case, func, select, text

from data.aggregate import count_if, month_of, months_from_text
from data.models import FeedbackCase, FeedbackStatusChange

COUNT_COLUMNS = ["resolved", "on_time", "with_evidence", "rated", "satisfied"]


def feedback_resolved_by_month(engine: Engine, *, satisfied_from: int) -> pd.DataFrame:
    """Per unit and month of resolution: cases resolved, on time, with evidence, rated, and
    rated ``satisfied_from`` stars or more."""
    month = month_of(FeedbackCase.resolved_at, engine.dialect.name).label("month")
    query = (
        select(
            FeedbackCase.unit_code,
            month,
            func.count().label("resolved"),
            count_if(FeedbackCase.resolved_at <= FeedbackCase.due_at).label("on_time"),
            count_if(FeedbackCase.response_evidence_ref.is_not(None)).label("with_evidence"),
            func.count(FeedbackCase.satisfaction).label("rated"),
            count_if(FeedbackCase.satisfaction >= satisfied_from).label("satisfied"),
        )
        .where(FeedbackCase.resolved_at.is_not(None))
        # Month first: grouping by unit_code first makes SQLite walk the (unit_code, status)
        # index and fetch every wide row at random, about twice as slow as a plain table scan.
        .group_by(month, FeedbackCase.unit_code)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.assign(month=months_from_text(frame["month"])).astype(
        dict.fromkeys(COUNT_COLUMNS, "int64")
    )


def _first_set_aside_at(not_handled: Collection[str]) -> ScalarSelect[datetime]:
    """When the status history first shows the case turned away or merged (NULL: never).

    Correlated, so the database looks it up (by the history's case_id index) only for the
    cases asked about, the few set aside with a deadline; joining a per-case aggregate instead
    reads the whole history, about five rows a case, on every refresh (measured: two to three
    times the time of the whole query without it)."""
    history = FeedbackStatusChange
    return (
        select(func.min(history.changed_at))
        .where(history.case_id == FeedbackCase.id, history.to_status.in_(list(not_handled)))
        .scalar_subquery()
    )


def feedback_overdue_spells(engine: Engine, *, not_handled: Collection[str]) -> pd.DataFrame:
    """Cases ever open past their deadline, counted per unit, start month and end month.

    A case is overdue backlog at a month end E when received_at < E, due_at < E and it has not
    left the backlog before E. It leaves when it is resolved (resolved_at) or set aside: turned
    away or merged into another case, a ``not_handled`` status, dated by the first change into
    one of them in the status history. So a case set aside today still counts in every month it
    was overdue before: a reclassification does not rewrite the past. For the month ends that
    is exactly: from the month holding the later of received_at and due_at, up to (not
    including) the month in which it left. Grouping by those two months keeps the frame small
    at any volume.

    Left out: cases without a deadline, and cases that left the backlog (either way) by their
    deadline. A case set aside whose history has no change into a ``not_handled`` status cannot
    be placed in time: it is left out too, as before the history was read. The history date
    counts only while the case is still set aside: one taken up again runs, as before, from its
    deadline to its resolution (or is still open) — otherwise setting an overdue case aside for
    a moment would drop it from the backlog for good.
    """
    dialect = engine.dialect.name
    set_aside_at = _first_set_aside_at(not_handled)
    is_set_aside = FeedbackCase.status.in_(list(not_handled))
    resolved_at, due_at = FeedbackCase.resolved_at, FeedbackCase.due_at
    # For a case set aside, the earlier of its resolution and the date it was set aside.
    left_at = case(
        (~is_set_aside, resolved_at),
        (resolved_at.is_not(None) & (resolved_at < set_aside_at), resolved_at),
        else_=set_aside_at,
    )
    overdue_from = case((FeedbackCase.received_at > due_at, FeedbackCase.received_at), else_=due_at)
    from_month = month_of(overdue_from, dialect).label("from_month")
    until_month = month_of(left_at, dialect).label("until_month")
    query = (
        select(FeedbackCase.unit_code, from_month, until_month, func.count().label("cases"))
        .where(
            due_at.is_not(None),
            resolved_at.is_(None) | (resolved_at > due_at),
            # Only a case set aside reaches the history look-up (the OR stops at a true first
            # term). No date there (NULL): the comparison is not true, the case is left out.
            ~is_set_aside | (set_aside_at > due_at),
        )
        .group_by(from_month, until_month, FeedbackCase.unit_code)  # month first: see above
    )
    with engine.connect() as conn:
        if dialect == "postgresql":
            # PostgreSQL prices the history look-up as if made for every case (it cannot see
            # that only the cases set aside reach it) and would spend longer compiling the query
            # to machine code (JIT, ~0.25 s at scale 1) than running it (~0.1 s).
            conn.execute(text("SET LOCAL jit = off"))
        frame = pd.read_sql(query, conn)
    return frame.assign(
        from_month=months_from_text(frame["from_month"]),
        until_month=months_from_text(frame["until_month"]),
        cases=frame["cases"].astype("int64"),
    )
