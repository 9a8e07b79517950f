"""The engine: SQLite foreign keys on, readable errors for bad or unreachable databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from data.db import DatabaseUnavailable, build_engine, check_connection, safe_url


def test_malformed_url_names_the_setting() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        build_engine("not a database url", "DATABASE_URL")
    assert caught.value.reason == "malformed_url"
    assert caught.value.setting == "DATABASE_URL"


def test_unknown_driver_is_reported() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        build_engine("nosuchdb://user@host/db", "DATABASE_URL")
    assert caught.value.reason == "unknown_driver"


def test_unreachable_server_is_reported_without_the_password() -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    engine = build_engine("postgresql://alice:s3cret@127.0.0.1:1/none", "DATABASE_URL")
    with pytest.raises(DatabaseUnavailable) as caught:
        check_connection(engine, "DATABASE_URL")
    assert caught.value.reason == "unreachable"
    assert "s3cret" not in str(caught.value)
    assert "127.0.0.1:1" in caught.value.target


def test_bare_postgresql_url_uses_psycopg3() -> None:
    engine = build_engine("postgresql://u@127.0.0.1/db", "DATABASE_URL")
    assert engine.url.drivername == "postgresql+psycopg"


def test_safe_url_hides_passwords() -> None:
    assert "s3cret" not in safe_url("postgresql://alice:s3cret@h/db")


def test_sqlite_file_and_folder_are_created(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path}/new/folder/db.sqlite3", "DASHBOARD_DB_PATH")
    check_connection(engine, "DASHBOARD_DB_PATH")
    assert (tmp_path / "new" / "folder" / "db.sqlite3").exists()


def test_foreign_keys_are_enforced(migrated_engine: Engine) -> None:
    # A feedback case for a unit code that is not in the registry must be refused.
    with pytest.raises(IntegrityError), migrated_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO infra_sites (site_code, unit_code, operator, technology,"
                " serves_centre, lat, lon, status, planned_at, population_covered)"
                " VALUES ('X1', '99999', 'VNPT', '5G', false, 12.5, 108.0, 'planned',"
                " '2026-01-01', 0)"
            )
        )
    with migrated_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM infra_sites")).scalar_one() == 0
