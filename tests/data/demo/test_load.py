"""The bulk writer stores values exactly as SQLAlchemy would, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest
from sqlalchemy import Engine, insert, select

from data.demo.load import BulkWriter, Rows, as_db_values
from data.models import FeedbackCase, ImportBatch, IndicatorValue


def _write(engine: Engine, rows: list[Rows]) -> dict[str, int]:
    with engine.begin() as conn:
        writer = BulkWriter(conn)
        writer.write_all(rows)
        writer.finish()
    return writer.counts


def test_dates_nulls_and_numbers_round_trip(migrated_engine: Engine) -> None:
    batch = Rows(
        ImportBatch.__table__,
        {
            "id": np.array([7]),
            "kind": np.array(["demo"]),
            "source_name": ["tab\there, quote ' and backslash \\"],
            "imported_by": ["system"],
            "imported_at": [datetime(2026, 3, 1, 8, 30, 5)],
            "row_count": np.array([2]),
            "parameters": [None],
        },
    )
    values = Rows(
        IndicatorValue.__table__,
        {
            "id": np.array([1, 2]),
            "unit_code": np.array(["24133", "22015"]),
            "indicator_key": np.array(["e_payment_pct", "leader_dx_certified"]),
            "period": np.array(["2026-02-01", "2026-01-01"], dtype="datetime64[D]"),
            "value": np.array([61.3, 1.0]),
            "source_type": np.array(["auto", "verified"]),
            "reported_at": np.array(
                ["2026-03-01T01:15:00", "2026-02-09T10:00:59"], dtype="datetime64[s]"
            ),
            "evidence_ref": np.array([None, "Báo cáo số 45/BC-UBND ngày 05/03/2026"], dtype=object),
            "verified_by": np.array([None, "Sở Nội vụ"], dtype=object),
            "verified_at": np.array(["NaT", "2026-02-12T14:00:00"], dtype="datetime64[s]"),
            "batch_id": np.array([7, 7]),
        },
    )
    assert _write(migrated_engine, [batch, values]) == {"import_batches": 1, "indicator_values": 2}
    with migrated_engine.connect() as conn:
        stored = conn.execute(select(IndicatorValue.__table__).order_by(IndicatorValue.id)).all()
        found = conn.execute(
            select(IndicatorValue.id).where(
                IndicatorValue.reported_at == datetime(2026, 2, 9, 10, 0, 59),
                IndicatorValue.period == date(2026, 1, 1),
            )
        ).scalar_one()
        batch_row = conn.execute(select(ImportBatch.__table__)).one()
    assert stored[0].period == date(2026, 2, 1)
    assert stored[0].reported_at == datetime(2026, 3, 1, 1, 15)
    assert stored[0].verified_at is None and stored[0].evidence_ref is None
    assert stored[1].verified_by == "Sở Nội vụ" and stored[1].value == 1.0
    assert found == 2  # SQLAlchemy's own comparisons find bulk-written values
    assert batch_row.source_name == "tab\there, quote ' and backslash \\"
    assert batch_row.parameters is None


def test_missing_numbers_and_instants_become_null() -> None:
    lat = FeedbackCase.__table__.c.lat.type
    accepted_at = FeedbackCase.__table__.c.accepted_at.type
    assert as_db_values(np.array([1.5, np.nan]), lat) == [1.5, None]
    instants = np.array(["2026-03-01T08:00:00", "NaT"], dtype="datetime64[s]")
    # The text SQLAlchemy's SQLite dialect stores (PostgreSQL parses it too).
    assert as_db_values(instants, accepted_at) == ["2026-03-01 08:00:00.000000", None]


def test_ordinary_inserts_continue_after_explicit_ids(migrated_engine: Engine) -> None:
    batch = Rows(
        ImportBatch.__table__,
        {
            "id": np.array([41]),
            "kind": ["demo"],
            "source_name": ["demo generator"],
            "imported_by": ["system"],
            "imported_at": [datetime(2026, 3, 1)],
            "row_count": [0],
            "parameters": [None],
        },
    )
    _write(migrated_engine, [batch])
    with migrated_engine.begin() as conn:
        new_id = conn.execute(
            insert(ImportBatch)
            .values(
                kind="feedback",
                source_name="x",
                imported_by="y",
                imported_at=datetime(2026, 3, 2),
                row_count=0,
            )
            .returning(ImportBatch.id)
        ).scalar_one()
    assert new_id == 42


def test_columns_must_agree() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        Rows(ImportBatch.__table__, {"id": [1, 2], "kind": ["demo"]})
    with pytest.raises(ValueError, match="no such columns"):
        Rows(ImportBatch.__table__, {"colour": ["red"]})
