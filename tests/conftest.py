"""Shared fixtures: a fresh database per test on SQLite, and on PostgreSQL in its own schema.

The PostgreSQL server is the one on this machine (``TEST_POSTGRES_URL`` overrides it). Under
``CI`` an unreachable server fails the run instead of skipping: CI must exercise PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from data.db import build_engine
from data.settings import sqlite_url_for

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_problem() -> str | None:
    """None when the server answers, else why not."""
    try:
        probe = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
        return None
    except OperationalError as exc:
        return str(exc.orig).splitlines()[0]


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable under CI: {problem}")
    pytest.skip(f"PostgreSQL unreachable ({problem}); under CI=true this fails instead")


def sqlite_engine(path: Path) -> Engine:
    return build_engine(sqlite_url_for(path), "DASHBOARD_DB_PATH")


def postgres_engine_in_fresh_schema() -> tuple[Engine, str]:
    """An engine whose connections all use a new, empty schema (dropped by the caller)."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = build_engine(POSTGRES_URL, "TEST_POSTGRES_URL")

    @event.listens_for(engine, "connect")
    def _use_schema(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f'SET search_path TO "{schema}"')
        dbapi_connection.commit()

    return engine, schema


def drop_schema(schema: str) -> None:
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database (no tables), once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        engine = sqlite_engine(tmp_path / "test.sqlite3")
        yield engine
        engine.dispose()
        return
    require_postgres()
    engine, schema = postgres_engine_in_fresh_schema()
    try:
        yield engine
    finally:
        engine.dispose()
        drop_schema(schema)


@pytest.fixture
def migrated_engine(empty_engine: Engine) -> Engine:
    """A database at the newest schema with the registry loaded (no demo data)."""
    from data.bootstrap import sync_reference_data
    from data.migrate import upgrade_to_head

    upgrade_to_head(empty_engine)
    with empty_engine.begin() as conn:
        sync_reference_data(conn)
    return empty_engine
