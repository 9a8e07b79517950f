"""One SQLAlchemy engine per process, and one readable error when the database cannot be used.

The engine lives in a plain module-level singleton, not in ``st.cache_resource``: any websocket
client can ask Streamlit to clear every cache, and the engine must survive that.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

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


MASK = "***"
# Parameter names that hold a secret (matched inside the name: sslpassword, api_key, passfile…).
_CREDENTIAL_WORDS = ("pass", "pwd", "secret", "token", "key", "auth", "credential")
# key=value anywhere: a query string (?a=1&b=2), a libpq DSN (a=1 b='x y'), or percent-encoded
# inside another value (options=-c%20password%3Dx). A value runs to the next & ; or #: a space
# in a malformed URL (?password=a b) must not leave half a secret shown.
_KEY_VALUE = re.compile(
    r"(?P<pre>^|[?&;\s]|%26|%20|%3F)(?P<key>[\w.%+-]+)(?P<sep>\s*(?:=|%3D)\s*)"
    r"(?P<value>'[^']*'?|\"[^\"]*\"?|(?:(?!%26)[^&;#])*)",
    re.IGNORECASE,
)


def is_credential_name(name: str) -> bool:
    """Whether a URL parameter called ``name`` may hold a secret."""
    folded = unquote(name).casefold()
    return any(word in folded for word in _CREDENTIAL_WORDS)


def _mask_userinfo(url: str) -> str:
    """``scheme://user:secret@host`` → ``scheme://user:***@host``, also when the secret holds
    unencoded ``@``, ``/`` or ``?`` (a malformed URL must not leak half of it)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    query = rest.find("?", rest.find("@"))
    at = rest.rfind("@", 0, query if query != -1 else len(rest))
    user, colon, _secret = rest[:at].partition(":")
    if not colon or "/" in user:  # no password, or a path such as sqlite:////srv/a:b@c
        return url
    return f"{scheme}://{user}:{MASK}@{rest[at + 1 :]}"


def mask_credentials(text: str) -> str:
    """``text`` with every ``credential=value`` pair's value replaced by ``***``."""

    def mask(match: re.Match[str]) -> str:
        value = match["value"]
        if is_credential_name(match["key"]):
            value = MASK
        elif value:
            value = mask_credentials(value)  # e.g. options=-c password=x, encoded or not
        return f"{match['pre']}{match['key']}{match['sep']}{value}"

    return _KEY_VALUE.sub(mask, text)


def safe_url(url: str) -> str:
    """The URL as it may appear in a message or a log: every credential hidden, wherever it
    sits (userinfo, query string, DSN keywords), the rest as written — also for garbage."""
    return mask_credentials(_mask_userinfo(url.strip()))


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
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise DatabaseUnavailable("malformed_url", setting, target, str(exc)) from None
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            try:
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # under a file, read-only, /proc/…: say which setting
                raise DatabaseUnavailable("no_folder", setting, target, str(exc)) from None
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
        raise DatabaseUnavailable(
            "unreachable", setting, safe_url(str(engine.url)), error_detail(exc)
        ) from None


def error_detail(exc: BaseException) -> str:
    """The first line of the driver's message: what a person needs, without SQL or traceback."""
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


# SQLite: another connection holds the write lock past busy_timeout. PostgreSQL: a lock wait
# ended by lock_timeout (55P03) or statement_timeout (57014).
_BUSY_SQLSTATES = {"55P03", "57014"}


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` only means "another process is writing": worth waiting and retrying."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database is busy" in message


def get_engine(settings: Settings | None = None) -> Engine:
    """The process's engine for the configured database (created on first use)."""
    global _engine, _engine_url
    settings = settings or load_settings()
    with _lock:
        if _engine is None or _engine_url != settings.database_url:
            if _engine is not None:
                _engine.dispose()
            _engine, _engine_url = None, None  # a failed build is tried again on the next call
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


_SCORE_LOCK_KEY = 2025_07_02
# The score lock's second key: the schema the tables live in, so that databases kept as schemas
# of one PostgreSQL database (each test run, a staging copy) do not hold each other's lock.
_SCHEMA_KEY = "hashtext(current_schema())"


@contextmanager
def score_lock(engine: Engine) -> Iterator[bool]:
    """The "scores are being recomputed" lock shared by every process on this database, taken
    without waiting: yields True when this process holds it, False when another one does.

    PostgreSQL: a session-level advisory lock on a connection kept for the duration (released
    by the server if the process dies), one per schema. SQLite: ``flock`` on a file beside the
    database (the database's own write lock would stop the demo generator for the whole
    recomputation).
    Where neither applies the lock is always granted: at worst two processes compute the same.
    """
    if engine.dialect.name == "postgresql":
        with _postgres_try_lock(engine) as held:
            yield held
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield True
        return
    with _file_try_lock(Path(f"{database}.scores.lock")) as held:
        yield held


@contextmanager
def _postgres_try_lock(engine: Engine) -> Iterator[bool]:
    conn = engine.connect()
    try:
        held = bool(
            conn.execute(
                text(f"SELECT pg_try_advisory_lock(:k, {_SCHEMA_KEY})"), {"k": _SCORE_LOCK_KEY}
            ).scalar()
        )
        conn.commit()  # the lock is the session's: no transaction is left open meanwhile
        try:
            yield held
        finally:
            if held:
                try:
                    conn.execute(
                        text(f"SELECT pg_advisory_unlock(:k, {_SCHEMA_KEY})"),
                        {"k": _SCORE_LOCK_KEY},
                    )
                    conn.commit()
                except SQLAlchemyError:  # connection lost: the server dropped the lock with it
                    log.warning("score lock: connection lost before unlocking")
    finally:
        conn.close()


@contextmanager
def _file_try_lock(path: Path) -> Iterator[bool]:
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield True
        return
    try:
        handle = path.open("a")
    except OSError as exc:  # a read-only folder: computing twice is the worst outcome
        log.warning("score lock file %s unusable: %s", path, exc)
        yield True
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
