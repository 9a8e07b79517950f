"""Make the configured database ready to serve: reachable, migrated, registry loaded, demo data.

``ensure_ready()`` is cheap after the first success in a process, so the app frame calls it on
every rerun; while the database is unusable it raises :class:`DatabaseUnavailable` each time,
and recovers by itself once the database is back.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from data.db import DatabaseUnavailable, check_connection, exclusive_write, get_engine, safe_url
from data.migrate import upgrade_to_head
from data.models import Department, ImportBatch, Unit
from data.registry import load_departments, load_units
from data.settings import Settings, load_settings

log = logging.getLogger(__name__)

_ready_for: str | None = None
_lock = threading.Lock()


def sync_reference_data(conn: Connection) -> None:
    """Insert or update the 102 units and the departments from ``data/reference/``."""
    existing_units = {u.code: u for u in conn.execute(select(Unit.__table__)).all()}
    for record in load_units():
        values = record.__dict__
        if record.code not in existing_units:
            conn.execute(Unit.__table__.insert().values(**values))
        elif existing_units[record.code]._asdict() != values:
            conn.execute(Unit.__table__.update().where(Unit.code == record.code).values(**values))
    existing_departments = {d.code for d in conn.execute(select(Department.__table__.c.code)).all()}
    for department in load_departments():
        values = department.__dict__
        if department.code in existing_departments:
            conn.execute(
                Department.__table__.update()
                .where(Department.code == department.code)
                .values(**values)
            )
        else:
            conn.execute(Department.__table__.insert().values(**values))


def has_operational_data(conn: Connection) -> bool:
    return bool(conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one())


def _prepare(engine: Engine, settings: Settings) -> None:
    check_connection(engine, settings.url_setting)
    try:
        upgrade_to_head(engine)
        with exclusive_write(engine) as conn:
            sync_reference_data(conn)
            if settings.auto_demo and not has_operational_data(conn):
                from data.demo import generate_into

                log.info("empty database: generating demo data (seed %s)", settings.demo_seed)
                generate_into(
                    conn, seed=settings.demo_seed, scale=settings.demo_scale, end_date=date.today()
                )
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseUnavailable(
            "schema", settings.url_setting, safe_url(settings.database_url), detail
        ) from None


def ensure_ready(settings: Settings | None = None) -> Engine:
    """The engine, once the database is reachable, migrated and holds the registry (and data)."""
    global _ready_for
    settings = settings or load_settings()
    engine = get_engine(settings)
    if _ready_for == settings.database_url:
        return engine
    with _lock:
        if _ready_for != settings.database_url:
            _prepare(engine, settings)
            _ready_for = settings.database_url
    return engine


def is_ready(settings: Settings | None = None) -> bool:
    """True once this process has prepared the configured database (no query needed)."""
    settings = settings or load_settings()
    return _ready_for == settings.database_url


def forget_readiness() -> None:
    """Make the next ``ensure_ready`` check the database again (tests, after regeneration)."""
    global _ready_for
    _ready_for = None
