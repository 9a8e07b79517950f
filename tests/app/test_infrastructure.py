"""The infrastructure page in the real app on the demo data: in Vietnamese, its figures the
rollout rules' on the stored sites, filters from the link, an unknown filter value, the chart
and lists behind their tabs, rows that open a unit, and the dossier's infrastructure block."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import open_app

PAGE = "app_pages/infrastructure.py"
DOSSIER = "app_pages/dossier.py"
COVERAGE_TABS, UNIT_TABS, PIPELINE_TABS, SITE_TABS, ISSUE_TABS = (
    "infra_coverage_tab",
    "infra_unit_tab",
    "infra_pipeline_tab",
    "infra_site_tab",
    "infra_issue_tab",
)


def _table(at: AppTest, key: str) -> pd.DataFrame:
    """A table a row click acts on (it has a key)."""
    return at.dataframe(key=key).value


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The table headed with ``column`` (a display-only table has no key to look it up by)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _no_frame(at: AppTest, column: str) -> bool:
    return not any(column in d.value.columns for d in at.dataframe)


def open_tab(at: AppTest, tabs_key: str, label: str) -> AppTest:
    """What a click on a tab does: the tab group's state names the tab (AppTest accepts it)."""
    at.session_state[tabs_key] = label
    return at.run()


def tab_label(at: AppTest, starts: str) -> str:
    return next(t.label for t in at.tabs if t.label.startswith(starts))


