"""The feedback page in the real app on the demo data: in Vietnamese, filters from the link, an
unknown filter value, the case view from ``?case=``, rows that open a unit, a case or a
category, the exported .xlsx, and the dossier's feedback block."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_app

FEEDBACK = "app_pages/feedback.py"
DOSSIER = "app_pages/dossier.py"
STATE_LABELS = [
    "► Đang xử lý – trong hạn",
    "✕ Đang xử lý – quá hạn",
    "‖ Tạm dừng (chờ người dân)",
    "✓ Đã giải quyết đúng hạn",
    "◷ Đã giải quyết trễ hạn",
]
FACT_COLUMNS = ["Thông tin", "Nội dung"]


def _count(text: str) -> int:
    return int(text.replace(".", ""))  # vi-VN thousands: 1.234


def _cards(at: AppTest) -> dict[str, int]:
    return {m.label: _count(m.value) for m in at.metric if m.label in STATE_LABELS}


def _table(at: AppTest, key: str) -> pd.DataFrame:
    return at.dataframe(key=key).value


def select_row(at: AppTest, key: str, row: int) -> AppTest:
    """What a click on a table row does: the table's selection state (AppTest accepts it)."""
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def open_tab(at: AppTest, tabs_key: str, label: str) -> AppTest:
    """What a click on a tab does: the tab group's state names the tab (AppTest accepts it)."""
    at.session_state[tabs_key] = label
    return at.run()


BACKLOG_TABS, LIST_TABS, CHART_TABS = (
    "feedback_backlog_tab",
    "feedback_list_tab",
    "feedback_chart_tab",
)
BY_CATEGORY, NEGLECTED = "Theo lĩnh vực", "10 phản ánh lâu không cập nhật"


def _facts(at: AppTest) -> dict[str, str]:
    facts = next(d.value for d in at.dataframe if list(d.value.columns) == FACT_COLUMNS)
    return dict(zip(facts["Thông tin"], facts["Nội dung"], strict=True))


def test_the_page_shows_the_states_and_the_backlog_in_vietnamese(app_env: Path) -> None:
    at = open_app(FEEDBACK)
    assert not at.exception
    assert at.title[0].value == "Phản ánh, kiến nghị"
    cards = _cards(at)
    assert list(cards) == STATE_LABELS  # each with its symbol and words
    by_unit = _table(at, "backlog_units")
    assert len(by_unit) == 102
    # The open cards count the same cases as the backlog by unit.
    assert by_unit["Đang mở"].sum() == sum(list(cards.values())[:3]) > 0
    assert by_unit["Quá hạn"].sum() == cards["✕ Đang xử lý – quá hạn"]
    assert by_unit["Quá hạn"].is_monotonic_decreasing  # most overdue first
    headings = [s.value for s in at.subheader]
    assert headings[:3] == ["Phản ánh tồn đọng", "Phản ánh cần đôn đốc", "Chi tiết một phản ánh"]
    assert any(h.startswith("Phản ánh chưa xác định được xã, phường (") for h in headings)
    assert len(_table(at, "list_oldest")) == 10
    # The panels not open are not drawn until their tab is chosen.
    for hidden in ("backlog_phan-anh-theo-linh-vuc", "list_neglected"):
        with pytest.raises(KeyError):
            at.dataframe(key=hidden)
    # Questions asking for guidance are a table of their own, after the problem reports.
    at = open_tab(at, BACKLOG_TABS, BY_CATEGORY)
    problems = _table(at, "backlog_phan-anh-theo-linh-vuc")
    questions = _table(at, "backlog_hoi-dap-theo-linh-vuc")
    assert set(questions["Nhóm lĩnh vực"]) == {"Hỏi đáp, hướng dẫn"}
    assert "Hỏi đáp, hướng dẫn" not in set(problems["Nhóm lĩnh vực"])
    shares = {m.label: m.value for m in at.metric}
    assert re.fullmatch(r"\d{1,3},\d%", shares["Giải quyết đúng hạn"])  # vi-VN: 88,5%
    assert re.fullmatch(r"\d{1,3},\d%", shares["Đóng không có minh chứng"])
    at = open_tab(at, LIST_TABS, NEGLECTED)
    assert len(_table(at, "list_neglected")) == 10


def test_filters_come_from_the_link_and_narrow_the_counts(app_env: Path) -> None:
    first = open_app(FEEDBACK)
    unit = str(_table(first, "backlog_units").iloc[0]["Mã đơn vị"])
    labels = first.selectbox(key="filter_month").options
    assert labels[0].startswith("Hiện tại (") and labels[1].startswith("Cuối tháng ")
    past_value = re.search(r"\d{2}/\d{4}", labels[1]).group()  # type: ignore[union-attr]
    at = open_app(FEEDBACK, unit=unit, month=past_value, state="open_overdue")
    assert not at.exception
    assert at.selectbox(key="filter_unit").value == unit
    assert at.selectbox(key="filter_month").value == past_value
    assert at.selectbox(key="filter_state").value == "open_overdue"
    assert list(_table(at, "backlog_units")["Mã đơn vị"]) == [unit]
    assert any(f"cuối tháng {past_value}" in c.value for c in at.caption)
    # A past month shows no list of today's open cases, and says why.
    assert any("chỉ có cho thời điểm hiện tại" in i.value for i in at.info)
    for key in ("list_oldest", "list_neglected"):
        with pytest.raises(KeyError):
            at.dataframe(key=key)


