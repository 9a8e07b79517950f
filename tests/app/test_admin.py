"""The admin page: no address or path for a viewer, dates, counts and parameters as people read
them, in both languages; and a database URL's credentials never reach a page."""

from __future__ import annotations

import ast
import json
import re
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_app

ADMIN = "app_pages/admin.py"
ROOT = Path(__file__).resolve().parents[2]
SHOWN_KINDS = ("title", "subheader", "markdown", "caption", "info", "warning", "error", "code")
STAMP = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")  # dd/mm/yyyy HH:MM


def everything_shown(at: AppTest) -> list[str]:
    """Every text of the page, table cells and code blocks included."""
    texts = [str(e.value) for kind in SHOWN_KINDS for e in at.get(kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        texts += [str(c) for c in frame.value.columns]
        texts += [str(v) for v in frame.value.to_numpy().ravel()]
    return texts


def grouped(value: int, separator: str) -> str:
    """``value`` with a thousands separator, written out here independently of i18n.formats."""
    digits = str(value)
    groups = []
    while digits:
        digits, group = digits[:-3], digits[-3:]
        groups.insert(0, group)
    return separator.join(groups)


def database_facts(path: Path) -> tuple[dict[str, int], int, dict[str, object]]:
    with sqlite3.connect(path) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("indicator_values", "tasks", "feedback_cases", "infra_sites")
        }
        rows, parameters = conn.execute(
            "SELECT row_count, parameters FROM import_batches ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return counts, rows, json.loads(parameters)


@pytest.mark.parametrize(
    ("lang", "separator", "labels"),
    [
        (
            "vi",
            ".",
            {
                "feedback_cases": "Phản ánh",
                "kind": "Dữ liệu minh họa",
                "source": "Bộ sinh dữ liệu minh họa",
                "by": "Hệ thống",
                "seed": "Hạt giống",
                "end": "Đến ngày",
            },
        ),
        (
            "en",
            ",",
            {
                "feedback_cases": "Feedback cases",
                "kind": "Demo data",
                "source": "Demo-data generator",
                "by": "System",
                "seed": "Seed",
                "end": "Up to",
            },
        ),
    ],
)
def test_admin_page_reads_as_text_for_people(
    app_env: Path, lang: str, separator: str, labels: dict[str, str]
) -> None:
    at = open_app(ADMIN, **({"lang": "EN"} if lang == "en" else {}))
    assert not at.exception
    shown = everything_shown(at)
    joined = "\n".join(shown)

    # No database URL, no file path, no folder of the server.
    assert "://" not in joined
    assert str(app_env) not in joined and app_env.name not in joined
    assert str(app_env.parent) not in joined and str(ROOT) not in joined

    counts, rows, parameters = database_facts(app_env)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[labels["feedback_cases"]] == grouped(counts["feedback_cases"], separator)
    last_load = [v for v in metrics.values() if STAMP.fullmatch(str(v))]
    assert len(last_load) == 1

    table = at.dataframe[0].value
    row = table.iloc[0].tolist()
    assert labels["kind"] in row and labels["source"] in row and labels["by"] in row
    assert grouped(rows, separator) in row
    assert any(STAMP.fullmatch(str(cell)) for cell in row)
    params = row[-1]
    end = parameters["end_date"]
    assert f"{labels['seed']}: {parameters['seed']}" in params
    assert f"{labels['end']}: {end[8:10]}/{end[5:7]}/{end[0:4]}" in params
    assert "{" not in params and '"' not in params and "end_date" not in params
    # No ISO timestamp anywhere (2026-12-02T07:45 or 2026-12-02 07:45:10).
    assert not re.search(r"\d{4}-\d{2}-\d{2}", joined)


def test_admin_page_imports_no_data_module() -> None:
    tree = ast.parse((ROOT / ADMIN).read_text(encoding="utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert [name for name in imported if name and name.split(".")[0] == "data"] == []


def test_database_error_page_masks_every_credential(
    app_env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Port 1 on loopback: refused at once, so the named "unreachable" message is shown.
    monkeypatch.setenv(
        "DATABASE_URL",
        "postgresql://alice:hunter2@127.0.0.1:1/db?password=s3cret&sslpassword=k3y&sslmode=require",
    )
    with caplog.at_level("ERROR"):
        at = open_app(ADMIN)
    assert not at.exception
    shown = "\n".join(everything_shown(at))
    assert "127.0.0.1:1" in shown  # the message does name the database
    for secret in ("hunter2", "s3cret", "k3y"):
        assert secret not in shown
        assert secret not in caplog.text
