"""The one write path for indicator values: new values are added, changed values are revised.

A stored value is never overwritten silently. Every load is one transaction that makes one
import batch: a (unit, indicator, month) without a value gets a new row; one that has a value
keeps its row, which takes the new figure, and the change is written to
``indicator_value_revisions`` (old → new, who, when, why, batch). The new batch moves
``data.queries.data_version``, so stored scores are recomputed from the revised values.

The load is all or nothing: every row is checked first and one :class:`InvalidIndicatorValues`
lists each problem by row and field; nothing is written then. Which indicator keys may be
loaded is the metrics layer's knowledge (the catalog, minus what it computes from operational
records): the caller passes them in, since this layer imports no metrics.

A re-send of what is stored already (same value, source type, evidence, verifier and
verification date) is no revision: the row is left as it is, its report date included, so
re-sending old figures never makes a unit look freshly reported.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, insert, select, tuple_, update

from data.db import exclusive_write
from data.models import (
    SOURCE_TYPES,
    ImportBatch,
    IndicatorValue,
    IndicatorValueRevision,
    Unit,
)

IMPORT_KIND = "indicators"
# Text columns and their lengths in the schema: checked here, since SQLite would store a longer
# text that PostgreSQL refuses, and both databases must hold the same data.
TEXT_LIMITS = {"evidence_ref": 300, "verified_by": 120}
# What decides whether a re-sent value is a change (the report date alone is not: see above).
CONTENT_FIELDS = ("value", "source_type", "evidence_ref", "verified_by", "verified_at")
REVISION_COLUMNS = [
    "id",
    "batch_id",
    "source_name",
    "value_id",
    "unit_code",
    "indicator_key",
    "period",
    "old_value",
    "new_value",
    "old_source_type",
    "new_source_type",
    "old_evidence_ref",
    "new_evidence_ref",
    "old_reported_at",
    "new_reported_at",
    "old_verified_by",
    "new_verified_by",
    "old_verified_at",
    "new_verified_at",
    "old_batch_id",
    "revised_at",
    "revised_by",
    "reason",
]

Key = tuple[Any, Any, Any]  # (unit_code, indicator_key, period)


@dataclass(frozen=True)
class NewIndicatorValue:
    """One value to store: a unit's figure for one catalogued indicator in one month."""

    unit_code: str
    indicator_key: str
    period: date  # the first day of the month the value describes
    value: float
    source_type: str  # one of data.models.SOURCE_TYPES
    reported_at: datetime
    evidence_ref: str | None = None
    verified_by: str | None = None
    verified_at: datetime | None = None

    @property
    def key(self) -> Key:
        return (self.unit_code, self.indicator_key, self.period)


@dataclass(frozen=True)
class RowProblem:
    """Why one field of one row cannot be stored. ``row`` counts the rows given from 1;
    ``reason`` is a code (callers translate it); ``detail`` is the offending value or the
    limit it broke, as text; ``same_as`` is the earlier row a repeated row repeats."""

    row: int
    field: str
    reason: str
    detail: str = ""
    same_as: int | None = None

    def __str__(self) -> str:
        extra = f" (row {self.same_as})" if self.same_as is not None else ""
        shown = f" {self.detail!r}" if self.detail else ""
        return f"row {self.row}, {self.field}: {self.reason}{shown}{extra}"


