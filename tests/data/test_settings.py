"""Settings: defaults, overrides and errors that name the setting."""

from __future__ import annotations

import pytest

from data.settings import DEFAULT_DB_PATH, SettingError, load_settings


def test_default_is_the_sqlite_file_in_var() -> None:
    settings = load_settings({})
    assert settings.database_url == f"sqlite+pysqlite:///{DEFAULT_DB_PATH}"
    assert settings.url_setting == "DASHBOARD_DB_PATH"
    assert settings.auto_demo is True


def test_database_url_wins_over_the_file_path() -> None:
    settings = load_settings(
        {"DATABASE_URL": "postgresql://u@h/db", "DASHBOARD_DB_PATH": "/tmp/x.sqlite3"}
    )
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.url_setting == "DATABASE_URL"


def test_db_path_setting(tmp_path) -> None:
    settings = load_settings({"DASHBOARD_DB_PATH": str(tmp_path / "d.sqlite3")})
    assert settings.database_url.endswith(f"{tmp_path}/d.sqlite3")


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"DASHBOARD_DEMO_SCALE": "ten"}, "DASHBOARD_DEMO_SCALE"),
        ({"DASHBOARD_DEMO_SCALE": "0"}, "DASHBOARD_DEMO_SCALE"),
        ({"DASHBOARD_DEMO_SEED": "1.5"}, "DASHBOARD_DEMO_SEED"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingError) as caught:
        load_settings(env)
    assert caught.value.setting == setting
    assert setting in str(caught.value)


def test_auto_demo_can_be_switched_off() -> None:
    assert load_settings({"DASHBOARD_AUTO_DEMO": "0"}).auto_demo is False
