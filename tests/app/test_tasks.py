"""The tasks page in the real app: filters from the URL, an unknown filter value, the drill-down
of a selected row, the league tables opening a unit, and the exported .xlsx."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_app

TASKS = "app_pages/tasks.py"
OVERDUE = "✕ Chưa hoàn thành – quá hạn"
BUCKET_LABELS = [
    "✓ Hoàn thành đúng hạn",
    "◷ Hoàn thành trễ hạn",
    "► Chưa hoàn thành – trong hạn",
    "✕ Chưa hoàn thành – quá hạn",
    "○ Chưa triển khai",
]


FACT_COLUMNS = ["Thông tin", "Nội dung"]


def register(at: AppTest) -> pd.DataFrame:
    return at.dataframe(key="task_register").value


def select_row(at: AppTest, key: str, row: int) -> AppTest:
    """What a click on a table row does: the table's selection state (AppTest accepts it)."""
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def _count(text: str) -> int:
    return int(text.replace(".", ""))  # vi-VN thousands: 1.234


def test_the_page_shows_five_buckets_that_add_up_to_the_register(app_env: Path) -> None:
    at = open_app(TASKS)
    assert not at.exception
    cards = [m for m in at.metric if m.label in BUCKET_LABELS]
    assert [m.label for m in cards] == BUCKET_LABELS  # each with its symbol and words
    rows = register(at)
    assert sum(_count(m.value) for m in cards) == len(rows) > 0
    # The register's status column counts the same assignments as each card.
    by_status = rows["Tình trạng"].value_counts()
    overdue_card = next(m for m in cards if "quá hạn" in m.label)
    assert _count(overdue_card.value) == by_status.get(OVERDUE, 0)
    headings = [s.value for s in at.subheader]
    escalations = next(i for i, h in enumerate(headings) if h.startswith("Vượt thẩm quyền"))
    register_at = next(i for i, h in enumerate(headings) if h.startswith("Sổ theo dõi"))
    assert escalations < register_at  # escalations are listed first
    assert any(h.startswith("Hồ sơ chưa đủ thông tin") for h in headings)


def test_filters_come_from_the_link_and_narrow_every_row(app_env: Path) -> None:
    at = open_app(TASKS, as_of="10/2026", dept="SKHCN", status="overdue")
    assert not at.exception
    assert at.selectbox(key="filter_as_of").value == "10/2026"
    assert at.selectbox(key="filter_dept").value == "SKHCN"
    rows = register(at)
    assert len(rows) > 0
    assert set(rows["Đơn vị chủ trì"]) == {"Sở KH&CN"}  # departments.csv's short name
    assert set(rows["Tình trạng"]) == {OVERDUE}
    assert any("Đánh giá tại cuối ngày 31/10/2026" in c.value for c in at.caption)
    # Only overdue rows: the other four cards read 0.
    zero = [m for m in at.metric if m.label in BUCKET_LABELS and "quá hạn" not in m.label]
    assert [m.value for m in zero] == ["0"] * 4


def test_an_unknown_filter_value_says_so_and_shows_the_default(app_env: Path) -> None:
    at = open_app(TASKS, status="late-ish", dept="SXYZ")
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("status" in w and "late-ish" in w and "mặc định: Tất cả" in w for w in warnings)
    assert any("dept" in w and "SXYZ" in w and "mặc định: Tất cả" in w for w in warnings)
    assert at.selectbox(key="filter_status").value == "all"
    assert at.selectbox(key="filter_dept").value == "all"


