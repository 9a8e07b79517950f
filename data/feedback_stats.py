"""Stored feedback counts (``feedback_stats``, ``feedback_weekly``): written with the data, read
by every feedback view, so that no page view reads every case.

INTERFACE (agreed between the stored counts and the page; keep the names):

* :func:`case_id_span(engine)` → (first id, last id) or None;
* :func:`read_case_chunk(engine, first_id, last_id)` → (cases, history) frames of the cases in
  that id range, in the shape ``metrics.feedback_cases`` takes, plus ``unit_code``,
  ``category_group``, ``has_evidence``, ``satisfaction``, ``lat``, ``lon`` on the cases;
* :func:`write_feedback_stats(engine, stats, weekly, state, open_cases)` — replaces every
  stored row in one transaction (readers see the old complete set until the commit);
* :func:`stats_state(engine)` → :class:`StatsState` | None;
* :func:`stats_periods(engine)` → the periods stored, oldest first;
* :func:`read_stats(engine, filters, by)` → the stored columns summed in the database over the
  rows matching ``filters``, grouped by ``by`` (a subset of period, unit_code, category_group,
  category);
* :func:`read_weekly(engine, filters, since)` → week_start, opened, closed summed per week.

The case reads are the one place that touches every case (once per data load, a chunk of ids
at a time); they go through the DBAPI cursor with times as epoch seconds and statuses as small
integer codes, because building a Python string and datetime per value is most of the cost of a
read of millions of rows. The writes are bulk (SQLite ``executemany``, PostgreSQL ``COPY``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, select

from data.models import (
    FEEDBACK_STATES,
    FeedbackCase,
    FeedbackOpenCase,
    FeedbackStat,
    FeedbackStatsState,
    FeedbackStatusChange,
    FeedbackWeek,
)

STATE_COLUMNS = ("open_within", "open_overdue", "paused")
AGE_COLUMNS = ("age_0_7", "age_8_30", "age_31_90", "age_over_90")
FLOW_COLUMNS = (
    "received",
    "accepted_late",
    "resolved",
    "resolved_on_time",
    "resolved_with_evidence",
    "rated",
    "satisfied",
    "reopened",
    "rejected",
    "duplicate",
)
COUNT_COLUMNS = STATE_COLUMNS + AGE_COLUMNS + FLOW_COLUMNS
KEY_COLUMNS = ("period", "unit_code", "category_group", "category")
WEEK_KEY_COLUMNS = ("week_start", "unit_code", "category_group", "category")
WEEK_COUNT_COLUMNS = ("opened", "closed")
CASE_COLUMNS = (
    "id",
    "received_at",
    "accepted_at",
    "severity",
    "category",
    "unit_code",
    "category_group",
    "has_evidence",
    "satisfaction",
    "lat",
    "lon",
)
# The cases open at the as-of instant, with their state then (``feedback_open_cases``).
OPEN_CASE_COLUMNS = (
    "case_id",
    "state",
    "unit_code",
    "category_group",
    "category",
    "received_at",
    "lat",
    "lon",
)
HISTORY_COLUMNS = ("case_id", "changed_at", "to_status", "note")
_STATUS_CODES = {status: code for code, status in enumerate(FEEDBACK_STATES)}
_PAUSE_STATUS = "on_hold"  # only its note (the reason) matters to the deadline clock
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


class DataChangedWhileReading(RuntimeError):
    """The cases changed between two reads of one chunk (a data load committed meanwhile)."""


@dataclass(frozen=True)
class StatsState:
    data_version: int
    rules_hash: str
    as_of: datetime
    computed_at: datetime


@dataclass(frozen=True)
class StatsFilters:
    """Which stored rows to sum: None means every value."""

    period: date | None = None  # one period; None: every period
    periods: tuple[date, date] | None = None  # an inclusive range instead of one period
    unit_code: str | None = None
    category_group: str | None = None
    category: str | None = None


# --- reading the cases, a chunk of ids at a time -------------------------------------------


def case_id_span(engine: Engine) -> tuple[int, int] | None:
    """The smallest and largest case id (two primary-key look-ups), or None without cases."""
    with engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(FeedbackCase.id), func.max(FeedbackCase.id))
        ).one()
    return None if first is None else (int(first), int(last))


def first_received(engine: Engine) -> datetime | None:
    """When the first case was received (the ``received_at`` index), or None without cases."""
    with engine.connect() as conn:
        moment = conn.execute(select(func.min(FeedbackCase.received_at))).scalar_one()
    return None if moment is None else pd.Timestamp(moment).to_pydatetime()


def newest_instant(engine: Engine) -> datetime | None:
    """The newest instant the data records: the latest receipt or status change (None without
    cases). What "now" stands for in the stored counts."""
    with engine.connect() as conn:
        received = conn.execute(select(func.max(FeedbackCase.received_at))).scalar_one()
        changed = conn.execute(select(func.max(FeedbackStatusChange.changed_at))).scalar_one()
    moments = [pd.Timestamp(m).to_pydatetime() for m in (received, changed) if m is not None]
    return max(moments, default=None)


def _epoch(column: str, dialect: str) -> str:
    """SQL for a naive timestamp column as whole seconds since 1970-01-01 (the same wall clock,
    no time zone). Fractions of a second are dropped on both databases: times are recorded to
    the second (the demo data and the imports)."""
    if dialect == "sqlite":
        return f"unixepoch({column})"
    if dialect == "postgresql":
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"
    raise NotImplementedError(f"no epoch expression for the {dialect!r} dialect")


def _status_code(column: str) -> str:
    """SQL mapping a status to its index in ``FEEDBACK_STATES`` (small integers cost nothing to
    fetch; one text object per row is what makes a large read slow)."""
    whens = " ".join(f"WHEN '{status}' THEN {code}" for status, code in _STATUS_CODES.items())
    return f"CASE {column} {whens} END"


_NO_TIME = -(2**62)  # stands for NULL in an epoch column: every column read is an integer


def _times(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds (:data:`_NO_TIME`: missing) → datetime64[s] (NaT)."""
    out = seconds.astype("datetime64[s]")
    out[seconds == _NO_TIME] = np.datetime64("NaT")
    return out


