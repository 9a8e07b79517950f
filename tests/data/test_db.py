"""The engine: SQLite foreign keys on, readable errors for bad or unreachable databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from data.db import DatabaseUnavailable, build_engine, check_connection, safe_url, score_lock
from tests.conftest import drop_schema, postgres_engine_in_fresh_schema, require_postgres


def test_malformed_url_names_the_setting() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        build_engine("not a database url", "DATABASE_URL")
    assert caught.value.reason == "malformed_url"
    assert caught.value.setting == "DATABASE_URL"


def test_a_port_that_is_not_a_number_is_a_malformed_url_with_the_password_hidden() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        build_engine("postgresql://u:secret@h:notaport/db", "DATABASE_URL")
    assert caught.value.reason == "malformed_url"
    assert "secret" not in str(caught.value)


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


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u@h/db?password=secret", "postgresql://u@h/db?password=***"),
        (
            "postgresql://u@h:5432/db?sslmode=require&sslpassword=secret",
            "postgresql://u@h:5432/db?sslmode=require&sslpassword=***",
        ),
        ("postgresql://u:secret@h/db", "postgresql://u:***@h/db"),
        # The same secret in two places, and a repeated parameter.
        (
            "postgresql://u:secret@h/db?password=secret&password=secret",
            "postgresql://u:***@h/db?password=***&password=***",
        ),
        ("postgresql://u@h/db?PassWord=secret#x", "postgresql://u@h/db?PassWord=***#x"),
        ("postgresql://u@h/db?p%61sswd=secret", "postgresql://u@h/db?p%61sswd=***"),
        ("postgresql://u@h/db?pwd=secret&x=1", "postgresql://u@h/db?pwd=***&x=1"),
        (
            "postgresql://u@h/db?api_key=secret&token=secret&client_secret=secret",
            "postgresql://u@h/db?api_key=***&token=***&client_secret=***",
        ),
        # A secret inside another parameter's value, percent-encoded or not.
        (
            "postgresql://u@h/db?options=-c%20password%3Dsecret",
            "postgresql://u@h/db?options=-c%20password%3D***",
        ),
        (
            "postgresql://u@h/db?options=-c password=secret",
            "postgresql://u@h/db?options=-c password=***",
        ),
        # libpq keyword/value form.
        ("host=h password='se cret' dbname=d", "host=h password=*** dbname=d"),
    ],
)
def test_safe_url_masks_every_credential(url: str, shown: str) -> None:
    assert safe_url(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:se@cret@h/db",  # unencoded @ in the password
        "postgresql://u:se/cret@h/db",  # unencoded /
        "postgresql://u:se?cret@h/db?x=a@b",  # unencoded ?, and an @ in the query
        "postgresql://u:secret@h:notaport/db",  # make_url raises ValueError on this one
        "postgresql://u@h/db?password=se cret",  # a space in the value
        "not a url at all password=secret",
        "  postgresql://u@h/db?sslpassword=secret  ",
    ],
)
def test_safe_url_masks_credentials_in_malformed_urls(url: str) -> None:
    shown = safe_url(url)
    assert "secret" not in shown.replace("sslpassword", "")
    assert "cret" not in shown
    assert "***" in shown


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+pysqlite:////srv/dash/dashboard.sqlite3",
        "postgresql+psycopg://dash@db:5432/dashboard?sslmode=require&connect_timeout=5",
        "sqlite:////srv/a:b@c/x.db",  # a path, not user:password
    ],
)
def test_safe_url_leaves_urls_without_credentials_as_written(url: str) -> None:
    assert safe_url(url) == url


def test_database_unavailable_message_hides_query_password() -> None:
    engine = build_engine("postgresql://alice@127.0.0.1:1/none?password=s3cret", "DATABASE_URL")
    with pytest.raises(DatabaseUnavailable) as caught:
        check_connection(engine, "DATABASE_URL")
    assert "s3cret" not in str(caught.value)
    assert "password=***" in caught.value.target


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


@pytest.mark.postgres
def test_the_score_lock_is_held_per_schema() -> None:
    """Two databases kept as schemas of one PostgreSQL database do not block each other; the
    same schema does."""
    require_postgres()
    first, first_schema = postgres_engine_in_fresh_schema()
    second, second_schema = postgres_engine_in_fresh_schema()
    try:
        with score_lock(first) as held_first:
            assert held_first
            with score_lock(second) as held_second:
                assert held_second  # another schema: its own lock
            with score_lock(first) as held_again:
                assert not held_again  # the same schema from another connection: busy
        with score_lock(first) as held_after:
            assert held_after  # released
    finally:
        first.dispose()
        second.dispose()
        drop_schema(first_schema)
        drop_schema(second_schema)
