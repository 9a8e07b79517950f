"""Helpers for the demo-data tests: a second database of the same kind, dumps and checksums.

Generation runs at a small scale and a fixed end date so the suite stays fast; the end date
(Monday 16 March 2026) puts Tết 2026 and eight complete indicator months in the span.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from data.bootstrap import sync_reference_data
from data.migrate import upgrade_to_head
from data.models import OPERATIONAL_TABLES
from tests.conftest import (
    drop_schema,
    postgres_engine_in_fresh_schema,
    require_postgres,
    sqlite_engine,
)

END_DATE = date(2026, 3, 16)
# Tests about loading rather than content use a short span: far fewer indicator months, tasks
# and check-ins to write, so each generation takes a fraction of a second.
SHORT_END = date(2025, 11, 1)
# Tests of replacing a data set need only a few weeks of it.
TINY_END = date(2025, 8, 16)
SMALL = 0.02


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every operational row in primary-key order (``imported_at`` left out: real time)."""
    out = {}
    with engine.connect() as conn:
        for table in OPERATIONAL_TABLES:
            columns = [c for c in table.c if c.name != "imported_at"]
            query = select(*columns).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(row) for row in conn.execute(query)]
    return out


def checksum(engine: Engine) -> str:
    return hashlib.sha256(repr(sorted(dump(engine).items())).encode()).hexdigest()


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in dump(engine).items()}


def _migrated(engine: Engine) -> Engine:
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
    return engine


@pytest.fixture
def second_engine(migrated_engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """Another migrated database of the same kind as ``migrated_engine``."""
    if migrated_engine.dialect.name == "sqlite":
        engine = sqlite_engine(tmp_path / "second.sqlite3")
        yield _migrated(engine)
        engine.dispose()
        return
    engine, schema = postgres_engine_in_fresh_schema()
    try:
        yield _migrated(engine)
    finally:
        engine.dispose()
        drop_schema(schema)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database shared by a module's tests (generate once, check many things)."""
    if request.param == "sqlite":
        engine = sqlite_engine(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
        yield _migrated(engine)
        engine.dispose()
        return
    require_postgres()
    engine, schema = postgres_engine_in_fresh_schema()
    try:
        yield _migrated(engine)
    finally:
        engine.dispose()
        drop_schema(schema)
