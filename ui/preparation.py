"""The process's background work on the database: first-start preparation and score refresh.

One worker thread per process and database makes the database ready (schema, registry, demo
data: ``data.bootstrap``) and brings the stored scores up to date (``metrics``). Pages never
wait for it: they read the last complete scores while it runs, and only with no score stored
at all (a first start) show its progress instead of the page. Other processes are kept out by
the database's own locks (the demo generator's write lock, the score lock): a worker that finds
one taken waits and retries instead of failing. No Streamlit here: the frame reads ``status()``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data.bootstrap import ensure_ready, forget_readiness
from data.db import (
    DatabaseUnavailable,
    check_connection,
    error_detail,
    get_engine,
    is_busy,
    safe_url,
)
from data.queries import data_version
from data.settings import Settings
from metrics import default_catalog, refresh_snapshots

log = logging.getLogger("dashboard")

RETRY_S = 1.0  # how often a worker blocked by another process tries again
T = TypeVar("T")


@dataclass(frozen=True)
class Status:
    """What the worker is doing: ``stage`` is one of "connect", "schema", "registry", "demo",
    "scores" (the newest months), "history" (every month), "waiting" (another process holds a
    lock), "done"; ``done`` of ``total`` steps within it."""

    running: bool
    stage: str
    done: int = 0
    total: int = 0


def database_problem(engine: Engine, settings: Settings, exc: BaseException) -> DatabaseUnavailable:
    """The readable form of a database error met after start-up (lost server, dropped tables)."""
    check_connection(engine, settings.url_setting)  # raises "unreachable" when it is gone
    reason = "busy" if is_busy(exc) else "schema"
    return DatabaseUnavailable(
        reason, settings.url_setting, safe_url(settings.database_url), error_detail(exc)
    )


class Worker:
    """Background preparation and score refresh for one database in this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = Status(False, "done")
        self._error: Exception | None = None
        # (catalog version, data version) the last successful run brought the scores up to: a
        # data set with nothing to score must not start a run on every page view.
        self.refreshed_for: tuple[str, int] | None = None

    def status(self) -> Status:
        return self._status

    def take_error(self) -> Exception | None:
        """The last run's error, once: the next ``start`` tries again (the database may be back)."""
        with self._lock:
            error, self._error = self._error, None
            return error

    def start(self) -> bool:
        """Start a run unless one is going; True when this call started it."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._status = Status(True, "connect")
            self._thread = threading.Thread(target=self._run, name="dashboard-prepare", daemon=True)
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current run ends (tests, the command line)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _report(self, stage: str, done: int, total: int) -> None:
        self._status = Status(True, stage, done, total)

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            engine = self._retrying(lambda: ensure_ready(self.settings, progress=self._report))
            target = (default_catalog().version, self._retrying(lambda: data_version(engine)))
            while self._retrying(lambda: refresh_snapshots(engine, progress=self._report)).busy:
                self._report("waiting", 0, 0)  # another process is computing the same scores
                time.sleep(RETRY_S)
            self.refreshed_for = target
            log.info("database ready, scores current (%.1f s)", time.perf_counter() - started)
        except SQLAlchemyError as exc:
            forget_readiness()
            self.refreshed_for = None
            self._fail(self._readable(exc))
        except Exception as exc:  # shown by the frame, never lost in a thread
            forget_readiness()
            self.refreshed_for = None
            self._fail(exc)
        finally:
            self._status = Status(False, "done")

    def _fail(self, exc: Exception) -> None:
        log.warning("database preparation failed: %s", exc)
        with self._lock:
            self._error = exc

    def _readable(self, exc: SQLAlchemyError) -> Exception:
        try:
            return database_problem(get_engine(self.settings), self.settings, exc)
        except DatabaseUnavailable as unavailable:
            return unavailable

    def _retrying(self, step: Callable[[], T]) -> T:
        """``step()``, again after a pause for as long as another process holds a lock."""
        while True:
            try:
                return step()
            except DatabaseUnavailable as exc:
                if exc.reason != "busy":
                    raise
            except SQLAlchemyError as exc:
                if not is_busy(exc):
                    raise
            self._report("waiting", 0, 0)
            time.sleep(RETRY_S)


_workers: dict[str, Worker] = {}
_workers_lock = threading.Lock()


def worker_for(settings: Settings) -> Worker:
    """The process's worker for the configured database (one per database URL)."""
    with _workers_lock:
        worker = _workers.get(settings.database_url)
        if worker is None:
            worker = _workers[settings.database_url] = Worker(settings)
        return worker
