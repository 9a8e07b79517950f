"""Compact inputs of the operational measures (tasks, feedback, 5G), read from the database.

The metrics layer (``metrics.operational``) turns these frames into monthly measures. Feedback is
the large table (~150,000 cases at scale 1, millions in benchmarks), so it never leaves the
database row by row: it arrives grouped by unit and month, small whatever the volume. Tasks and
sites are a few thousand rows and come as they are.

Timestamps are naive local time (Vietnam), as stored. A month is the first day of the month,
as a ``datetime64`` value; "the end of period p" is 00:00 on the first day of the next month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from data.models import FeedbackCase, IndicatorValue, InfraSite, TaskAssignment, Unit

FIRST_PERIOD = date(2025, 7, 1)  # the new province (and its 102 units) began on 1 July 2025
# Cases that were turned away or merged into another case are nobody's backlog.
NOT_HANDLED = ("rejected", "duplicate")
SATISFIED_FROM_STARS = 4  # a rating of 4 or 5 stars counts as satisfied


@dataclass(frozen=True)
class OperationalInputs:
    """What the operational measures are computed from: one compact frame per source.

    * ``populations``: unit_code, population — every unit that gets measures;
    * ``feedback_resolved``: unit_code, month, resolved, on_time, with_evidence, rated,
      satisfied — counts of the cases resolved in that month (by ``resolved_at``);
    * ``feedback_overdue``: unit_code, from_month, until_month, cases — cases that were ever open
      past their deadline: each counts as overdue backlog at the end of every month from
      ``from_month`` up to, not including, ``until_month`` (NaT: still open);
    * ``task_assignments``: unit_code, deadline, completed_at, confirmed_at — the communes' parts
      of Action-Plan tasks (dates; NaT when not yet completed or confirmed);
    * ``sites_5g``: unit_code, serves_centre, on_air_at, population_covered — 5G sites that went
      on air (``on_air_at`` a date).
    """

    populations: pd.DataFrame
    feedback_resolved: pd.DataFrame
    feedback_overdue: pd.DataFrame
    task_assignments: pd.DataFrame
    sites_5g: pd.DataFrame


def month_of(column: ColumnElement[datetime], dialect: str) -> ColumnElement[str]:
    """The calendar month of a timestamp as 'YYYY-MM' text, in the database's own dialect."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    raise NotImplementedError(f"no month expression for the {dialect!r} dialect")


def _months(text: pd.Series) -> pd.Series:
    """'YYYY-MM' (or NULL) → the first day of that month as datetime64 (or NaT)."""
    return pd.to_datetime(text, format="%Y-%m")


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def feedback_resolved_by_month(engine: Engine) -> pd.DataFrame:
    """Per unit and month of resolution: cases resolved, on time, with evidence, rated, 4–5★."""
    month = month_of(FeedbackCase.resolved_at, engine.dialect.name).label("month")
    query = (
        select(
            FeedbackCase.unit_code,
            month,
            func.count().label("resolved"),
            _count_if(FeedbackCase.resolved_at <= FeedbackCase.due_at).label("on_time"),
            _count_if(FeedbackCase.response_evidence_ref.is_not(None)).label("with_evidence"),
            func.count(FeedbackCase.satisfaction).label("rated"),
            _count_if(FeedbackCase.satisfaction >= SATISFIED_FROM_STARS).label("satisfied"),
        )
        .where(FeedbackCase.resolved_at.is_not(None))
        # Month first: grouping by unit_code first makes SQLite walk the (unit_code, status)
        # index and fetch every wide row at random, about twice as slow as a plain table scan.
        .group_by(month, FeedbackCase.unit_code)
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    counts = ["resolved", "on_time", "with_evidence", "rated", "satisfied"]
    return frame.assign(month=_months(frame["month"])).astype({c: "int64" for c in counts})


def feedback_overdue_spells(engine: Engine) -> pd.DataFrame:
    """Cases ever open past their deadline, counted per unit, start month and end month.

    A case is overdue backlog at a month end E when received_at < E, due_at < E and it is not
    resolved before E. For the month ends that is exactly: from the month holding the later of
    received_at and due_at, up to (not including) the month holding resolved_at. Grouping by
    those two months keeps the frame small at any volume. Cases resolved by their deadline are
    never overdue and are left out here.
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
            FeedbackCase.status.not_in(NOT_HANDLED),
            FeedbackCase.resolved_at.is_(None) | (FeedbackCase.resolved_at > FeedbackCase.due_at),
        )
        .group_by(from_month, until_month, FeedbackCase.unit_code)  # month first: see above
    )
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame.assign(
        from_month=_months(frame["from_month"]),
        until_month=_months(frame["until_month"]),
        cases=frame["cases"].astype("int64"),
    )


def _as_dates(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})


def unit_task_assignments(engine: Engine) -> pd.DataFrame:
    """The communes' assignments (the lead department's own, unit_code NULL, left out)."""
    query = select(
        TaskAssignment.unit_code,
        TaskAssignment.deadline,
        TaskAssignment.completed_at,
        TaskAssignment.confirmed_at,
    ).where(TaskAssignment.unit_code.is_not(None))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return _as_dates(frame, ["deadline", "completed_at", "confirmed_at"])


def on_air_5g_sites(engine: Engine) -> pd.DataFrame:
    """5G sites with an on-air date (whether they serve the unit's centre, people covered)."""
    query = select(
        InfraSite.unit_code,
        InfraSite.serves_centre,
        InfraSite.on_air_at,
        InfraSite.population_covered,
    ).where(InfraSite.technology == "5G", InfraSite.on_air_at.is_not(None))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return _as_dates(frame, ["on_air_at"]).astype({"serves_centre": bool})


def unit_populations(engine: Engine) -> pd.DataFrame:
    query = select(Unit.code.label("unit_code"), Unit.population).order_by(Unit.code)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def load_operational_inputs(engine: Engine) -> OperationalInputs:
    return OperationalInputs(
        populations=unit_populations(engine),
        feedback_resolved=feedback_resolved_by_month(engine),
        feedback_overdue=feedback_overdue_spells(engine),
        task_assignments=unit_task_assignments(engine),
        sites_5g=on_air_5g_sites(engine),
    )


def _shift_month(day: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_ended_month(newest_case: datetime | None, newest_period: date | None) -> date | None:
    """The newest month known to be over: the month before the newest case's month (that one
    may still be running), or the newest month an indicator value describes (values are reported
    once their month has ended), whichever is later."""
    candidates = []
    if newest_case is not None:
        candidates.append(_shift_month(newest_case.date(), -1))
    if newest_period is not None:
        candidates.append(_shift_month(newest_period, 0))
    return max(candidates, default=None)


def operational_periods(engine: Engine) -> list[date]:
    """Months to compute: July 2025 to the last month that ended before the newest data."""
    with engine.connect() as conn:
        newest_case = conn.execute(select(func.max(FeedbackCase.received_at))).scalar_one()
        newest_period = conn.execute(select(func.max(IndicatorValue.period))).scalar_one()
    last = last_ended_month(newest_case, newest_period)
    periods: list[date] = []
    current = FIRST_PERIOD
    while last is not None and current <= last:
        periods.append(current)
        current = _shift_month(current, 1)
    return periods