def test_an_unknown_filter_value_says_so_and_shows_the_default(app_env: Path) -> None:
    at = open_app(FEEDBACK, state="late-ish", unit="99999", month="13/2099")
    assert not at.exception
    warnings = [w.value for w in at.warning]
    for param, value, default in (
        ("state", "late-ish", "Tất cả"),
        ("unit", "99999", "Tất cả"),
        ("month", "13/2099", "Hiện tại"),
    ):
        assert any(param in w and value in w and f"mặc định: {default}" in w for w in warnings), (
            param
        )
    assert at.selectbox(key="filter_state").value == "all"
    assert at.selectbox(key="filter_unit").value == "all"
    assert at.selectbox(key="filter_month").value == "latest"


def test_the_case_view_opens_from_the_link_with_the_reporter_masked(app_env: Path) -> None:
    code = str(_table(open_app(FEEDBACK), "list_oldest").iloc[0]["Mã phản ánh"])
    at = open_app(FEEDBACK, case=code)
    assert not at.exception
    assert at.text_input(key="filter_case").value == code
    facts = _facts(at)
    assert facts["Mã phản ánh"] == code
    assert any(md.value.startswith("#### ") for md in at.markdown)
    # The deadline clock in its colour, with the state's symbol and words.
    clock = next(
        md.value for md in at.markdown if md.value.startswith((":green[", ":red[", ":gray["))
    )
    assert any(label in clock for label in STATE_LABELS[:3])
    timeline = ["Thời điểm", "Từ trạng thái", "Sang trạng thái", "Ghi chú"]
    assert any(d.value.columns.tolist() == timeline for d in at.dataframe)
    # The reporter's fields arrive masked; the raw ones are nowhere on the page.
    with sqlite3.connect(app_env) as db:
        name, phone = db.execute(
            "SELECT reporter_name, reporter_phone FROM feedback_cases WHERE case_code = ?", (code,)
        ).fetchone()
    shown = [facts["Người phản ánh"], facts["Điện thoại"]]
    if phone:
        assert re.fullmatch(r"\d{2}\*+\d{2}", facts["Điện thoại"])
    cells = [str(v) for d in at.dataframe for v in d.value.to_numpy().ravel()]
    everything = " ".join([*cells, *(t.value for t in at.text)])
    for raw in (name, phone):
        if raw:
            assert raw not in everything and raw not in shown


def test_an_unknown_case_code_says_so(app_env: Path) -> None:
    at = open_app(FEEDBACK, case="PAKN-0000-000000")
    assert not at.exception
    assert any("Không tìm thấy phản ánh có mã" in w.value for w in at.warning)


def test_a_list_row_opens_the_case(app_env: Path) -> None:
    at = open_tab(open_app(FEEDBACK), LIST_TABS, NEGLECTED)
    code = str(_table(at, "list_neglected").iloc[0]["Mã phản ánh"])
    at = select_row(at, "list_neglected", 0)
    assert not at.exception
    assert at.text_input(key="filter_case").value == code
    assert at.query_params["case"] in (code, [code])  # a shareable link to the case
    assert _facts(at)["Mã phản ánh"] == code


def test_a_unit_row_opens_its_dossier(app_env: Path) -> None:
    at = open_app(FEEDBACK)
    name = _table(at, "backlog_units").iloc[0]["Xã, phường"]
    at = select_row(at, "backlog_units", 0)
    assert not at.exception
    assert at.header[0].value == name


def test_a_category_row_filters_on_that_category(app_env: Path) -> None:
    at = open_tab(open_app(FEEDBACK), BACKLOG_TABS, BY_CATEGORY)
    row = _table(at, "backlog_phan-anh-theo-linh-vuc").iloc[0]
    at = select_row(at, "backlog_phan-anh-theo-linh-vuc", 0)
    assert not at.exception
    assert at.selectbox(key="filter_group").value == row["Nhóm lĩnh vực"]
    assert at.selectbox(key="filter_category").value == row["Lĩnh vực"]
    # Narrowed to it: the category table holds that one row, with the same open count.
    narrowed = _table(at, "backlog_phan-anh-theo-linh-vuc")
    assert narrowed[["Lĩnh vực", "Đang mở"]].values.tolist() == [[row["Lĩnh vực"], row["Đang mở"]]]


