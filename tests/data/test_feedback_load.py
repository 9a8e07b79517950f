"""The write path of imported feedback: every problem collected, nothing written on any.

SQLite and PostgreSQL. The reading of files and the routing are tested with the command in
tests/geo/test_feedback_import.py; here, what the data layer itself decides.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, func, select

from data.feedback_load import (
    InvalidFeedback,
    NewFeedbackCase,
    NewStatusChange,
    NewUnroutedCase,
    record_feedback,
)
from data.models import FeedbackCase, ImportBatch

RECEIVED = datetime(2026, 11, 23, 8, 0)


def case(code: str, **extra: object) -> NewFeedbackCase:
    fields: dict[str, object] = {
        "case_code": code,
        "channel": "web",
        "category_group": "Đất đai",
        "category": "Tranh chấp ranh giới đất",
        "is_question": False,
        "severity": "complex",
        "description": "Hàng xóm lấn đất",
        "unit_code": "24121",
        "received_at": RECEIVED,
        "status": "received",
        "history": (NewStatusChange(RECEIVED, "received"),),
        **extra,
    }
    return NewFeedbackCase(**fields)  # type: ignore[arg-type]


def batches(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one())


def test_every_problem_is_collected_by_item_and_field(migrated_engine: Engine) -> None:
    unrouted = NewUnroutedCase(
        case_code="C-1",  # the same code as the first item
        reason="lost",
        received_at=RECEIVED,
        channel="web",
        category_group="Đất đai",
        category="x" * 61,
        severity="normal",
        description="…",
    )
    items = [
        case("C-1", unit_code="99999", satisfaction=6),
        case("C-2", status="duplicate", duplicate_of="C-404"),
        unrouted,
    ]
    with pytest.raises(InvalidFeedback) as caught:
        record_feedback(migrated_engine, items, source_name="t", imported_by="test")
    found = {(p.row, p.field, p.reason) for p in caught.value.problems}
    assert found == {
        (1, "unit_code", "unknown_unit"),
        (1, "satisfaction", "bad_rating"),
        (2, "duplicate_of", "unknown_case"),
        (3, "reason", "unknown_reason"),
        (3, "category", "too_long"),
        (3, "case_code", "repeated"),
    }
    assert batches(migrated_engine) == 0


def test_a_duplicate_may_point_at_a_case_stored_by_an_earlier_load(
    migrated_engine: Engine,
) -> None:
    first = record_feedback(migrated_engine, [case("C-1")], source_name="a", imported_by="test")
    second = record_feedback(
        migrated_engine,
        [case("C-2", status="duplicate", duplicate_of="C-1")],
        source_name="b",
        imported_by="test",
    )
    assert second.batch_id > first.batch_id  # each load is a new batch: a new data version
    with migrated_engine.connect() as conn:
        ids = dict(conn.execute(select(FeedbackCase.case_code, FeedbackCase.id)).all())
        link = conn.execute(
            select(FeedbackCase.duplicate_of_id).where(FeedbackCase.case_code == "C-2")
        ).scalar_one()
    assert link == ids["C-1"]
    # A code stored as a case cannot come back as an unrouted case either.
    again = NewUnroutedCase("C-1", "no_location", RECEIVED, "web", "Đất đai", "y", "normal", "…")
    with pytest.raises(InvalidFeedback, match="exists"):
        record_feedback(migrated_engine, [again], source_name="c", imported_by="test")
