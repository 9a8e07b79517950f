"""Preparing the database: no write lock when nothing needs writing, progress, readable errors."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from data.bootstrap import ensure_ready, forget_readiness
from data.db import DatabaseUnavailable, build_engine, exclusive_write, is_busy, reset_engine
from data.demo import generate_into, progress_steps
from data.settings import load_settings


def test_a_prepared_database_is_ready_while_another_process_holds_the_write_lock(
    tmp_path: Path,
) -> None:
    # The demo generator holds SQLite's write lock for its whole run; an app process starting
    # meanwhile must not wait for it (busy_timeout is 30 s) nor fail with "database is locked".
    settings = load_settings(
        {"DASHBOARD_DB_PATH": str(tmp_path / "db.sqlite3"), "DASHBOARD_DEMO_SCALE": "0.01"}
    )
    try:
        engine = ensure_ready(settings)
        forget_readiness()  # a new process
        writer = build_engine(settings.database_url, settings.url_setting)
        finished = threading.Event()
        with exclusive_write(writer) as conn:
            conn.execute(text("DELETE FROM import_batches WHERE id < 0"))  # holds the lock

            def start() -> None:
                ensure_ready(settings)
                finished.set()

            threading.Thread(target=start, daemon=True).start()
            assert finished.wait(10), "ensure_ready waited for the other process's write lock"
        writer.dispose()
        assert engine is not None
    finally:
        forget_readiness()
        reset_engine()


def test_an_uncreatable_sqlite_folder_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnavailable) as caught:
        build_engine(f"sqlite:///{blocker}/sub/db.sqlite3", "DASHBOARD_DB_PATH")
    assert caught.value.reason == "no_folder"
    assert caught.value.setting == "DASHBOARD_DB_PATH"


def test_lock_timeouts_are_told_apart_from_other_errors() -> None:
    locked = OperationalError("INSERT …", {}, Exception("database is locked"))
    missing = OperationalError("SELECT …", {}, Exception("no such table: score_snapshots"))
    assert is_busy(locked)
    assert not is_busy(missing)


def test_demo_progress_counts_subjects_and_half_months() -> None:
    # Feedback starts on 10 July 2025. Up to 15 March 2026 (end date 16 March, exclusive):
    # July 2025 – February 2026 give two halves each (8 × 2 = 16), 1–15 March one more: 17
    # half months, plus the four other subjects (indicators, tasks, infrastructure, fibre): 21.
    assert progress_steps(date(2026, 3, 16)) == 21
    # Ending on 16 July 2025: 10–15 July only → 1 half month + 4 subjects.
    assert progress_steps(date(2025, 7, 16)) == 5


def test_demo_generation_reports_its_steps_up_to_the_total(migrated_engine: Engine) -> None:
    seen: list[tuple[int, int]] = []
    with exclusive_write(migrated_engine) as conn:
        generate_into(
            conn,
            seed=5,
            scale=0.01,
            end_date=date(2025, 9, 1),
            progress=lambda done, total: seen.append((done, total)),
        )
    # 10 July – 31 August 2025: 4 half months of feedback and 4 other subjects = 8 steps.
    assert {total for _done, total in seen} == {8}
    dones = [done for done, _total in seen]
    assert dones == sorted(dones) and dones[-1] == 8
