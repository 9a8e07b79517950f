"""The frame around the database's life: a data load, a recomputation, a lost database.

Each test has its own SQLite database (the shared test database is left alone): prepared by the
frame's worker, then changed underneath the app as another process would change it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from common.periods import add_months
from data.bootstrap import ensure_ready, forget_readiness
from data.db import get_engine, reset_engine
from data.demo import regenerate
from data.settings import load_settings
from metrics import refresh_snapshots
from metrics.api import default_period
from tests.app.conftest import TEST_DEMO_SCALE, open_app
from tests.conftest import POSTGRES_URL, require_postgres
from ui import loaders, preparation
from ui.loaders import ScoresMoved, forget_store_state, load_periods, load_scorecard, store_state

# A regeneration ending on 16 March 2026 makes February 2026 the newest scored month; the first
# start's data ends today, so its newest month is the one before this one.
REGENERATED_END = date(2026, 3, 16)
REGENERATED_NEWEST = date(2026, 2, 1)


def newest_month_for(end: date) -> date | None:
    """The month the pages open on for demo data ending on ``end`` (generated today): the last
    month that ended before ``end``, or the one before while its reports are still due."""
    last, before = add_months(end, -1), add_months(end, -2)
    return default_period([before, last], end)


def _forget_everything() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()
    forget_store_state()
    forget_readiness()


@pytest.fixture
def own_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh database for this test only, prepared with demo data and scores."""
    path = tmp_path / "own.sqlite3"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DASHBOARD_DB_PATH", str(path))
    monkeypatch.setenv("DASHBOARD_DEMO_SCALE", TEST_DEMO_SCALE)
    monkeypatch.setenv("DASHBOARD_AUTO_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "boundaries"))
    monkeypatch.delenv("DASHBOARD_BOUNDARIES", raising=False)
    reset_engine()
    _forget_everything()
    refresh_snapshots(ensure_ready())
    yield path
    preparation.worker_for(load_settings()).wait(120)
    _forget_everything()
    reset_engine()


def test_a_data_load_never_pairs_the_new_data_version_with_old_scores(
    own_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loaders, "STORE_RECHECK_S", 0.0)  # every call asks the database
    old_newest = add_months(date.today(), -1)  # the newest stored month
    assert load_periods()[-1] == old_newest
    engine = get_engine()
    regenerate(engine, seed=11, scale=float(TEST_DEMO_SCALE), end_date=REGENERATED_END)
    # New data, scores not yet recomputed: the loaders show the stored (old) scores; the
    # entries they make are keyed on those scores, not on the new data version.
    assert load_periods()[-1] == old_newest
    assert load_scorecard(old_newest)["period"].eq(old_newest).all()
    refresh_snapshots(engine)
    # The recomputed scores show at once: no entry made above is taken for them.
    assert load_periods()[-1] == REGENERATED_NEWEST
    assert load_scorecard(REGENERATED_NEWEST)["period"].eq(REGENERATED_NEWEST).all()


def test_scores_replaced_while_a_loader_reads_are_not_cached_under_the_old_key(
    own_db: Path,
) -> None:
    url = str(get_engine().url)
    _version, before = store_state(fresh=True)
    assert before is not None
    regenerate(get_engine(), seed=11, scale=float(TEST_DEMO_SCALE), end_date=REGENERATED_END)
    refresh_snapshots(get_engine())
    # A run still holding the old key reads the new scores: that read must not be cached.
    with pytest.raises(ScoresMoved):
        loaders._periods(url, before.identity)
    # The public loader tries again with the current key and returns the new scores.
    assert load_periods()[-1] == REGENERATED_NEWEST


def test_viewers_see_the_last_scores_with_a_note_while_new_ones_are_computed(
    own_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_newest = newest_month_for(date.today())
    release = threading.Event()
    real_refresh = preparation.refresh_snapshots

    def slow_refresh(*args: object, **kwargs: object) -> object:
        release.wait(60)  # a recomputation that takes as long as the test wants
        return real_refresh(*args, **kwargs)

    monkeypatch.setattr(preparation, "refresh_snapshots", slow_refresh)
    regenerate(get_engine(), seed=11, scale=float(TEST_DEMO_SCALE), end_date=REGENERATED_END)
    forget_store_state()
    at = open_app()
    assert not at.exception and not at.error
    assert at.title  # the page itself, not a wait
    assert at.selectbox(key="period").value == old_newest
    assert any("Đang cập nhật điểm theo dữ liệu mới" in c.value for c in at.caption)
    release.set()
    preparation.worker_for(load_settings()).wait(120)
    forget_store_state()
    at.run()
    assert not at.exception
    assert at.selectbox(key="period").value == REGENERATED_NEWEST
    assert not any("Đang cập nhật điểm" in c.value for c in at.caption)


def test_a_database_error_in_a_loader_shows_the_readable_message(
    own_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> object:
        raise OperationalError("SELECT …", {}, Exception("disk I/O error"))

    with monkeypatch.context() as patch:
        patch.setattr(loaders, "scorecard", broken)
        at = open_app()
        assert not at.exception
        assert len(at.error) == 1
        message = at.error[0].value
        assert "DASHBOARD_DB_PATH" in message and "disk I/O error" in message
    at.run()  # the database answers again: the page comes back without a restart
    assert not at.exception and not at.error and at.title


def test_an_uncreatable_database_folder_is_named_and_recovers(
    app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DASHBOARD_DB_PATH", str(blocker / "sub" / "db.sqlite3"))
    at = open_app(lang="EN")
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "DASHBOARD_DB_PATH" in message and "cannot be created" in message
    assert not at.title
    at.run()
    assert len(at.error) == 1 and not at.exception
    monkeypatch.setenv("DASHBOARD_DB_PATH", str(app_env))  # fixed: the page comes back
    at.run()
    assert not at.exception and not at.error and at.title


@pytest.fixture
def probe_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, str]]:
    """A throw-away PostgreSQL database the app is pointed at; (admin engine, its name)."""
    require_postgres()
    name = f"dash_probe_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DASHBOARD_DEMO_SCALE", TEST_DEMO_SCALE)
    monkeypatch.setenv("DASHBOARD_AUTO_DEMO", "1")
    monkeypatch.delenv("DASHBOARD_BOUNDARIES", raising=False)
    monkeypatch.setattr(loaders, "STORE_RECHECK_S", 0.0)  # the loss is seen on the next run
    reset_engine()
    _forget_everything()
    try:
        yield admin, name
    finally:
        preparation.worker_for(load_settings()).wait(120)
        _forget_everything()
        reset_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_a_dropped_and_recreated_postgres_database_is_named_then_prepared_again(
    app_env: Path, probe_database: tuple[Engine, str]
) -> None:
    admin, name = probe_database
    at = open_app(lang="EN")  # first start: schema, registry, demo data, scores
    assert not at.exception and not at.error and at.title
    preparation.worker_for(load_settings()).wait(120)

    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "DATABASE_URL" in message and name in message
    assert not at.title

    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))  # back, but empty: no tables
    at.run()
    assert not at.exception and not at.error and at.title
    assert at.selectbox(key="period").value == newest_month_for(date.today())