class InvalidIndicatorValues(ValueError):
    """Rows that cannot be stored; nothing of the load was written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class RecordResult:
    """What a load did. ``batch_id`` is None when nothing was new or changed (no batch then:
    the data, and so the stored scores, stay as they were)."""

    batch_id: int | None
    inserted: int
    revised: int
    unchanged: int


# --- checks ----------------------------------------------------------------------------------


def _is_finite_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _is_month(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime) and value.day == 1


def _field_problems(
    row: NewIndicatorValue, units: Collection[str], known_keys: Collection[str]
) -> Iterator[tuple[str, str, str]]:
    """(field, reason, detail) of each problem of one row taken on its own."""
    if row.unit_code not in units:
        yield "unit_code", "unknown_unit", str(row.unit_code)
    if row.indicator_key not in known_keys:
        yield "indicator_key", "unknown_indicator", str(row.indicator_key)
    if not _is_month(row.period):
        yield "period", "not_a_month", str(row.period)
    if not _is_finite_number(row.value):
        yield "value", "not_finite", str(row.value)
    if row.source_type not in SOURCE_TYPES:
        yield "source_type", "unknown_source_type", str(row.source_type)
    if not isinstance(row.reported_at, datetime):
        yield "reported_at", "not_a_datetime", str(row.reported_at)
    if row.verified_at is not None and not isinstance(row.verified_at, datetime):
        yield "verified_at", "not_a_datetime", str(row.verified_at)
    if row.source_type == "verified":
        # "Verified" says someone checked it: without who and when, it is only a claim.
        if not row.verified_by:
            yield "verified_by", "missing_verifier", ""
        if row.verified_at is None:
            yield "verified_at", "missing_verified_at", ""
    for field, limit in TEXT_LIMITS.items():
        text = getattr(row, field)
        if text is not None and (not isinstance(text, str) or len(text) > limit):
            yield field, "too_long", str(limit)


def find_problems(
    rows: Sequence[NewIndicatorValue], *, units: Collection[str], known_keys: Collection[str]
) -> list[RowProblem]:
    """Every problem of ``rows``, in row order: each row on its own, then a (unit, indicator,
    month) given twice (which of the two figures would count is not for this layer to guess)."""
    problems: list[RowProblem] = []
    first_row: dict[Key, int] = {}
    for number, row in enumerate(rows, start=1):
        problems.extend(
            RowProblem(number, field, reason, detail)
            for field, reason, detail in _field_problems(row, units, known_keys)
        )
        try:
            earlier = first_row.setdefault(row.key, number)
        except TypeError:  # an unhashable field: already reported above
            continue
        if earlier != number:
            problems.append(RowProblem(number, "indicator_key", "repeated", "", earlier))
    return problems


def _unit_codes(conn: Connection) -> set[str]:
    return set(conn.execute(select(Unit.code)).scalars())


def check_indicator_values(
    engine: Engine, rows: Iterable[NewIndicatorValue], *, known_keys: Collection[str]
) -> list[RowProblem]:
    """The problems :func:`record_indicator_values` would refuse ``rows`` for (writes nothing)."""
    with engine.connect() as conn:
        units = _unit_codes(conn)
    return find_problems([_tidy(r) for r in rows], units=units, known_keys=known_keys)


# --- writing ---------------------------------------------------------------------------------


def _blank_to_none(text: str | None) -> str | None:
    """Surrounding spaces dropped; an empty text is no text (an empty evidence reference is
    no evidence)."""
    if not isinstance(text, str):
        return text
    return text.strip() or None


def _tidy(row: NewIndicatorValue) -> NewIndicatorValue:
    return replace(
        row,
        unit_code=row.unit_code.strip() if isinstance(row.unit_code, str) else row.unit_code,
        indicator_key=(
            row.indicator_key.strip() if isinstance(row.indicator_key, str) else row.indicator_key
        ),
        evidence_ref=_blank_to_none(row.evidence_ref),
        verified_by=_blank_to_none(row.verified_by),
    )


def _stored_values(conn: Connection, rows: Sequence[NewIndicatorValue]) -> dict[Key, Any]:
    """The stored rows for the (unit, indicator, month) of ``rows``, by that key."""
    if not rows:
        return {}
    table = IndicatorValue.__table__
    keys = sorted({row.key for row in rows})
    query = select(table).where(
        tuple_(table.c.unit_code, table.c.indicator_key, table.c.period).in_(keys)
    )
    return {
        (stored.unit_code, stored.indicator_key, stored.period): stored
        for stored in conn.execute(query)
    }


def _same_content(stored: Any, row: NewIndicatorValue) -> bool:
    return all(getattr(stored, field) == getattr(row, field) for field in CONTENT_FIELDS)


def _new_batch(
    conn: Connection, *, source_name: str, imported_by: str, now: datetime, counts: dict[str, Any]
) -> int:
    return int(
        conn.execute(
            insert(ImportBatch).returning(ImportBatch.id),
            [
                {
                    "kind": IMPORT_KIND,
                    "source_name": source_name,
                    "imported_by": imported_by,
                    "imported_at": now,
                    "row_count": counts["inserted"] + counts["revised"],
                    "parameters": json.dumps(counts, ensure_ascii=False),
                }
            ],
        ).scalar_one()
    )


def _value_columns(row: NewIndicatorValue) -> dict[str, Any]:
    return {
        "value": float(row.value),
        "source_type": row.source_type,
        "reported_at": row.reported_at,
        "evidence_ref": row.evidence_ref,
        "verified_by": row.verified_by,
        "verified_at": row.verified_at,
    }


def _insert_values(conn: Connection, rows: list[NewIndicatorValue], batch_id: int) -> None:
    if rows:
        conn.execute(
            insert(IndicatorValue),
            [
                {
                    "unit_code": row.unit_code,
                    "indicator_key": row.indicator_key,
                    "period": row.period,
                    **_value_columns(row),
                    "batch_id": batch_id,
                }
                for row in rows
            ],
        )


def _revision(
    stored: Any,
    row: NewIndicatorValue,
    *,
    batch_id: int,
    by: str,
    reason: str | None,
    now: datetime,
) -> dict[str, Any]:
    new = _value_columns(row)
    return {
        "value_id": stored.id,
        "unit_code": stored.unit_code,
        "indicator_key": stored.indicator_key,
        "period": stored.period,
        **{f"old_{column}": getattr(stored, column) for column in new},
        "old_batch_id": stored.batch_id,
        **{f"new_{column}": value for column, value in new.items()},
        "revised_at": now,
        "revised_by": by,
        "reason": reason,
        "batch_id": batch_id,
    }


def _revise_values(
    conn: Connection,
    changes: list[tuple[Any, NewIndicatorValue]],
    *,
    batch_id: int,
    by: str,
    reason: str | None,
    now: datetime,
) -> None:
    if not changes:
        return
    conn.execute(
        insert(IndicatorValueRevision),
        [
            _revision(stored, row, batch_id=batch_id, by=by, reason=reason, now=now)
            for stored, row in changes
        ],
    )
    table = IndicatorValue.__table__
    columns = list(_value_columns(changes[0][1]))
    conn.execute(
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({column: bindparam(f"new_{column}") for column in [*columns, "batch_id"]}),
        [
            {
                "row_id": stored.id,
                **{f"new_{column}": value for column, value in _value_columns(row).items()},
                "new_batch_id": batch_id,
            }
            for stored, row in changes
        ],
    )


def record_indicator_values(
    engine: Engine,
    rows: Iterable[NewIndicatorValue],
    *,
    known_keys: Collection[str],
    source_name: str,
    imported_by: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> RecordResult:
    """Store ``rows`` as one import batch: new values added, changed ones revised, identical
    re-sends counted and left alone. Raises :class:`InvalidIndicatorValues` (nothing written)
    when any row cannot be stored. ``reason`` is kept with every revision of the load."""
    given = [_tidy(row) for row in rows]
    now = now or datetime.now()
    reason = _blank_to_none(reason)
    with exclusive_write(engine) as conn:  # checked and written with no other load between
        problems = find_problems(given, units=_unit_codes(conn), known_keys=known_keys)
        if problems:
            raise InvalidIndicatorValues(problems)
        stored = _stored_values(conn, given)
        new = [row for row in given if row.key not in stored]
        changed = [
            (stored[row.key], row)
            for row in given
            if row.key in stored and not _same_content(stored[row.key], row)
        ]
        unchanged = len(given) - len(new) - len(changed)
        if not new and not changed:
            return RecordResult(None, 0, 0, unchanged)
        counts = {
            "inserted": len(new),
            "revised": len(changed),
            "unchanged": unchanged,
            "reason": reason,
        }
        batch_id = _new_batch(
            conn, source_name=source_name, imported_by=imported_by, now=now, counts=counts
        )
        _insert_values(conn, new, batch_id)
        _revise_values(conn, changed, batch_id=batch_id, by=imported_by, reason=reason, now=now)
    return RecordResult(batch_id, len(new), len(changed), unchanged)


# --- reading ---------------------------------------------------------------------------------


def read_revisions(engine: Engine, unit_code: str, period: date | None = None) -> pd.DataFrame:
    """A unit's revisions (of one month's values when ``period`` is given), oldest first, with
    the source name of the batch that brought each: columns ``REVISION_COLUMNS``."""
    revisions = IndicatorValueRevision.__table__
    query = (
        select(revisions, ImportBatch.source_name)
        .join(ImportBatch, ImportBatch.id == revisions.c.batch_id)
        .where(revisions.c.unit_code == unit_code)
        .order_by(revisions.c.revised_at, revisions.c.id)
    )
    if period is not None:
        query = query.where(revisions.c.period == period)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    frame = frame[REVISION_COLUMNS]
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    for column in ("old_reported_at", "new_reported_at", "old_verified_at", "new_verified_at"):
        frame[column] = pd.to_datetime(frame[column])
    frame["revised_at"] = pd.to_datetime(frame["revised_at"])
    return frame
