"""The one write path for imported feedback: routed cases with their status history, and the
cases no unit could be given (``feedback_unrouted``), as one import batch, all or nothing.

The caller (``geo.feedback_import``) reads the file, routes each case and computes its
deadline; this module checks what the schema and the stored data decide — enumerated values,
text lengths, the unit, case codes unique across both tables and within the load, the case a
duplicate points at — collecting every problem, and writes nothing when there is one. A load
makes one new ``import_batches`` row (kind ``feedback``): the newest batch id is the data
version, so stored scores and feedback counts are recomputed from the new cases.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from data.db import exclusive_write
from data.indicators import RowProblem
from data.models import (
    FEEDBACK_CHANNELS,
    FEEDBACK_SEVERITIES,
    FEEDBACK_STATES,
    FeedbackCase,
    FeedbackStatusChange,
    FeedbackUnrouted,
    ImportBatch,
    Unit,
)

IMPORT_KIND = "feedback"
UNROUTED_REASONS = ("outside_province", "unknown_unit", "no_location")
# Text columns and their lengths in the schema: checked here, since SQLite would store a longer
# text that PostgreSQL refuses, and both databases must hold the same data.
TEXT_LIMITS = {
    "case_code": 30,
    "category_group": 40,
    "category": 60,
    "status_reason": 200,
    "response_evidence_ref": 300,
    "reporter_name": 120,
    "reporter_phone": 20,
    "reporter_address": 300,
    "stated_unit": 20,
    "note": 200,
}


@dataclass(frozen=True)
class NewStatusChange:
    changed_at: datetime
    to_status: str  # one of data.models.FEEDBACK_STATES
    note: str | None = None  # the reason of a hold or a rejection


@dataclass(frozen=True)
class NewFeedbackCase:
    """A case routed to a unit, with its whole status history (oldest first)."""

    case_code: str
    channel: str
    category_group: str
    category: str
    is_question: bool
    severity: str
    description: str
    unit_code: str
    received_at: datetime
    status: str
    history: tuple[NewStatusChange, ...]
    lat: float | None = None
    lon: float | None = None
    accepted_at: datetime | None = None
    due_at: datetime | None = None
    status_reason: str | None = None
    duplicate_of: str | None = None  # the case code of the case it repeats
    resolved_at: datetime | None = None
    response_text: str | None = None
    response_evidence_ref: str | None = None
    satisfaction: int | None = None
    reopen_count: int = 0
    reporter_name: str | None = None
    reporter_phone: str | None = None
    reporter_address: str | None = None


@dataclass(frozen=True)
class NewUnroutedCase:
    """A received case no unit could be given, kept with what identifies and describes it."""

    case_code: str
    reason: str  # one of UNROUTED_REASONS
    received_at: datetime
    channel: str
    category_group: str
    category: str
    severity: str
    description: str
    stated_unit: str | None = None
    lat: float | None = None
    lon: float | None = None
    reporter_name: str | None = None
    reporter_phone: str | None = None
    reporter_address: str | None = None


NewFeedback = NewFeedbackCase | NewUnroutedCase


class InvalidFeedback(ValueError):
    """Records that cannot be stored (``row`` counts the records given, from 1); nothing of
    the load was written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class FeedbackLoadResult:
    batch_id: int
    cases: int
    unrouted: int
    history: int
    by_reason: dict[str, int] = field(default_factory=dict)  # unrouted cases per reason


# --- checks ------------------------------------------------------------------------------------


def known_unit_codes(engine: Engine) -> set[str]:
    """The unit codes stored in the registry table (a case can only go to one of them)."""
    with engine.connect() as conn:
        return _unit_codes(conn)


def _unit_codes(conn: Connection) -> set[str]:
    return {str(code) for code in conn.execute(select(Unit.code)).scalars()}


def _stored_codes(conn: Connection, codes: Sequence[str]) -> tuple[set[str], set[str]]:
    """Of ``codes``: those stored as cases, and those stored as unrouted cases."""
    cases, unrouted = set(), set()
    unique = sorted(set(codes))
    for start in range(0, len(unique), 500):  # keeps the IN list within every driver's limit
        chunk = unique[start : start + 500]
        cases |= set(
            conn.execute(select(FeedbackCase.case_code).where(FeedbackCase.case_code.in_(chunk)))
            .scalars()
            .all()
        )
        unrouted |= set(
            conn.execute(
                select(FeedbackUnrouted.case_code).where(FeedbackUnrouted.case_code.in_(chunk))
            )
            .scalars()
            .all()
        )
    return cases, unrouted