def test_selecting_a_register_row_opens_its_drill_down(app_env: Path) -> None:
    at = open_app(TASKS, status="done_on_time")
    first = register(at).iloc[0]
    at = select_row(at, "task_register", 0)
    assert not at.exception
    chosen = at.selectbox(key="filter_task").value
    assert chosen != ""  # the keyboard-friendly picker follows the click
    assert at.query_params["task"] in (chosen, [chosen])  # a shareable link to the task
    assert any(
        md.value.startswith("####") and first["Mã nhiệm vụ"].replace("-", "\\-") in md.value
        for md in at.markdown
    )
    facts = next(d.value for d in at.dataframe if list(d.value.columns) == FACT_COLUMNS)
    by_label = dict(zip(facts["Thông tin"], facts["Nội dung"], strict=True))
    assert by_label["Tình trạng"] == "✓ Hoàn thành đúng hạn"
    # Done on time counts only once confirmed: the drill-down names the confirmation.
    assert "đơn vị giao việc xác nhận ngày" in by_label["Xác nhận hoàn thành"]
    titles = [md.value for md in at.markdown]
    assert "**Các lần cập nhật tiến độ**" in titles and "**Đề nghị gia hạn**" in titles


def test_the_task_picker_opens_a_task_without_the_mouse(app_env: Path) -> None:
    at = open_app(TASKS, status="overdue")
    picker = at.selectbox(key="filter_task")
    assert picker.value == ""  # nothing chosen: no drill-down yet
    first = register(at).iloc[0]
    at = picker.select_index(1).run()  # the first task after "none", the register's first row
    assert not at.exception
    assert first["Mã nhiệm vụ"] in at.selectbox(key="filter_task").format_func(
        at.selectbox(key="filter_task").value
    )
    facts = next(d.value for d in at.dataframe if list(d.value.columns) == FACT_COLUMNS)
    assert OVERDUE in set(facts["Nội dung"])


def test_a_department_row_filters_the_register_by_that_department(app_env: Path) -> None:
    at = open_app(TASKS)
    league = at.dataframe(key="league_departments").value
    lead = league.iloc[0]["Đơn vị chủ trì"]
    at = select_row(at, "league_departments", 0)
    assert not at.exception
    assert at.selectbox(key="filter_dept").value != "all"
    assert set(register(at)["Đơn vị chủ trì"]) == {lead}


def test_a_commune_row_opens_its_dossier(app_env: Path) -> None:
    at = open_app(TASKS)
    league = at.dataframe(key="league_units").value
    at = select_row(at, "league_units", 0)
    assert not at.exception
    assert at.header[0].value == league.iloc[0]["Đơn vị thực hiện"]


def test_the_exported_xlsx_holds_the_filters_the_data_day_and_the_rows(app_env: Path) -> None:
    from datetime import date

    from data.db import get_engine
    from metrics import default_catalog
    from metrics.task_board import TaskBucket, TaskFilters, task_board
    from ui.export import Words, xlsx_bytes
    from ui.tasks import filter_lines, register_table, task_export

    at = open_app(TASKS, as_of="10/2026", dept="SNV", status="overdue")
    shown = register(at)
    # The page's register download: the same builders on the same board.
    words = Words("vi")
    filters = TaskFilters(as_of=date(2026, 10, 31), department="SNV", status=TaskBucket.OVERDUE)
    board = task_board(get_engine(), filters)
    pairs = filter_lines(
        filters, departments={"SNV": "Sở Nội vụ"}, pillars={}, units={}, words=words
    )
    table = register_table(board.register, default_catalog(), words)
    data = xlsx_bytes(
        task_export(table, "Sổ theo dõi nhiệm vụ", "so", pairs, board.data_as_of, words)
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0][0] == "Sổ theo dõi nhiệm vụ"
    assert cells[1][0] == (
        "Bộ lọc: Thời điểm đánh giá: cuối ngày 31/10/2026; Đơn vị chủ trì: Sở Nội vụ; "
        "Tình trạng: ✕ Chưa hoàn thành – quá hạn"
    )
    assert str(cells[2][0]).startswith("Số liệu đến ngày: ")
    headings = list(cells[5])
    rows = cells[6:]
    assert len(rows) == len(shown) > 0  # every row the page shows
    code = headings.index("Mã nhiệm vụ")
    assert [r[code] for r in rows] == shown["Mã nhiệm vụ"].tolist()
    status = headings.index("Tình trạng")
    assert {r[status] for r in rows} == {"✕ Chưa hoàn thành – quá hạn"}