def _cards(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def _rules_on_the_store(day: object) -> tuple[set[str], float]:
    """The centres with 5G and the baseline share, by the rollout rules on the stored rows."""
    from data.db import get_engine
    from data.infrastructure import pipeline_history, pipeline_sites
    from metrics.site_pipeline import BASELINE_DAY, centres_covered, stages_on

    engine = get_engine()
    sites, history = pipeline_sites(engine), pipeline_history(engine)
    covered = centres_covered(sites, stages_on(history, day))  # type: ignore[arg-type]
    baseline = len(centres_covered(sites, stages_on(history, BASELINE_DAY))) / 102 * 100
    return covered, baseline


def test_the_page_shows_the_centres_against_the_glide_path_in_vietnamese(app_env: Path) -> None:
    from data.db import get_engine
    from metrics.infra_board import infra_filter_options
    from metrics.site_pipeline import glide_share

    at = open_app(PAGE)
    assert not at.exception
    assert at.title[0].value == "Hạ tầng số, 5G"
    headings = [s.value for s in at.subheader]
    assert headings == [
        "Tỷ lệ trung tâm xã có 5G so với lộ trình",
        "Dự báo theo đơn vị",
        "Tiến độ triển khai trạm",
        "Trạm phát sóng",
        "Cần chú ý",
    ]
    day = infra_filter_options(get_engine()).last_day
    covered, baseline = _rules_on_the_store(day)
    cards = _cards(at)
    value, share = cards["Trung tâm xã, phường có 5G"]
    assert value == f"{len(covered)} / 102"
    expected = f"{100 * len(covered) / 102:.1f}".replace(".", ",")  # vi-VN: 75,5%
    assert share == f"{expected}%"
    glide = f"{glide_share(day, baseline):.1f}".replace(".", ",")
    assert cards["Lộ trình đến 2030"][0] == f"{glide}%"
    # The month-by-month table is the first view (no chart until its tab is chosen).
    coverage = _frame(at, "Lộ trình (%)")
    assert coverage["Tháng"].iloc[0] == "tháng 07/2025"
    assert (coverage["Số đơn vị"] == 102).all()
    assert coverage["Trung tâm có 5G"].iloc[-1] == len(covered)
    assert not at.get("vega_lite_chart")
    # The will-miss list is as long as its card says, and the panels not open are not drawn.
    will_miss = _table(at, "infra_will_miss")
    assert len(will_miss) == int(cards["Đơn vị sẽ không kịp 2030"][0]) > 0
    assert will_miss["Số ngày"].is_monotonic_decreasing  # stuck longest first
    with pytest.raises(KeyError):
        at.dataframe(key="infra_units")
    for hidden in ("Cần kiểm tra vì", "Phục vụ trung tâm", "Trung vị (ngày)"):
        assert _no_frame(at, hidden)


def test_the_chart_and_the_lists_open_with_their_tabs(app_env: Path) -> None:
    at = open_tab(open_app(PAGE), COVERAGE_TABS, "Biểu đồ")
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    at = open_tab(at, UNIT_TABS, "Tất cả đơn vị")
    units = _table(at, "infra_units")
    assert len(units) == 102
    assert set(units["Trung tâm"]) <= {"✓ Đã có 5G", "… Đang triển khai", "✕ Sẽ không kịp 2030"}
    at = open_tab(at, PIPELINE_TABS, "Theo doanh nghiệp")
    operators = _frame(at, "Tổng")
    assert set(operators["Doanh nghiệp"]) <= {"Viettel", "VNPT", "MobiFone"}
    at = open_tab(at, ISSUE_TABS, tab_label(at, "Cần kiểm tra ("))
    unchecked = _frame(at, "Cần kiểm tra vì")
    assert sorted(unchecked["Cần kiểm tra vì"]) == [
        "Mã đơn vị không có trong danh mục",
        "Tọa độ ngoài tỉnh",
        "Tọa độ thuộc đơn vị khác",
    ]
    at = open_tab(at, ISSUE_TABS, tab_label(at, "Lùi giai đoạn ("))
    fallen = _frame(at, "Chưa khôi phục")
    # The demo keeps one centre site off air since its regression, with its reason.
    assert (fallen["Chưa khôi phục"] == "Có").any()
    assert fallen["Lý do"].str.len().min() > 10


def test_filters_come_from_the_link_and_narrow_the_sites(app_env: Path) -> None:
    at = open_app(PAGE, operator="VNPT", stage="blocked", peer_group="xa_highland")
    assert not at.exception
    assert at.selectbox(key="filter_operator").value == "VNPT"
    assert at.selectbox(key="filter_stage").value == "blocked"
    assert at.selectbox(key="filter_peer_group").value == "xa_highland"
    at = open_tab(at, SITE_TABS, "Danh sách trạm")
    sites = _frame(at, "Mã trạm")
    assert set(sites["Giai đoạn"]) <= {"Vướng mắc"}
    assert all(code.startswith("VNP-") for code in sites["Mã trạm"])
    assert any("Bộ lọc công nghệ và giai đoạn" in c.value for c in at.caption)


def test_an_unknown_filter_value_says_so_and_shows_the_default(app_env: Path) -> None:
    at = open_app(PAGE, operator="Vinaphone-ish", stage="on_fire", as_of="13/2099")
    assert not at.exception
    warnings = [w.value for w in at.warning]
    for param, value in (("operator", "Vinaphone-ish"), ("stage", "on_fire"), ("as_of", "13/2099")):
        assert any(param in w and value in w for w in warnings), param
    assert at.selectbox(key="filter_operator").value == "all"
    assert at.selectbox(key="filter_as_of").value == "latest"


def test_a_will_miss_row_opens_its_dossier(app_env: Path) -> None:
    at = open_app(PAGE)
    name = _table(at, "infra_will_miss").iloc[0]["Đơn vị"]
    at.session_state["infra_will_miss"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at = at.run()
    assert not at.exception
    assert name in at.header[0].value


def test_the_dossier_block_agrees_with_the_page(app_env: Path) -> None:
    page = open_tab(open_app(PAGE), UNIT_TABS, "Tất cả đơn vị")
    units = _table(page, "infra_units")
    from data.db import get_engine
    from data.queries import read_units

    registry = read_units(get_engine())
    missing = units[units["Trung tâm"] == "✕ Sẽ không kịp 2030"].iloc[0]
    code = str(registry.loc[registry["name"] == missing["Đơn vị"], "code"].iloc[0])
    at = open_app(DOSSIER, unit=code)
    assert not at.exception
    heading = next(s.value for s in at.subheader if s.value.startswith("Hạ tầng số, 5G (đến hết"))
    assert heading.endswith(")")
    assert any(m.value.startswith("**✕ Sẽ không kịp 2030") for m in at.markdown)
    link = next(p for p in at.get("page_link") if p.proto.page == "infrastructure")
    assert link.proto.query_string.startswith(f"unit={code}")
    covered = units[units["Trung tâm"] == "✓ Đã có 5G"].iloc[0]
    code = str(registry.loc[registry["name"] == covered["Đơn vị"], "code"].iloc[0])
    at = open_app(DOSSIER, unit=code)
    assert any(m.value == "**✓ Trung tâm xã đã có 5G.**" for m in at.markdown)


def test_the_exported_xlsx_holds_the_filters_and_the_rows(app_env: Path) -> None:
    import io

    import openpyxl

    from data.db import get_engine
    from metrics.infra_board import InfraFilters, infra_board, infra_filter_options
    from ui.export import Words, xlsx_bytes
    from ui.infrastructure import filter_lines, unit_table
    from ui.tasks import task_export

    at = open_tab(open_app(PAGE, operator="VNPT"), UNIT_TABS, "Tất cả đơn vị")
    shown = _table(at, "infra_units")
    # The page's download of every unit: the same builders on the same board.
    words = Words("vi")
    day = infra_filter_options(get_engine()).last_day
    filters = InfraFilters(as_of=day, operator="VNPT")
    board = infra_board(get_engine(), filters)
    pairs = filter_lines(filters, units={}, peer_groups={}, words=words)
    data = xlsx_bytes(
        task_export(unit_table(board.units, words), "Tất cả đơn vị", "x", pairs, day, words)
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0][0] == "Tất cả đơn vị"
    assert cells[1][0] == f"Bộ lọc: Tính đến: cuối ngày {words.day(day)}; Doanh nghiệp: VNPT"
    headings, rows = list(cells[5]), cells[6:]
    assert len(rows) == len(shown) == 102
    unit, sites = headings.index("Đơn vị"), headings.index("Tổng số trạm")
    assert [r[unit] for r in rows] == shown["Đơn vị"].tolist()
    assert [r[sites] for r in rows] == shown["Tổng số trạm"].tolist()  # numbers stay numbers