def _text_problems(row: int, item: NewFeedback) -> list[RowProblem]:
    problems = []
    for name, limit in TEXT_LIMITS.items():
        value = getattr(item, name, None)
        if isinstance(value, str) and len(value) > limit:
            problems.append(RowProblem(row, name, "too_long", str(limit)))
    if isinstance(item, NewFeedbackCase):
        for change in item.history:
            if change.note is not None and len(change.note) > TEXT_LIMITS["note"]:
                problems.append(RowProblem(row, "status_history", "too_long", "200"))
    return problems


def _value_problems(row: int, item: NewFeedback, units: set[str]) -> list[RowProblem]:
    problems = []
    if not item.case_code.strip():
        problems.append(RowProblem(row, "case_code", "missing"))
    if item.channel not in FEEDBACK_CHANNELS:
        problems.append(RowProblem(row, "channel", "unknown_channel", item.channel))
    if item.severity not in FEEDBACK_SEVERITIES:
        problems.append(RowProblem(row, "severity", "unknown_severity", item.severity))
    if isinstance(item, NewUnroutedCase):
        if item.reason not in UNROUTED_REASONS:
            problems.append(RowProblem(row, "reason", "unknown_reason", item.reason))
        return problems
    if item.unit_code not in units:
        problems.append(RowProblem(row, "unit_code", "unknown_unit", item.unit_code))
    if item.status not in FEEDBACK_STATES:
        problems.append(RowProblem(row, "status", "unknown_status", item.status))
    for change in item.history:
        if change.to_status not in FEEDBACK_STATES:
            problems.append(RowProblem(row, "status_history", "unknown_status", change.to_status))
    if item.satisfaction is not None and not 1 <= item.satisfaction <= 5:
        problems.append(RowProblem(row, "satisfaction", "bad_rating", str(item.satisfaction)))
    return problems


def find_problems(
    items: Sequence[NewFeedback],
    *,
    units: set[str],
    stored_cases: set[str],
    stored_unrouted: set[str],
) -> list[RowProblem]:
    """Every problem of ``items`` against the schema and what is stored (rows from 1)."""
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    routed_codes = {i.case_code for i in items if isinstance(i, NewFeedbackCase)}
    for row, item in enumerate(items, start=1):
        problems += _value_problems(row, item, units)
        problems += _text_problems(row, item)
        code = item.case_code
        if not code.strip():
            continue  # "missing", said above: a blank code repeats nothing
        if code in first_row:
            problems.append(RowProblem(row, "case_code", "repeated", code, first_row[code]))
        else:
            first_row[code] = row
        if code in stored_cases or code in stored_unrouted:
            problems.append(RowProblem(row, "case_code", "exists", code))
        if isinstance(item, NewFeedbackCase) and item.duplicate_of is not None:
            target = item.duplicate_of
            if target == code:
                problems.append(RowProblem(row, "duplicate_of", "duplicate_of_itself", target))
            elif target not in routed_codes and target not in stored_cases:
                problems.append(RowProblem(row, "duplicate_of", "unknown_case", target))
    return problems


def check_feedback(engine: Engine, items: Sequence[NewFeedback]) -> list[RowProblem]:
    """The problems :func:`record_feedback` would refuse ``items`` for (nothing written)."""
    with engine.connect() as conn:
        return _check(conn, items)


def _check(conn: Connection, items: Sequence[NewFeedback]) -> list[RowProblem]:
    # The codes the items carry and the ones their duplicates point at (maybe stored earlier).
    codes = [i.case_code for i in items]
    codes += [i.duplicate_of for i in items if isinstance(i, NewFeedbackCase) and i.duplicate_of]
    stored_cases, stored_unrouted = _stored_codes(conn, codes)
    return find_problems(
        items,
        units=_unit_codes(conn),
        stored_cases=stored_cases,
        stored_unrouted=stored_unrouted,
    )


# --- writing -----------------------------------------------------------------------------------

