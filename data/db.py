"""One SQLAlchemy engine per process, and one readable error when the database cannot be used.

The engine lives in a plain module-level singleton, not in ``st.cache_resource``: any websocket
client can ask Streamlit to clear every cache, and the engine must survive that.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from data.settings import Settings, load_settings

log = logging.getLogger(__name__)

PG_CONNECT_TIMEOUT_S = 5
PG_STATEMENT_TIMEOUT_MS = 60_000

_engine: Engine | None = None
_engine_url: str | None = None
_lock = threading.Lock()


@dataclass
class DatabaseUnavailable(Exception):
    """The configured database cannot be used. ``reason`` selects the translated message."""

    reason: str  # "malformed_url" | "unknown_driver" | "unreachable" | "schema"
    setting: str
    target: str  # the URL with any password hidden
    detail: str

    def __str__(self) -> str:
        return (
            f"database unavailable ({self.reason}) — "
            f"setting {self.setting}={self.target}: {self.detail}"
        )


def safe_url(url: str) -> str:
    """The URL as it may appear in a message or a log: password hidden, garbage passed through."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def _normalise(url: URL) -> URL:
    # A bare postgresql:// URL means psycopg2 to SQLAlchemy; this project ships psycopg 3.
    if url.drivername in {"postgresql", "postgres"}:
        return url.set(drivername="postgresql+psycopg")
    return url


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the app) do not block the demo generator
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def build_engine(database_url: str, setting: str) -> Engine:
    """Create an engine for ``database_url``; problems become :class:`DatabaseUnavailable`."""
    target = safe_url(database_url)
    try:
        url = _normalise(make_url(database_url))
    except ArgumentError as exc:
        raise DatabaseUnavailable("malformed_url", setting, target, str(exc)) from None
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    elif url.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {
            "connect_timeout": PG_CONNECT_TIMEOUT_S,
            "options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}",
        }
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseUnavailable("unknown_driver", setting, target, str(exc)) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def check_connection(engine: Engine, setting: str) -> None:
    """Open one connection; an unreachable server becomes :class:`DatabaseUnavailable`."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseUnavailable(
            "unreachable", setting, safe_url(str(engine.url)), detail
        ) from None


def get_engine(settings: Settings | None = None) -> Engine:
    """The process's engine for the configured database (created on first use)."""
    global _engine, _engine_url
    settings = settings or load_settings()
    with _lock:
        if _engine is None or _engine_url != settings.database_url:
            if _engine is not None:
                _engine.dispose()
            _engine = build_engine(settings.database_url, settings.url_setting)
            _engine_url = settings.database_url
        return _engine


def reset_engine() -> None:
    """Forget the process's engine (tests switch databases with this)."""
    global _engine, _engine_url
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine, _engine_url = None, None


# Any constant works: it only has to be the same in every process that writes demo data.
_WRITE_LOCK_KEY = 2025_07_01


@contextmanager
def exclusive_write(engine: Engine) -> Iterator[Connection]:
    """One transaction that no other process's ``exclusive_write`` can run beside.

    Used where "check, then write" must not race (first-start demo data, regeneration): the
    whole block commits or rolls back as one. SQLite takes its write lock up front with
    ``BEGIN IMMEDIATE``; PostgreSQL takes a transaction-scoped advisory lock.
    """
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.exec_driver_sql("ROLLBACK")
                raise
            conn.exec_driver_sql("COMMIT")
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITE_LOCK_KEY})
            conn.execute(text("SET LOCAL statement_timeout = 0"))  # bulk loads outlast a page query
        yield conn