def _fetch(conn: Connection, sql: str, params: tuple[int, int]) -> list[Any]:
    dialect = conn.dialect.name
    marks = "?" if dialect == "sqlite" else "%s"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql.replace(":first", marks).replace(":last", marks), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _labels(values: np.ndarray) -> pd.Categorical:
    """Text values as a categorical: hashed once here, so every later grouping and lookup by
    category, unit or status works on small integer codes."""
    codes, names = pd.factorize(values)
    return pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object))


def read_case_chunk(
    engine: Engine, first_id: int, last_id: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cases with ``first_id <= id <= last_id`` and their whole status history.

    ``cases``: the :data:`CASE_COLUMNS` (``has_evidence``: a response evidence reference is
    recorded; ``satisfaction``: the rating, NaN when not rated; ``lat``/``lon``: NaN when not
    given; text columns categorical),
    ordered by id. ``history``: the :data:`HISTORY_COLUMNS` (``to_status`` categorical;
    ``note`` only on changes into ``on_hold``, where it is the reason; None elsewhere), in the
    order the changes were recorded.
    """
    with engine.connect() as conn:
        dialect = conn.dialect.name

        def epoch(column: str) -> str:
            return f"COALESCE({_epoch(column, dialect)}, {_NO_TIME})"

        case_rows = _fetch(
            conn,
            f"SELECT id, {epoch('received_at')}, {epoch('accepted_at')}, "
            "CASE WHEN response_evidence_ref IS NULL THEN 0 ELSE 1 END, "
            "COALESCE(satisfaction, 0), severity, category, unit_code, category_group, "
            "lat, lon "
            "FROM feedback_cases WHERE id BETWEEN :first AND :last ORDER BY id",
            (first_id, last_id),
        )
        # In the order recorded within each case (the case_id index holds the row ids: no
        # sort, and no id column to fetch).
        history_rows = _fetch(
            conn,
            f"SELECT case_id, {epoch('changed_at')}, {_status_code('to_status')} "
            "FROM feedback_status_history WHERE case_id BETWEEN :first AND :last "
            "ORDER BY case_id, id",
            (first_id, last_id),
        )
        # Only a hold's reason matters (does it wait on the citizen?): a few rows in a hundred,
        # in the same order as the holds above.
        notes = _fetch(
            conn,
            "SELECT note FROM feedback_status_history "
            f"WHERE case_id BETWEEN :first AND :last AND to_status = '{_PAUSE_STATUS}' "
            "ORDER BY case_id, id",
            (first_id, last_id),
        )
    return _cases_frame(case_rows), _history_frame(history_rows, notes)


def _cases_frame(rows: list[Any]) -> pd.DataFrame:
    table = np.array(rows, dtype=object).reshape(len(rows), len(CASE_COLUMNS))
    numbers = table[:, :5].astype(np.int64)
    rating = numbers[:, 4].astype(np.float64)
    rating[rating == 0] = np.nan  # ratings are 1–5: 0 stood for "not rated"
    return pd.DataFrame(
        {
            "id": numbers[:, 0],
            "received_at": _times(numbers[:, 1]),
            "accepted_at": _times(numbers[:, 2]),
            "severity": _labels(table[:, 5]),
            "category": _labels(table[:, 6]),
            "unit_code": _labels(table[:, 7]),
            "category_group": _labels(table[:, 8]),
            "has_evidence": numbers[:, 3].astype(bool),
            "satisfaction": rating,
            "lat": _coordinates(table[:, 9]),
            "lon": _coordinates(table[:, 10]),
        }
    )


def _coordinates(values: np.ndarray) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _history_frame(rows: list[Any], notes: list[Any]) -> pd.DataFrame:
    table = np.array(rows, dtype=np.int64).reshape(len(rows), 3)
    codes = table[:, 2]
    holds = codes == _STATUS_CODES[_PAUSE_STATUS]
    if int(holds.sum()) != len(notes):
        # The two reads saw different data: a load committed in between. The data version
        # moved with it, so the counts being computed are stale anyway and will be redone.
        raise DataChangedWhileReading("the feedback history changed while it was being read")
    note = np.full(len(codes), None, dtype=object)
    note[holds] = [row[0] for row in notes]
    return pd.DataFrame(
        {
            "case_id": table[:, 0],
            "changed_at": _times(table[:, 1]),
            "to_status": pd.Categorical.from_codes(
                codes, categories=pd.Index(FEEDBACK_STATES, dtype=object)
            ),
            "note": note,
        }
    )


# --- writing every count at once -----------------------------------------------------------


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows as plain tuples the DBAPI takes: dates as ISO text, counts as Python ints (column
    by column: a Python object per value made one at a time would cost seconds)."""
    values: list[list[Any]] = []
    for name in columns:
        column = frame[name]
        if name in ("period", "week_start"):
            days = pd.to_datetime(column).to_numpy(dtype="datetime64[D]")
            values.append(np.datetime_as_string(days, unit="D").tolist())
        elif name == "received_at":
            # SQLAlchemy's own text form of a DateTime on SQLite (microseconds included), so
            # that the stored text compares with the parameters it binds.
            moments = pd.to_datetime(column).to_numpy(dtype="datetime64[us]")
            values.append([t.replace("T", " ") for t in np.datetime_as_string(moments)])
        elif name in ("unit_code", "category_group", "category", "state"):
            values.append(column.astype(str).tolist())
        elif name in ("lat", "lon"):
            numbers = column.to_numpy(dtype=np.float64)
            values.append([None if np.isnan(v) else float(v) for v in numbers])
        else:
            values.append(column.to_numpy(dtype=np.int64).tolist())
    return list(zip(*values, strict=True))


def _bulk_insert(conn: Connection, table: str, names: Sequence[str], rows: list[tuple]) -> None:
    """SQLite: ``executemany`` with plain tuples; PostgreSQL: one ``COPY`` of CSV text, written
    by the csv module in one go (psycopg's row-by-row ``write_row`` takes seconds for 100,000
    rows)."""
    if not rows:
        return
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        with (
            dbapi.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            copy.write(text.getvalue())
        return
    marks = ", ".join("?" for _ in names)
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)
    finally:
        cursor.close()


def write_feedback_stats(
    engine: Engine,
    stats: pd.DataFrame,
    weekly: pd.DataFrame,
    state: StatsState,
    open_cases: pd.DataFrame,
) -> None:
    """Replace every stored count, the open cases and the state row in one transaction (all or
    nothing).

    ``stats``: :data:`KEY_COLUMNS` + :data:`COUNT_COLUMNS`; ``weekly``:
    :data:`WEEK_KEY_COLUMNS` + :data:`WEEK_COUNT_COLUMNS`; ``open_cases``:
    :data:`OPEN_CASE_COLUMNS`. Plain DELETE, not TRUNCATE: on PostgreSQL readers keep seeing
    the old set until the commit instead of waiting on a lock.
    """
    stat_names = [*KEY_COLUMNS, *COUNT_COLUMNS]
    week_names = [*WEEK_KEY_COLUMNS, *WEEK_COUNT_COLUMNS]
    stat_rows = _records(stats, stat_names)
    week_rows = _records(weekly, week_names)
    open_rows = _records(open_cases, OPEN_CASE_COLUMNS)
    with engine.begin() as conn:
        for model in (FeedbackStat, FeedbackWeek, FeedbackOpenCase, FeedbackStatsState):
            conn.execute(model.__table__.delete())
        _bulk_insert(conn, FeedbackStat.__tablename__, stat_names, stat_rows)
        _bulk_insert(conn, FeedbackWeek.__tablename__, week_names, week_rows)
        _bulk_insert(conn, FeedbackOpenCase.__tablename__, OPEN_CASE_COLUMNS, open_rows)
        conn.execute(
            FeedbackStatsState.__table__.insert().values(
                data_version=state.data_version,
                rules_hash=state.rules_hash,
                as_of=state.as_of,
                computed_at=state.computed_at,
            )
        )


# --- reading the stored counts -------------------------------------------------------------


def stats_state(engine: Engine) -> StatsState | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(
                FeedbackStatsState.data_version,
                FeedbackStatsState.rules_hash,
                FeedbackStatsState.as_of,
                FeedbackStatsState.computed_at,
            )
            .order_by(FeedbackStatsState.id.desc())
            .limit(1)
        ).first()
    return None if row is None else StatsState(int(row[0]), row[1], row[2], row[3])


