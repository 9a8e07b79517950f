"""The admin page: no address or path for a viewer, dates, counts and parameters as people read
them, in both languages; and a database URL's credentials never reach a page."""

from __future__ import annotations

import ast
import json
import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from data.db import get_engine
from data.publication import read_publication_header
from metrics import available_periods
from metrics.publication import publish_period, published_months
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


# --- publishing a month from the admin page ------------------------------------------------------


def button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def ask_to_publish(at: AppTest, period: date, by: str) -> AppTest:
    """Choose the month, type the publisher, press "Tiếp tục…": the confirmation step."""
    at.selectbox(key="publish_period").select(period)
    at.text_input(key="publish_by").input(by)
    return button(at, "Tiếp tục…").click().run()


def test_a_month_is_published_from_the_admin_page_after_a_confirmation(own_app: Path) -> None:
    at = open_app()  # the first start builds the database, the demo data and the scores
    assert not at.exception
    at = open_app(ADMIN)
    assert not at.exception
    assert "Chưa có tháng nào được công bố." in [i.value for i in at.info]
    periods = available_periods(get_engine())
    newest, earlier = periods[-1], periods[-2]

    # The name is required; nothing is asked or published without it.
    at = ask_to_publish(at, earlier, "   ")
    assert "Hãy nhập tên người hoặc cơ quan công bố." in [e.value for e in at.error]
    assert published_months(get_engine()) == []

    # The confirmation says that publishing is final; cancelling publishes nothing.
    at = ask_to_publish(at, earlier, "Ban Chỉ đạo tỉnh")
    assert not at.exception
    warning = next(w.value for w in at.warning if "Công bố kết quả" in w.value)
    assert f"Công bố kết quả tháng {earlier:%m/%Y}, người công bố: Ban Chỉ đạo tỉnh?" in warning
    assert "Việc công bố là cuối cùng" in warning
    at = button(at, "Hủy").click().run()
    assert published_months(get_engine()) == []
    assert not [w for w in at.warning if "Công bố kết quả" in w.value]

    at = ask_to_publish(at, earlier, "Ban Chỉ đạo tỉnh")
    at = button(at, "Xác nhận công bố").click().run()
    assert not at.exception
    assert published_months(get_engine()) == [earlier]
    done = at.success[0].value
    assert done.startswith(f"Đã công bố tháng {earlier:%m/%Y}: 102 đơn vị")
    listing = at.dataframe[-1].value  # the published months, after the data loads
    assert listing["Kỳ"].tolist() == [f"{earlier:%m/%Y}"]
    assert listing["Người công bố"].tolist() == ["Ban Chỉ đạo tỉnh"]
    assert listing["Số đơn vị"].tolist() == ["102"]
    header = read_publication_header(get_engine(), earlier)
    assert header is not None
    assert listing["Bộ chỉ số"].tolist() == [
        f"{header.catalog_version} · sha256 {header.catalog_hash[:12]}"
    ]
    assert listing["Dữ liệu"].tolist() == [f"lần nạp số {header.data_version}"]
    # A published month is no longer offered for publishing.
    assert f"{earlier:%m/%Y}" not in at.selectbox(key="publish_period").options

    # The re-score on demand: identical.
    at = button(at, "Tính lại từ dữ liệu đã đóng băng").click().run()
    assert any(
        f"Tháng {earlier:%m/%Y}: tính lại 102 đơn vị" in s.value and "trùng khớp" in s.value
        for s in at.success
    )

    # The newest month is being confirmed here while someone else publishes it (the command line):
    # confirming then is refused with the one readable sentence, never a stack trace.
    at = ask_to_publish(at, newest, "Ban Chỉ đạo tỉnh")
    publish_period(get_engine(), newest, by="Văn phòng UBND tỉnh")
    at = button(at, "Xác nhận công bố").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"Tháng {newest:%m/%Y} đã được công bố trước đó. Kết quả đã công bố không bao giờ "
        "thay đổi, nên không thể công bố lại."
    ]
    header = read_publication_header(get_engine(), newest)
    assert header is not None and header.published_by == "Văn phòng UBND tỉnh"  # untouched