def test_the_exported_xlsx_holds_the_filters_the_data_time_and_the_rows(app_env: Path) -> None:
    from data.db import get_engine
    from metrics.feedback_board import FeedbackFilters, feedback_board
    from metrics.feedback_cases import CaseState
    from ui.export import Words, xlsx_bytes
    from ui.feedback import feedback_export, filter_lines, unit_backlog_table

    at = open_app(FEEDBACK, group="Hạ tầng kỹ thuật", state="open_overdue")
    shown = _table(at, "backlog_units")
    # The page's by-unit download: the same builders on the same board.
    words = Words("vi")
    filters = FeedbackFilters(category_group="Hạ tầng kỹ thuật", state=CaseState.OPEN_OVERDUE)
    board = feedback_board(get_engine(), filters)
    pairs = filter_lines(filters, as_of=board.as_of, is_latest=True, units={}, words=words)
    table = unit_backlog_table(board.by_unit, words)
    data = xlsx_bytes(
        feedback_export(table, "Theo xã, phường", "x", pairs, board.data_as_of, words)
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][0] == "Theo xã, phường"
    assert cells[1][0] == (
        f"Bộ lọc: Thời điểm: đến {words.when(board.as_of)}; Nhóm lĩnh vực: Hạ tầng kỹ thuật; "
        "Tình trạng (danh sách, bản đồ): ✕ Đang xử lý – quá hạn"
    )
    assert str(cells[2][0]).startswith("Số liệu đến ngày: ")
    headings, rows = list(cells[5]), cells[6:]
    assert len(rows) == len(shown) == 102  # every row the page shows
    code, opened = headings.index("Mã đơn vị"), headings.index("Đang mở")
    assert [r[code] for r in rows] == shown["Mã đơn vị"].tolist()
    assert [r[opened] for r in rows] == shown["Đang mở"].tolist()  # numbers stay numbers


def test_the_dossier_block_agrees_with_the_page(app_env: Path) -> None:
    first = open_app(FEEDBACK)
    unit = str(_table(first, "backlog_units").iloc[0]["Mã đơn vị"])  # the most overdue unit
    at = open_app(DOSSIER, unit=unit)
    assert not at.exception
    assert "Phản ánh, kiến nghị" in [s.value for s in at.subheader]
    block = _cards(at)
    assert list(block) == STATE_LABELS
    link = next(p for p in at.get("page_link") if p.proto.page == "feedback")
    query = link.proto.query_string
    assert query.startswith(f"unit={unit}")
    # The page on the link's filters counts the same states.
    params = dict(pair.split("=") for pair in query.split("&"))
    page = open_app(FEEDBACK, **{k: v.replace("%2F", "/") for k, v in params.items()})
    assert _cards(page) == block
    overdue = next(d.value for d in at.dataframe if "Số ngày đã mở" in d.value.columns)
    assert 0 < len(overdue) <= 10


def test_values_from_the_link_are_shown_literally(app_env: Path) -> None:
    from tests.app.test_url_values import HOSTILE, assert_only_literal

    for param in ("case", "group", "state"):
        at = open_app(FEEDBACK, **{param: HOSTILE[0]})
        assert not at.exception
        assert_only_literal(at, HOSTILE[0])


def test_the_charts_and_the_unrouted_list_are_drawn_when_asked_for(app_env: Path) -> None:
    at = open_app(FEEDBACK)
    ageing_columns = ["Số ngày từ khi nhận", "Đang mở", "Tỷ lệ trong số đang mở (%)"]
    ageing = next(d.value for d in at.dataframe if d.value.columns.tolist() == ageing_columns)
    assert ageing["Đang mở"].sum() == _table(at, "backlog_units")["Đang mở"].sum()
    assert ageing["Tỷ lệ trong số đang mở (%)"].sum() == pytest.approx(100)
    assert len(at.get("vega_lite_chart")) == 0  # no chart until its tab is chosen
    at = open_tab(at, CHART_TABS, "Tiếp nhận và đóng theo tuần")
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    at = open_tab(at, CHART_TABS, "Quá hạn và tỷ lệ đúng hạn theo tháng")
    assert len(at.get("vega_lite_chart")) == 1
    # The unrouted cases: counted in the heading, listed once unfolded.
    heading = next(h.value for h in at.subheader if h.value.startswith("Phản ánh chưa xác định"))
    total = _count(re.search(r"\(([\d.]+)\)", heading).group(1))  # type: ignore[union-attr]
    assert total > 0  # the demo data holds some
    before = [d.value.columns.tolist() for d in at.dataframe]
    at.session_state["feedback_unrouted_open"] = True
    at.run()
    assert not at.exception
    new = [d.value for d in at.dataframe if d.value.columns.tolist() not in before]
    shown = next(c.value for c in at.caption if "phản ánh mới nhất" in c.value)
    assert len(new) == 1 and len(new[0]) == min(
        total, _count(re.findall(r"\d[\d.]*\d|\d", shown)[-1])
    )
