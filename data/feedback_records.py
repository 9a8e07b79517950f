"""Reads of single feedback cases: the short lists of open cases, the map's clustered points,
one case's record and history. Personal data is masked here, before anything leaves the data
layer (``common.masking``): no page can show an unmasked name, phone or address.

INTERFACE (agreed with the page work; keep the names):

* :func:`open_case_list(engine, filters, order, limit)` → DataFrame: case_code, unit_code,
  category_group, category, severity, status, received_at, due_at, last_changed_at, state;
  ``order`` "received" (oldest first) or "updated" (least recently updated first);
* :func:`open_case_points(engine, filters, cell_degrees)` → DataFrame: lat, lon, cases,
  overdue — the open cases with coordinates, clustered on a grid in the database;
* :func:`case_record(engine, case_code)` → :class:`CaseRecord` | None;
* :func:`newest_change_at(engine)` → the newest status change in the data (or None).

*Open* and each open case's *state* (``open_within``, ``open_overdue``, ``paused``) are the
metrics layer's, at the stored counts' as-of instant: both lists and the map read the table
``feedback_open_cases`` that the counts' refresh writes from the one case-state computation
(``metrics.feedback_cases``), so a list narrowed to "overdue" holds exactly the cases the
overdue count counts. That table holds the open cases only (1–2 % of all), and the lists sort
and cut in the database on its (received_at, case_id) index: at any volume a page view reads a
few rows of the case table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, Row, func, select, text
from sqlalchemy.orm import aliased

from common.masking import mask_address, mask_name, mask_phone
from data.aggregate import count_if
from data.models import FeedbackCase, FeedbackOpenCase, FeedbackStatusChange

OPEN_STATE_NAMES = ("open_within", "open_overdue", "paused")  # the stored ``state`` values
REPORTER_COLUMNS = ("reporter_name", "reporter_phone", "reporter_address")
LIST_COLUMNS = (
    "case_code",
    "unit_code",
    "category_group",
    "category",
    "severity",
    "status",
    "received_at",
    "due_at",
    "last_changed_at",
    "state",
)
_MASKS = {
    "reporter_name": mask_name,
    "reporter_phone": mask_phone,
    "reporter_address": mask_address,
}


@dataclass(frozen=True)
class RecordFilters:
    unit_code: str | None = None
    category_group: str | None = None
    category: str | None = None
    state: str | None = None  # one of OPEN_STATE_NAMES; None: every open case

    def __post_init__(self) -> None:
        if self.state is not None and self.state not in OPEN_STATE_NAMES:
            raise ValueError(f"state must be one of {OPEN_STATE_NAMES}, got {self.state!r}")


@dataclass(frozen=True)
class CaseRecord:
    """One case as the page may show it (reporter fields already masked)."""

    case: dict[str, object]  # every feedback_cases column except the raw reporter_* ones, plus
    # reporter_name_masked, reporter_phone_masked, reporter_address_masked, duplicate_of_code
    history: pd.DataFrame  # changed_at, from_status, to_status, note (oldest first)


def _open_where(filters: RecordFilters) -> list[ColumnElement[bool]]:
    stored = FeedbackOpenCase
    where: list[ColumnElement[bool]] = []
    for column, value in (
        (stored.unit_code, filters.unit_code),
        (stored.category_group, filters.category_group),
        (stored.category, filters.category),
        (stored.state, filters.state),
    ):
        if value is not None:
            where.append(column == value)
    return where


def _last_change(dialect: str) -> ColumnElement[datetime]:
    """The case's newest status change, looked up by the history's case_id index; never
    earlier than its receipt (the history starts there; a change dated before it is an error of
    the source, and the neglect list's pruning relies on ``last_changed_at >= received_at``)."""
    history = FeedbackStatusChange
    newest = func.coalesce(
        select(func.max(history.changed_at))
        .where(history.case_id == FeedbackCase.id)
        .scalar_subquery(),
        FeedbackCase.received_at,
    )
    if dialect == "sqlite":
        return func.max(newest, FeedbackCase.received_at)  # two arguments: the larger one
    return func.greatest(newest, FeedbackCase.received_at)


def _without_jit(conn: Connection) -> Connection:
    """PostgreSQL prices these short look-ups by the whole table (the history's per-case
    estimate is far off) and compiled them to machine code first: measured at ×30, 1.3 s of
    JIT for a 15 ms query. The setting lasts for this connection's transaction only."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL jit = off"))
    return conn


# The neglect list first looks at this many times ``limit`` of the oldest open cases: enough,
# on the demo data at scale 1 and 10, to bound the search to a few dozen cases.
_NEGLECT_PROBE = 3


def open_case_list(
    engine: Engine,
    filters: RecordFilters,
    order: Literal["received", "updated"],
    limit: int = 10,
) -> pd.DataFrame:
    """Up to ``limit`` open cases, oldest received first or least recently updated first.

    ``last_changed_at`` is the newest change in the case's status history (its receipt when the
    history is empty); ``state`` the case's open state at the stored counts' as-of instant.
    Ties keep the older receipt, then the lower id, so the list is stable.
    """
    if order not in ("received", "updated"):
        raise ValueError(f"order must be 'received' or 'updated', got {order!r}")
    where = _open_where(filters)
    with engine.connect() as conn:
        _without_jit(conn)
        if order == "received":
            rows = _oldest_received(conn, where, limit)
        else:
            rows = _least_recently_updated(conn, where, limit)
    frame = pd.DataFrame(rows, columns=list(LIST_COLUMNS))
    return _with_datetimes(frame, ["received_at", "due_at", "last_changed_at"])


def _shown(conn: Connection) -> list[ColumnElement[Any]]:
    case = FeedbackCase
    columns: list[ColumnElement[Any]] = [getattr(case, name) for name in LIST_COLUMNS[:-2]]
    return [
        *columns,
        _last_change(conn.dialect.name).label("last_changed_at"),
        FeedbackOpenCase.state.label("state"),
    ]


def _oldest_received(
    conn: Connection, where: Sequence[ColumnElement[bool]], limit: int
) -> Sequence[Row[Any]]:
    stored = FeedbackOpenCase
    # The ids first, from the open cases alone (their received_at index): the case rows and
    # the history look-up are then read for ``limit`` cases only.
    chosen = (
        select(stored.case_id)
        .where(*where)
        .order_by(stored.received_at, stored.case_id)
        .limit(limit)
        .subquery()
    )
    query = (
        select(*_shown(conn))
        .join(chosen, chosen.c.case_id == FeedbackCase.id)
        .join(stored, stored.case_id == FeedbackCase.id)
        .order_by(stored.received_at, stored.case_id)
    )
    return conn.execute(query).all()


def _least_recently_updated(
    conn: Connection, where: Sequence[ColumnElement[bool]], limit: int
) -> Sequence[Row[Any]]:
    """Sorting every open case by its newest change costs a history look-up per open case
    (≈ 140 ms for 23,600 open cases at scale 10, linear in the volume). Instead: among the
    oldest open cases, the ``limit``-th smallest last change is a bound B that the answer
    cannot exceed; since a case's last change is never before its receipt, only the cases
    received by B can be in the answer — the index gives them directly."""
    stored = FeedbackOpenCase
    probe = _oldest_received(conn, where, limit * _NEGLECT_PROBE)
    if not probe:
        return []
    changes = sorted(row.last_changed_at for row in probe)
    bound = changes[min(limit, len(changes)) - 1]
    last_changed = _last_change(conn.dialect.name)
    query = (
        select(*_shown(conn))
        .join(stored, stored.case_id == FeedbackCase.id)
        .where(*where, stored.received_at <= bound)
        .order_by(last_changed, stored.received_at, stored.case_id)
        .limit(limit)
    )
    return conn.execute(query).all()


def open_case_points(
    engine: Engine, filters: RecordFilters, cell_degrees: float = 0.01
) -> pd.DataFrame:
    """The open cases with coordinates, counted per grid cell of ``cell_degrees``.

    ``lat``/``lon`` are the cell's centre, not a case's position: no reported spot leaves the
    database, and one case alone in a cell is shown where the cell is. ``overdue`` counts the
    cell's cases whose state is ``open_overdue``. Cells in ascending (lat, lon) order.
    """
    if not cell_degrees > 0:
        raise ValueError(f"cell_degrees must be positive, got {cell_degrees!r}")
    stored = FeedbackOpenCase
    row = func.floor(stored.lat / cell_degrees).label("row")
    col = func.floor(stored.lon / cell_degrees).label("col")
    overdue = count_if(stored.state == "open_overdue")
    query = (
        select(row, col, func.count().label("cases"), overdue.label("overdue"))
        .where(*_open_where(filters), stored.lat.is_not(None), stored.lon.is_not(None))
        .group_by(row, col)
        .order_by(row, col)
    )
    with engine.connect() as conn:
        cells = _without_jit(conn).execute(query).all()
    return pd.DataFrame(
        {
            "lat": [round((r + 0.5) * cell_degrees, 6) for r, _c, _n, _o in cells],
            "lon": [round((c + 0.5) * cell_degrees, 6) for _r, c, _n, _o in cells],
            "cases": pd.array([n for *_rc, n, _o in cells], dtype="int64"),
            "overdue": pd.array([int(o or 0) for *_rcn, o in cells], dtype="int64"),
        }
    )


def case_record(engine: Engine, case_code: str) -> CaseRecord | None:
    """The case with that code, its reporter masked, and its status history; None if unknown."""
    case = FeedbackCase
    original = aliased(FeedbackCase)
    columns = [column for column in case.__table__.columns if column.name not in REPORTER_COLUMNS]
    query = (
        select(
            *columns,
            *(getattr(case, name) for name in REPORTER_COLUMNS),
            original.case_code.label("duplicate_of_code"),
        )
        .outerjoin(original, original.id == case.duplicate_of_id)
        .where(case.case_code == case_code)
    )
    history = FeedbackStatusChange
    with engine.connect() as conn:
        found = conn.execute(query).mappings().first()
        if found is None:
            return None
        changes = conn.execute(
            select(history.changed_at, history.from_status, history.to_status, history.note)
            .where(history.case_id == found["id"])
            .order_by(history.changed_at, history.id)
        ).all()
    record: dict[str, Any] = {k: v for k, v in found.items() if k not in REPORTER_COLUMNS}
    for name in REPORTER_COLUMNS:
        record[f"{name}_masked"] = _MASKS[name](found[name])
    frame = pd.DataFrame(changes, columns=["changed_at", "from_status", "to_status", "note"])
    return CaseRecord(case=record, history=_with_datetimes(frame, ["changed_at"]))


def newest_change_at(engine: Engine) -> datetime | None:
    """The newest status change recorded (every case's history starts with its receipt)."""
    with engine.connect() as conn:
        newest = conn.execute(select(func.max(FeedbackStatusChange.changed_at))).scalar_one()
    return newest if isinstance(newest, datetime) else None


def _with_datetimes(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """datetime64 columns (NaT for NULL) whatever the driver returned."""
    return frame.assign(**{c: pd.to_datetime(frame[c]) for c in columns})
