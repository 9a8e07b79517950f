"""AppTest fixtures: the real app.py against a small demo database on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.bootstrap import forget_readiness
from data.db import reset_engine

APP_FILE = str(Path(__file__).resolve().parents[2] / "app.py")
# Small enough to generate in a few seconds, large enough that every unit has records.
TEST_DEMO_SCALE = "0.02"


@pytest.fixture(scope="session")
def app_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app") / "dashboard.sqlite3"


def _point_app_at(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's settings for a test database (created with demo data on first use)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DASHBOARD_DB_PATH", str(database))
    monkeypatch.setenv("DASHBOARD_DEMO_SCALE", TEST_DEMO_SCALE)
    monkeypatch.setenv("DASHBOARD_AUTO_DEMO", "1")
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(database.parent / "boundaries"))
    monkeypatch.delenv("DASHBOARD_BOUNDARIES", raising=False)


@pytest.fixture
def app_env(app_database: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app at the shared test database (created with demo data on first use)."""
    _point_app_at(app_database, monkeypatch)
    yield app_database
    forget_readiness()
    reset_engine()


@pytest.fixture
def own_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The app on a database of the test's own, for tests that publish months or correct
    values: the shared database must not see that."""
    _point_app_at(tmp_path / "dashboard.sqlite3", monkeypatch)
    forget_readiness()
    reset_engine()
    yield tmp_path / "dashboard.sqlite3"
    forget_readiness()
    reset_engine()


def open_app(page: str | None = None, **query: str) -> AppTest:
    """Run app.py (the frame) once, on ``page`` if given, with URL query parameters."""
    at = AppTest.from_file(APP_FILE, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    return at.run()