def stats_periods(engine: Engine) -> list[date]:
    with engine.connect() as conn:
        return list(
            conn.execute(select(FeedbackStat.period).distinct().order_by(FeedbackStat.period))
            .scalars()
            .all()
        )


def _filtered(query: _Query, model: Any, filters: StatsFilters) -> _Query:
    for name in ("unit_code", "category_group", "category"):
        value = getattr(filters, name)
        if value is not None:
            query = query.where(getattr(model, name) == value)
    return query


def read_stats(engine: Engine, filters: StatsFilters, by: Sequence[str]) -> pd.DataFrame:
    """The :data:`COUNT_COLUMNS` summed in the database over the rows matching ``filters``,
    one row per value of ``by`` (ordered by it; no ``by``: one row of totals, zeros when
    nothing matches). Counts are int64; ``period`` is a ``date``."""
    unknown = set(by) - set(KEY_COLUMNS)
    if unknown:
        raise ValueError(f"cannot group the feedback counts by {sorted(unknown)}")
    keys = [getattr(FeedbackStat, name) for name in by]
    sums = [func.coalesce(func.sum(getattr(FeedbackStat, c)), 0).label(c) for c in COUNT_COLUMNS]
    query = _filtered(select(*keys, *sums), FeedbackStat, filters)
    if filters.period is not None:
        query = query.where(FeedbackStat.period == filters.period)
    if filters.periods is not None:
        query = query.where(FeedbackStat.period.between(*filters.periods))
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=[*by, *COUNT_COLUMNS])
    return frame.astype(dict.fromkeys(COUNT_COLUMNS, "int64"))


def read_weekly(
    engine: Engine, filters: StatsFilters, since: date, until: date | None = None
) -> pd.DataFrame:
    """week_start (a Monday, ``since <= week_start``, and ``<= until`` when given), opened,
    closed: summed per week over the rows matching the unit and category ``filters`` (their
    period fields do not apply to weeks), oldest first."""
    sums = [
        func.coalesce(func.sum(getattr(FeedbackWeek, c)), 0).label(c) for c in WEEK_COUNT_COLUMNS
    ]
    query = _filtered(select(FeedbackWeek.week_start, *sums), FeedbackWeek, filters).where(
        FeedbackWeek.week_start >= since
    )
    if until is not None:
        query = query.where(FeedbackWeek.week_start <= until)
    query = query.group_by(FeedbackWeek.week_start).order_by(FeedbackWeek.week_start)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["week_start", *WEEK_COUNT_COLUMNS])
    return frame.astype(dict.fromkeys(WEEK_COUNT_COLUMNS, "int64"))
