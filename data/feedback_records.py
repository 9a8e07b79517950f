"""Reads of single feedback cases: the short lists of open cases, the map's clustered points,
one case's record and history. Personal data is masked here, before anything leaves the data
layer (``common.masking``): no page can show an unmasked name, phone or address.

INTERFACE (agreed with the page work; keep the names):

* :func:`open_case_list(engine, filters, order, limit)` → DataFrame: case_code, unit_code,
  category_group, category, severity, status, received_at, due_at, last_changed_at;
  ``order`` "received" (oldest first) or "updated" (least recently updated first);
* :func:`open_case_points(engine, filters, cell_degrees)` → DataFrame: lat, lon, cases,
  overdue — the open cases with coordinates, clustered on a grid in the database;
* :func:`case_record(engine, case_code)` → :class:`CaseRecord` | None;
* :func:`newest_change_at(engine)` → the newest status change in the data (or None).

*Open* means a status other than resolved, rejected and duplicate (a reopened case is open).
Both lists and the map read only the open cases, through the index on (status, received_at),
and sort and cut in the database: at any volume a page view reads a few rows.

*Overdue* in SQL (the list filter ``overdue_at`` and the map's ``overdue`` column) is judged on
the stored deadline, which the data's source computes with the one working calendar: accepted
and ``due_at`` before the instant, not on hold for one of the ``pause_reasons`` (the clock is
stopped); a case not yet accepted is overdue when it was received before ``accept_due_before``
(the instant minus the acceptance time in working hours, which the caller works out with the
calendar). The rules are the metrics layer's: they come in as arguments, as in
``data.feedback``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    and_,
    false,
    func,
    not_,
    or_,
    select,
    text,
)
from sqlalchemy.orm import aliased

from common.masking import mask_address, mask_name, mask_phone
from data.aggregate import count_if
from data.models import FEEDBACK_STATES, FeedbackCase, FeedbackStatusChange

CLOSED_STATUSES = ("resolved", "rejected", "duplicate")
OPEN_STATUSES = tuple(status for status in FEEDBACK_STATES if status not in CLOSED_STATUSES)
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
    overdue_at: datetime | None = None  # only open cases past their deadline at this instant


@dataclass(frozen=True)
class CaseRecord:
    """One case as the page may show it (reporter fields already masked)."""

    case: dict[str, object]  # every feedback_cases column except the raw reporter_* ones, plus
    # reporter_name_masked, reporter_phone_masked, reporter_address_masked, duplicate_of_code
    history: pd.DataFrame  # changed_at, from_status, to_status, note (oldest first)


def _overdue(
    instant: datetime, pause_reasons: Collection[str], accept_due_before: datetime | None
) -> ColumnElement[bool]:
    """Past the deadline at ``instant`` by the stored deadlines (see the module's text)."""
    case = FeedbackCase
    paused = (
        and_(case.status == "on_hold", case.status_reason.in_(list(pause_reasons)))
        if pause_reasons
        else false()
    )
    answer_late = and_(case.accepted_at.is_not(None), case.due_at < instant, not_(paused))
    if accept_due_before is None:
        return answer_late
    accept_late = and_(case.accepted_at.is_(None), case.received_at < accept_due_before)
    return or_(answer_late, accept_late)


def _open_where(
    filters: RecordFilters, pause_reasons: Collection[str], accept_due_before: datetime | None
) -> list[ColumnElement[bool]]:
    case = FeedbackCase
    # IN over the open statuses, not NOT IN the closed ones: the (status, received_at) index
    # then reads only the open cases' entries (1–2 % of the table).
    where: list[ColumnElement[bool]] = [case.status.in_(OPEN_STATUSES)]
    for column, value in (
        (case.unit_code, filters.unit_code),
        (case.category_group, filters.category_group),
        (case.category, filters.category),
    ):
        if value is not None:
            where.append(column == value)
    if filters.overdue_at is not None:
        where.append(_overdue(filters.overdue_at, pause_reasons, accept_due_before))
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
    *,
    pause_reasons: Collection[str] = (),
    accept_due_before: datetime | None = None,
) -> pd.DataFrame:
    """Up to ``limit`` open cases, oldest received first or least recently updated first.

    ``last_changed_at`` is the newest change in the case's status history (its receipt when the
    history is empty). Ties keep the older receipt, then the lower id, so the list is stable.
    """
    if order not in ("received", "updated"):
        raise ValueError(f"order must be 'received' or 'updated', got {order!r}")
    where = _open_where(filters, pause_reasons, accept_due_before)
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
    columns: list[ColumnElement[Any]] = [getattr(case, name) for name in LIST_COLUMNS[:-1]]
    return [*columns, _last_change(conn.dialect.name).label("last_changed_at")]


def _oldest_received(
    conn: Connection, where: Sequence[ColumnElement[bool]], limit: int
) -> Sequence[Row[Any]]:
    case = FeedbackCase
    # The ids first, from the (status, received_at) index alone: the history look-up then
    # runs for ``limit`` cases, not for every open case the sort has to see.
    chosen = (
        select(case.id).where(*where).order_by(case.received_at, case.id).limit(limit).subquery()
    )
    query = (
        select(*_shown(conn))
        .join(chosen, chosen.c.id == case.id)
        .order_by(case.received_at, case.id)
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
    case = FeedbackCase
    probe = _oldest_received(conn, where, limit * _NEGLECT_PROBE)
    if not probe:
        return []
    changes = sorted(row.last_changed_at for row in probe)
    bound = changes[min(limit, len(changes)) - 1]
    last_changed = _last_change(conn.dialect.name)
    query = (
        select(*_shown(conn))
        .where(*where, case.received_at <= bound)
        .order_by(last_changed, case.received_at, case.id)
        .limit(limit)
    )
    return conn.execute(query).all()


def open_case_points(
    engine: Engine,
    filters: RecordFilters,
    cell_degrees: float = 0.01,
    *,
    as_of: datetime | None = None,
    pause_reasons: Collection[str] = (),
    accept_due_before: datetime | None = None,
) -> pd.DataFrame:
    """The open cases with coordinates, counted per grid cell of ``cell_degrees``.

    ``lat``/``lon`` are the cell's centre, not a case's position: no reported spot leaves the
    database, and one case alone in a cell is shown where the cell is. ``overdue`` counts the
    cell's cases past their deadline at ``as_of`` (default: ``filters.overdue_at``, else the
    newest change in the data). Cells in ascending (lat, lon) order.
    """
    if not cell_degrees > 0:
        raise ValueError(f"cell_degrees must be positive, got {cell_degrees!r}")
    case = FeedbackCase
    instant = as_of or filters.overdue_at or newest_change_at(engine)
    row = func.floor(case.lat / cell_degrees).label("row")
    col = func.floor(case.lon / cell_degrees).label("col")
    overdue = (
        count_if(_overdue(instant, pause_reasons, accept_due_before))
        if instant is not None
        else func.sum(0)  # no change recorded: there are no cases either
    )
    query = (
        select(row, col, func.count().label("cases"), overdue.label("overdue"))
        .where(
            *_open_where(filters, pause_reasons, accept_due_before),
            case.lat.is_not(None),
            case.lon.is_not(None),
        )
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
