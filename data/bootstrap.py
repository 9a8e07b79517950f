"""Make the configured database ready to serve: reachable, migrated, registry loaded, demo data.

``ensure_ready()`` is cheap after the first success in a process. The app frame runs the first
one in a background thread (``ui.preparation``) and shows its progress; while the database is
unusable it raises :class:`DatabaseUnavailable`. Whoever meets a database error later calls
:func:`forget_readiness`, so the next call prepares again: a database that comes back empty
(dropped and recreated) is migrated and filled again without a restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from data.db import (
    DatabaseUnavailable,
    check_connection,
    error_detail,
    exclusive_write,
    get_engine,
    is_busy,
    safe_url,
)
from data.migrate import upgrade_to_head
from data.models import Department, ImportBatch, Unit
from data.reference_data import sync_reference_data
from data.registry import load_departments, load_units
from data.settings import Settings, load_settings

# (stage, done, total): "schema", "registry", "demo" (steps of the generator).
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    del stage, done, total


log = logging.getLogger(__name__)

_ready_for: str | None = None
_lock = threading.Lock()


def has_operational_data(conn: Connection) -> bool:
    return bool(conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one())


def reference_data_current(conn: Connection) -> bool:
    """Whether the units and departments in the database are those of ``data/reference/``."""
    units = {row.code: row._asdict() for row in conn.execute(select(Unit.__table__))}
    if units != {unit.code: unit.__dict__ for unit in load_units()}:
        return False
    departments = {
        row.code: {k: v for k, v in row._asdict().items() if k != "id"}
        for row in conn.execute(select(Department.__table__))
    }
    return departments == {d.code: d.__dict__ for d in load_departments()}


def _prepare(engine: Engine, settings: Settings, progress: Progress) -> None:
    check_connection(engine, settings.url_setting)
    try:
        progress("schema", 0, 1)
        upgrade_to_head(engine)
        progress("registry", 0, 1)
        # Read first, write only what differs: a process started while the demo generator holds
        # SQLite's write lock (its whole run) must not wait for it when nothing needs writing.
        with engine.connect() as conn:
            registry_current = reference_data_current(conn)
            needs_demo = settings.auto_demo and not has_operational_data(conn)
        if not registry_current:
            with engine.begin() as conn:
                sync_reference_data(conn)
        if needs_demo:
            _generate_demo(engine, settings, progress)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(
            "busy" if is_busy(exc) else "schema",
            settings.url_setting,
            safe_url(settings.database_url),
            error_detail(exc),
        ) from None


def _generate_demo(engine: Engine, settings: Settings, progress: Progress) -> None:
    from data.demo import generate_into  # only the first start needs the generator

    with exclusive_write(engine) as conn:
        sync_reference_data(conn)
        if has_operational_data(conn):  # another process generated it while we waited
            return
        log.info("empty database: generating demo data (seed %s)", settings.demo_seed)
        generate_into(
            conn,
            seed=settings.demo_seed,
            scale=settings.demo_scale,
            end_date=date.today(),
            progress=lambda done, total: progress("demo", done, total),
        )


def ensure_ready(settings: Settings | None = None, progress: Progress = no_progress) -> Engine:
    """The engine, once the database is reachable, migrated and holds the registry (and data).

    A lock wait that timed out (another process writing) raises :class:`DatabaseUnavailable`
    with reason ``"busy"``: worth retrying.
    """
    global _ready_for
    settings = settings or load_settings()
    engine = get_engine(settings)
    if _ready_for == settings.database_url:
        return engine
    with _lock:
        if _ready_for != settings.database_url:
            _prepare(engine, settings, progress)
            _ready_for = settings.database_url
    return engine


def is_ready(settings: Settings | None = None) -> bool:
    """True once this process has prepared the configured database (no query needed)."""
    settings = settings or load_settings()
    return _ready_for == settings.database_url


def forget_readiness() -> None:
    """Make the next ``ensure_ready`` prepare the database again (after a database error: it
    may have been recreated empty; tests)."""
    global _ready_for
    _ready_for = None
