"""Queries of citizen feedback: compact counts per unit and month, aggregated in the database.

Feedback is the large table (~150,000 cases at scale 1, millions in benchmarks), so it never
leaves the database row by row. The rules the counts depend on (what counts as satisfied, which
statuses are nobody's backlog) are the metrics layer's (``metrics.feedback``): they come in as
arguments. Timestamps are naive local time (Vietnam), as stored.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import Engine, case, func, select

from data.aggregate import count_if, month_of, months_from_text
from data.models import FeedbackCase

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


def feedback_overdue_spells(engine: Engine, *, not_handled: Collection[str]) -> pd.DataFrame:
    """Cases ever open past their deadline, counted per unit, start month and end month.

    A case is overdue backlog at a month end E when received_at < E, due_at < E and it is not
    resolved before E. For the month ends that is exactly: from the month holding the later of
    received_at and due_at, up to (not including) the month holding resolved_at. Grouping by
    those two months keeps the frame small at any volume. Cases resolved by their deadline are
    never overdue and are left out here, and so are cases in the ``not_handled`` statuses.
    """
    dialect = engine.dialect.name
    overdue_from = case(
        (FeedbackCase.received_at > FeedbackCase.due_at, FeedbackCase.received_at),
        else_=FeedbackCase.due_at,
    )
    from_month = month_of(overdue_from, dialect).label("from_month")
    until_month = month_of(FeedbackCase.resolved_at, dialect).label("until_month")
    query = (
        select(FeedbackCase.unit_code, from_month, until_month, func.count().label("cases"))
        .where(
            FeedbackCase.due_at.is_not(None),
            FeedbackCase.status.not_in(list(not_handled)),
            FeedbackCase.resolved_at.is_(None) | (FeedbackCase.resolved_at > FeedbackCase.due_at),
        )
        .group_by(from_month, until_month, FeedbackCase.unit_code)  # month first: see above
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.assign(
        from_month=months_from_text(frame["from_month"]),
        until_month=months_from_text(frame["until_month"]),
        cases=frame["cases"].astype("int64"),
    )
