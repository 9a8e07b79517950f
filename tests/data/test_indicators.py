"""The write path of indicator values: new values added, changed ones revised with their trail,
identical re-sends left alone, a bad load refused whole. SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from data.demo.load import delete_operational_rows
from data.indicators import (
    InvalidIndicatorValues,
    NewIndicatorValue,
    RecordResult,
    check_indicator_values,
    read_revisions,
    record_indicator_values,
)
from data.models import ImportBatch, IndicatorValue, IndicatorValueRevision
from data.queries import data_version, read_units

OCTOBER = date(2026, 10, 1)
NOVEMBER = date(2026, 11, 1)
KEYS = {"online", "plan"}
FIRST_LOAD = datetime(2026, 11, 3, 9, 0)
CORRECTION = datetime(2026, 12, 10, 14, 30)


def value(
    code: str, key: str = "online", figure: float = 63.15, **fields: Any
) -> NewIndicatorValue:
    """A self-reported October value with its evidence; ``fields`` override any column."""
    base = NewIndicatorValue(
        unit_code=code,
        indicator_key=key,
        period=OCTOBER,
        value=figure,
        source_type="self_reported",
        reported_at=datetime(2026, 11, 2, 8, 0),
        evidence_ref="BC-12/UBND",
    )
    return replace(base, **fields)


def record(
    engine: Engine,
    rows: list[NewIndicatorValue],
    *,
    by: str = "Nguyễn Văn A",
    reason: str | None = None,
    now: datetime = FIRST_LOAD,
) -> RecordResult:
    return record_indicator_values(
        engine,
        rows,
        known_keys=KEYS,
        source_name="bao-cao.csv",
        imported_by=by,
        reason=reason,
        now=now,
    )


def counts(engine: Engine) -> tuple[int, int, int]:
    """(import batches, indicator values, revisions) stored."""
    with engine.connect() as conn:
        batches, values, revisions = (
            int(conn.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (ImportBatch, IndicatorValue, IndicatorValueRevision)
        )
    return batches, values, revisions


@pytest.fixture
def code(migrated_engine: Engine) -> str:
    return str(read_units(migrated_engine)["code"].iloc[0])


def test_a_new_value_is_inserted_in_a_batch_of_its_own(migrated_engine: Engine, code: str) -> None:
    result = record(migrated_engine, [value(code), value(code, "plan", 1.0)])
    assert (result.inserted, result.revised, result.unchanged) == (2, 0, 0)
    assert result.batch_id is not None
    assert data_version(migrated_engine) == result.batch_id
    assert counts(migrated_engine) == (1, 2, 0)
    with migrated_engine.connect() as conn:
        batch = conn.execute(select(ImportBatch.__table__)).one()
    assert (batch.kind, batch.source_name, batch.imported_by) == (
        "indicators",
        "bao-cao.csv",
        "Nguyễn Văn A",
    )
    assert batch.imported_at == FIRST_LOAD and batch.row_count == 2


def test_a_changed_value_is_revised_old_to_new_with_who_when_why_and_batch(
    migrated_engine: Engine, code: str
) -> None:
    first = record(migrated_engine, [value(code, figure=63.15)])
    second = record(
        migrated_engine,
        [value(code, figure=64.21, evidence_ref="BC-12b/UBND", reported_at=CORRECTION)],
        by="Trần Thị B",
        reason="Sở TT&TT đối chiếu lại số hồ sơ",
        now=CORRECTION,
    )
    assert (second.inserted, second.revised, second.unchanged) == (0, 1, 0)
    assert second.batch_id is not None and second.batch_id != first.batch_id
    assert data_version(migrated_engine) == second.batch_id  # stored scores are now stale
    assert counts(migrated_engine) == (2, 1, 1)  # two batches, still one value row, one revision

    with migrated_engine.connect() as conn:
        row = conn.execute(select(IndicatorValue.__table__)).one()
    assert (row.value, row.evidence_ref, row.reported_at, row.batch_id) == (
        64.21,
        "BC-12b/UBND",
        CORRECTION,
        second.batch_id,
    )
    trail = read_revisions(migrated_engine, code, OCTOBER)
    assert len(trail) == 1
    revision = trail.iloc[0]
    assert (revision["old_value"], revision["new_value"]) == (63.15, 64.21)
    assert (revision["old_evidence_ref"], revision["new_evidence_ref"]) == (
        "BC-12/UBND",
        "BC-12b/UBND",
    )
    assert revision["old_reported_at"] == datetime(2026, 11, 2, 8, 0)
    assert revision["old_batch_id"] == first.batch_id
    assert revision["batch_id"] == second.batch_id
    assert revision["value_id"] == row.id
    assert revision["revised_by"] == "Trần Thị B"
    assert revision["revised_at"] == CORRECTION
    assert revision["reason"] == "Sở TT&TT đối chiếu lại số hồ sơ"
    assert (revision["indicator_key"], revision["period"]) == ("online", OCTOBER)


def test_an_identical_re_send_is_no_revision_and_makes_no_batch(
    migrated_engine: Engine, code: str
) -> None:
    record(migrated_engine, [value(code)])
    version = data_version(migrated_engine)
    # The same figure, evidence and source sent again a month later: only the report date differs,
    # and that alone must not make old figures look freshly reported.
    again = record(migrated_engine, [value(code, reported_at=CORRECTION)], now=CORRECTION)
    assert (again.batch_id, again.inserted, again.revised, again.unchanged) == (None, 0, 0, 1)
    assert data_version(migrated_engine) == version
    assert counts(migrated_engine) == (1, 1, 0)
    with migrated_engine.connect() as conn:
        assert conn.execute(select(IndicatorValue.reported_at)).scalar_one() == datetime(
            2026, 11, 2, 8, 0
        )


def test_a_re_send_mixing_same_changed_and_new_values_counts_each(
    migrated_engine: Engine, code: str
) -> None:
    record(migrated_engine, [value(code), value(code, "plan", 0.0)])
    # online unchanged; plan 0 → 1 (revised); online for November is new.
    result = record(
        migrated_engine,
        [value(code), value(code, "plan", 1.0), value(code, period=NOVEMBER, figure=70.0)],
        now=CORRECTION,
    )
    assert (result.inserted, result.revised, result.unchanged) == (1, 1, 1)
    assert counts(migrated_engine) == (2, 3, 1)
    trail = read_revisions(migrated_engine, code)
    assert trail[["indicator_key", "old_value", "new_value"]].values.tolist() == [
        ["plan", 0.0, 1.0]
    ]
    assert read_revisions(migrated_engine, code, NOVEMBER).empty


def test_adding_the_evidence_to_a_stored_value_is_a_revision(
    migrated_engine: Engine, code: str
) -> None:
    record(migrated_engine, [value(code, evidence_ref=None)])
    result = record(migrated_engine, [value(code, evidence_ref="QĐ 45/QĐ-UBND")], now=CORRECTION)
    assert result.revised == 1
    revision = read_revisions(migrated_engine, code).iloc[0]
    assert revision["old_evidence_ref"] is None
    assert revision["new_evidence_ref"] == "QĐ 45/QĐ-UBND"
    assert revision["old_value"] == revision["new_value"] == 63.15


def test_a_bad_row_among_good_ones_writes_nothing_and_each_problem_is_named(
    migrated_engine: Engine, code: str
) -> None:
    rows = [
        value(code),  # 1: good
        value("99999"),  # 2: no such unit
        value(code, "wifi_points"),  # 3: key not allowed
        value(code, "plan", float("nan")),  # 4: not a finite number
        value(code, "plan", period=date(2026, 10, 15)),  # 5: not a month
        value(code, "plan", period=NOVEMBER, source_type="guess"),  # 6: unknown source type
        value(code, "plan", period=date(2026, 9, 1), source_type="verified"),  # 7: no who, when
        value(code, figure=70.0),  # 8: repeats row 1's unit, indicator and month
        value(code, "plan", period=date(2026, 8, 1), evidence_ref="x" * 301),  # 9: too long
    ]
    with pytest.raises(InvalidIndicatorValues) as caught:
        record(migrated_engine, rows)
    found = [(p.row, p.field, p.reason) for p in caught.value.problems]
    assert found == [
        (2, "unit_code", "unknown_unit"),
        (3, "indicator_key", "unknown_indicator"),
        (4, "value", "not_finite"),
        (5, "period", "not_a_month"),
        (6, "source_type", "unknown_source_type"),
        (7, "verified_by", "missing_verifier"),
        (7, "verified_at", "missing_verified_at"),
        (8, "indicator_key", "repeated"),
        (9, "evidence_ref", "too_long"),
    ]
    assert caught.value.problems[-2].same_as == 1
    message = str(caught.value)
    assert "row 2, unit_code: unknown_unit '99999'" in message
    assert "row 9, evidence_ref: too_long '300'" in message
    assert counts(migrated_engine) == (0, 0, 0)
    # The check alone finds the same, and writes nothing either.
    assert check_indicator_values(migrated_engine, rows, known_keys=KEYS) == caught.value.problems
    assert counts(migrated_engine) == (0, 0, 0)


def test_a_verified_value_with_verifier_and_date_is_stored(
    migrated_engine: Engine, code: str
) -> None:
    verified = value(
        code, source_type="verified", verified_by="Sở KH&CN", verified_at=datetime(2026, 11, 20)
    )
    assert record(migrated_engine, [verified]).inserted == 1


def test_a_blank_evidence_reference_is_stored_as_none(migrated_engine: Engine, code: str) -> None:
    # An empty reference is no evidence: it must not count as one when scored.
    record(migrated_engine, [value(code, evidence_ref="   ")])
    with migrated_engine.connect() as conn:
        assert conn.execute(select(IndicatorValue.evidence_ref)).scalar_one() is None


def test_the_demo_reload_deletes_revisions_before_their_values(
    migrated_engine: Engine, code: str
) -> None:
    record(migrated_engine, [value(code)])
    record(migrated_engine, [value(code, figure=64.21)], now=CORRECTION)
    assert counts(migrated_engine) == (2, 1, 1)
    with migrated_engine.begin() as conn:
        delete_operational_rows(conn)  # foreign keys enforced on both databases
    assert counts(migrated_engine) == (0, 0, 0)