_CASE_COLUMNS = (
    "case_code",
    "channel",
    "category_group",
    "category",
    "is_question",
    "severity",
    "description",
    "lat",
    "lon",
    "unit_code",
    "received_at",
    "accepted_at",
    "due_at",
    "status",
    "status_reason",
    "resolved_at",
    "response_text",
    "response_evidence_ref",
    "satisfaction",
    "reopen_count",
    "reporter_name",
    "reporter_phone",
    "reporter_address",
)
_UNROUTED_COLUMNS = (
    "case_code",
    "reason",
    "stated_unit",
    "lat",
    "lon",
    "received_at",
    "channel",
    "category_group",
    "category",
    "severity",
    "description",
    "reporter_name",
    "reporter_phone",
    "reporter_address",
)


def _new_batch(
    conn: Connection, *, source_name: str, imported_by: str, now: datetime, counts: dict[str, Any]
) -> int:
    values = {
        "kind": IMPORT_KIND,
        "source_name": source_name[:300],
        "imported_by": imported_by[:120],
        "imported_at": now,
        "row_count": counts["cases"] + counts["unrouted"] + counts["history"],
        "parameters": json.dumps(counts, ensure_ascii=False, sort_keys=True),
    }
    return int(conn.execute(insert(ImportBatch).returning(ImportBatch.id), [values]).scalar_one())


def _write_cases(conn: Connection, cases: list[NewFeedbackCase], batch_id: int) -> dict[str, int]:
    """Insert the cases, their history and their duplicate links: case code → new id."""
    if not cases:
        return {}
    conn.execute(
        insert(FeedbackCase),
        [{**{c: getattr(case, c) for c in _CASE_COLUMNS}, "batch_id": batch_id} for case in cases],
    )
    query = select(FeedbackCase.case_code, FeedbackCase.id).where(FeedbackCase.batch_id == batch_id)
    ids = {str(code): int(case_id) for code, case_id in conn.execute(query)}
    history = [
        {
            "case_id": ids[case.case_code],
            "changed_at": change.changed_at,
            "from_status": case.history[n - 1].to_status if n else None,
            "to_status": change.to_status,
            "note": change.note,
        }
        for case in cases
        for n, change in enumerate(case.history)
    ]
    if history:
        conn.execute(insert(FeedbackStatusChange), history)
    _link_duplicates(conn, cases, ids)
    return ids


def _link_duplicates(conn: Connection, cases: list[NewFeedbackCase], ids: dict[str, int]) -> None:
    targets = {c.duplicate_of for c in cases if c.duplicate_of is not None}
    missing = sorted(targets - set(ids))
    if missing:  # cases stored by an earlier load
        query = select(FeedbackCase.case_code, FeedbackCase.id).where(
            FeedbackCase.case_code.in_(missing)
        )
        ids = {**ids, **{str(code): int(case_id) for code, case_id in conn.execute(query)}}
    links = [
        {"row_id": ids[c.case_code], "target": ids[c.duplicate_of]}
        for c in cases
        if c.duplicate_of is not None
    ]
    if links:
        table = FeedbackCase.__table__
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(duplicate_of_id=bindparam("target")),
            links,
        )


def record_feedback(
    engine: Engine,
    items: Sequence[NewFeedback],
    *,
    source_name: str,
    imported_by: str,
    now: datetime | None = None,
) -> FeedbackLoadResult:
    """Store ``items`` as one import batch. Raises :class:`InvalidFeedback` (nothing written)
    when any record cannot be stored; checked and written in one transaction, with no other
    load between."""
    now = now or datetime.now()
    cases = [i for i in items if isinstance(i, NewFeedbackCase)]
    unrouted = [i for i in items if isinstance(i, NewUnroutedCase)]
    with exclusive_write(engine) as conn:
        problems = _check(conn, items)
        if problems:
            raise InvalidFeedback(problems)
        by_reason = {r: sum(u.reason == r for u in unrouted) for r in UNROUTED_REASONS}
        counts: dict[str, Any] = {
            "cases": len(cases),
            "unrouted": len(unrouted),
            "history": sum(len(c.history) for c in cases),
            "unrouted_by_reason": by_reason,
        }
        batch_id = _new_batch(
            conn, source_name=source_name, imported_by=imported_by, now=now, counts=counts
        )
        _write_cases(conn, cases, batch_id)
        if unrouted:
            conn.execute(
                insert(FeedbackUnrouted),
                [
                    {**{c: getattr(u, c) for c in _UNROUTED_COLUMNS}, "batch_id": batch_id}
                    for u in unrouted
                ],
            )
    return FeedbackLoadResult(
        batch_id, len(cases), len(unrouted), int(counts["history"]), by_reason
    )
