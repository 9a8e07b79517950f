"""Replacing the data set is all-or-nothing; the first start generates it exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select

import data.demo.infrastructure
from data.bootstrap import ensure_ready, forget_readiness
from data.db import reset_engine
from data.demo import generate_into, regenerate
from data.demo.load import Rows
from data.models import FeedbackCase, ImportBatch
from data.queries import data_version
from data.settings import load_settings
from tests.data.demo.conftest import SMALL, TINY_END, checksum, counts


def _batches(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one()


def test_regenerating_twice_leaves_exactly_one_data_set(migrated_engine: Engine) -> None:
    first = regenerate(migrated_engine, seed=3, scale=SMALL, end_date=TINY_END)
    after_first = counts(migrated_engine)
    second = regenerate(migrated_engine, seed=3, scale=SMALL, end_date=TINY_END)
    assert counts(migrated_engine) == after_first == second.by_table() == first.by_table()
    assert _batches(migrated_engine) == 1
    # A new data set is a new data version (the newest batch id), even on SQLite, which would
    # reuse id 1 in an emptied table: caches and score snapshots keyed on it must not survive.
    assert second.batch_id == first.batch_id + 1
    assert data_version(migrated_engine) == second.batch_id
    # The transient index used to empty the feedback table is gone again.
    indexes = {ix["name"] for ix in inspect(migrated_engine).get_indexes("feedback_cases")}
    assert not any(name.startswith("tmp_") for name in indexes)


def test_ids_continue_normally_after_a_bulk_load(migrated_engine: Engine) -> None:
    summary = regenerate(migrated_engine, seed=3, scale=SMALL, end_date=TINY_END)
    with migrated_engine.begin() as conn:
        new_id = conn.execute(
            ImportBatch.__table__.insert()
            .values(
                kind="feedback",
                source_name="test",
                imported_by="tester",
                imported_at=TINY_END,
                row_count=0,
            )
            .returning(ImportBatch.id)
        ).scalar_one()
    assert new_id == summary.batch_id + 1


def test_a_failure_while_loading_leaves_the_previous_data_set_untouched(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    regenerate(migrated_engine, seed=3, scale=SMALL, end_date=TINY_END)
    before = checksum(migrated_engine)

    def failing_sites(world: object, batch_id: int) -> Iterator[Rows]:
        # Infrastructure is written last: by now the old rows are deleted and the new
        # indicators, tasks and feedback are loaded.
        raise RuntimeError("simulated failure while writing sites")
        yield  # pragma: no cover - makes this a generator like the real one

    monkeypatch.setattr(data.demo.infrastructure, "generate", failing_sites)
    with pytest.raises(RuntimeError, match="simulated failure"):
        regenerate(migrated_engine, seed=4, scale=SMALL, end_date=date(2025, 8, 20))
    assert checksum(migrated_engine) == before
    assert _batches(migrated_engine) == 1


def test_bad_parameters_are_refused_before_anything_changes(migrated_engine: Engine) -> None:
    regenerate(migrated_engine, seed=3, scale=SMALL, end_date=TINY_END)
    before = checksum(migrated_engine)
    for bad in (
        {"seed": -1, "scale": 1.0, "end_date": TINY_END},
        {"seed": 1, "scale": 0.0, "end_date": TINY_END},
        {"seed": 1, "scale": 101.0, "end_date": TINY_END},
        {"seed": 1, "scale": 1.0, "end_date": date(2025, 7, 1)},
    ):
        with pytest.raises(ValueError):
            regenerate(migrated_engine, **bad)
    assert checksum(migrated_engine) == before


def test_generate_into_refuses_a_database_that_already_has_demo_data(
    migrated_engine: Engine,
) -> None:
    regenerate(migrated_engine, seed=3, scale=SMALL, end_date=TINY_END)
    with pytest.raises(ValueError, match="regenerate"), migrated_engine.begin() as conn:
        generate_into(conn, seed=3, scale=SMALL, end_date=TINY_END)


def test_first_start_generates_demo_data_once(tmp_path: Path) -> None:
    settings = load_settings(
        {"DASHBOARD_DB_PATH": str(tmp_path / "first.sqlite3"), "DASHBOARD_DEMO_SCALE": "0.01"}
    )
    try:
        engine = ensure_ready(settings)
        with engine.connect() as conn:
            cases = conn.execute(select(func.count()).select_from(FeedbackCase)).scalar_one()
        assert cases > 0
        assert _batches(engine) == 1
        before = counts(engine)
        forget_readiness()
        engine = ensure_ready(settings)
        assert counts(engine) == before
        assert _batches(engine) == 1
    finally:
        forget_readiness()
        reset_engine()
