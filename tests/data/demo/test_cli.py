"""``python -m data.demo``: what it prints, and one clear line (status 2) when it cannot run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from data.db import reset_engine
from data.demo.__main__ import main


@pytest.fixture(autouse=True)
def _clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in ("DATABASE_URL", "DASHBOARD_DEMO_SEED", "DASHBOARD_DEMO_SCALE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DASHBOARD_DB_PATH", str(tmp_path / "cli.sqlite3"))
    yield
    reset_engine()


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_it_writes_a_data_set_and_says_what_it_wrote(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seed", "5", "--scale", "0.02", "--end-date", "2025-10-01"]) == 0
    out = capsys.readouterr().out
    assert "seed 5, scale 0.02, end date 2025-10-01" in out
    assert "feedback_cases" in out and "infra_sites" in out
    assert " rows in " in out and out.rstrip().endswith(" s")


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--scale", "0"], "--scale"),
        (["--scale", "lots"], "--scale"),
        (["--seed", "-3"], "--seed"),
        (["--end-date", "22/11/2026"], "--end-date"),
        (["--end-date", "2025-06-30"], "--end-date"),
        (["--colour", "red"], "--colour"),
    ],
)
def test_a_bad_argument_is_one_line_and_status_2(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert named in one_line(captured.err) and captured.out == ""


def test_a_bad_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DASHBOARD_DEMO_SCALE", "ten")
    assert main([]) == 2
    assert "DASHBOARD_DEMO_SCALE" in one_line(capsys.readouterr().err)


def test_an_unreachable_database_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 on this machine refuses at once.
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://demo@127.0.0.1:1/nowhere")
    assert main(["--scale", "0.02"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "DATABASE_URL" in line and "unreachable" in line


def test_a_malformed_database_url_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "not a url")
    assert main([]) == 2
    assert "DATABASE_URL" in one_line(capsys.readouterr().err)
