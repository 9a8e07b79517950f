"""The dossier is driven by the app-owned selected-unit key and by the URL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import yaml
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Expander

from tests.app.conftest import APP_FILE, open_app
from ui.selection import SELECTED_UNIT_KEY

DOSSIER = "app_pages/dossier.py"
REGISTRY = Path(__file__).resolve().parents[2] / "data" / "reference" / "units.csv"
CATALOG_FILE = Path(__file__).resolve().parents[2] / "metrics" / "catalog.yaml"


def test_selected_unit_key_opens_that_unit(app_env: Path) -> None:
    at = AppTest.from_file(APP_FILE, default_timeout=120)
    at.session_state[SELECTED_UNIT_KEY] = "22015"
    at.switch_page(DOSSIER).run()
    assert not at.exception
    assert at.header[0].value == "Phường Tuy Hòa"
    assert at.query_params["unit"] == ["22015"] or at.query_params["unit"] == "22015"


def test_link_with_unit_code_opens_that_unit(app_env: Path) -> None:
    at = open_app(DOSSIER, unit="22015")
    assert at.header[0].value == "Phường Tuy Hòa"


def test_unknown_unit_in_link_gives_a_message_and_the_default_view(app_env: Path) -> None:
    at = open_app(DOSSIER, unit="99999")
    assert not at.exception
    assert any("99999" in w.value for w in at.warning)
    assert not at.header  # no unit shown; the picker waits for a choice


def test_choosing_a_unit_in_the_list(app_env: Path) -> None:
    at = open_app(DOSSIER)
    at.selectbox(key=SELECTED_UNIT_KEY).select("22045").run()
    assert at.header[0].value == "Phường Bình Kiến"


def test_dossier_shows_score_pillars_indicators_and_the_way_up(app_env: Path) -> None:
    at = AppTest.from_file(APP_FILE, default_timeout=120)
    at.session_state[SELECTED_UNIT_KEY] = "24211"  # Xã Ea Súp, a border commune
    at.switch_page(DOSSIER).run()
    assert not at.exception
    labels = {m.label for m in at.metric}
    assert {"Điểm tổng hợp (0–100)", "Mức", "Chỉ số đã báo cáo"} <= labels
    tables = [frame.value for frame in at.dataframe]
    indicators = next(t for t in tables if "Giá trị" in t.columns)
    # Every indicator of the catalog file, reported or not (counted from the YAML itself).
    assert len(indicators) == len(yaml.safe_load(CATALOG_FILE.read_text())["indicators"])
    assert any("Để lên mức tiếp theo" in md.value for md in at.markdown)


def test_searching_without_diacritics_opens_the_unit(app_env: Path) -> None:
    at = open_app(DOSSIER)
    at.text_input(key="unit_search").input("ea sup").run()
    assert not at.exception
    assert at.header[0].value == "Xã Ea Súp"  # one match: opened at once


def test_a_search_narrows_the_list_and_says_how_many(app_env: Path) -> None:
    at = open_app(DOSSIER)
    at.text_input(key="unit_search").input("hoa").run()
    options = at.selectbox(key=SELECTED_UNIT_KEY).options
    # Every unit whose name has a word starting with "hoa" (Hòa…), read from the registry.
    registry = pd.read_csv(REGISTRY, dtype=str)
    expected = {
        code
        for code, name in zip(registry["code"], registry["full_name"], strict=True)
        if any(w.startswith("hoa") for w in _bare(name).split())
    }
    assert len(expected) > 1
    assert {o.rsplit("(", 1)[1].rstrip(")") for o in options} == expected
    assert any(f"{len(expected)} đơn vị khớp" in c.value for c in at.caption)


def test_a_search_without_match_says_so_in_vietnamese(app_env: Path) -> None:
    at = open_app(DOSSIER)
    at.text_input(key="unit_search").input("zzzz").run()
    assert any("Không tìm thấy đơn vị nào" in i.value for i in at.info)


def test_ranks_show_how_many_units_they_are_out_of(app_env: Path) -> None:
    from data.db import get_engine
    from metrics import available_periods, scorecard
    from metrics.api import default_period

    at = open_app(DOSSIER)
    engine = get_engine()
    card = scorecard(engine, default_period(available_periods(engine)))  # the month shown
    rated = card[card["band"] != "grey"]
    unit = rated.iloc[0]
    at.selectbox(key=SELECTED_UNIT_KEY).select(unit["unit_code"]).run()
    rank = next(m for m in at.metric if m.label == "Xếp hạng toàn tỉnh")
    in_group = int((rated["peer_group"] == unit["peer_group"]).sum())
    assert rank.value == f"{int(unit['rank_level'])}/{len(rated)}"
    assert f"{int(unit['rank_peer'])}/{in_group} trong nhóm" in str(rank.delta)


def _bare(name: str) -> str:
    # Written out here, not imported: drop the marks, đ → d, lower case.
    import unicodedata

    decomposed = unicodedata.normalize("NFD", name.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")


# --- the trail of corrected values (own database: a correction changes the data) ------------


def _revisions_expander(at: AppTest) -> Expander:
    return next(e for e in at.expander if e.label == "Lịch sử điều chỉnh số liệu")


def test_the_dossier_lists_the_corrections_of_the_month_shown(own_app: Path) -> None:
    from data.db import get_engine
    from data.indicators import NewIndicatorValue, record_indicator_values
    from data.queries import read_indicator_measures
    from metrics import available_periods, default_catalog, refresh_snapshots
    from metrics.api import default_period
    from metrics.indicator_import import importable_keys
    from ui.loaders import forget_store_state

    assert not open_app().exception  # the first start builds the database, demo data, scores
    engine = get_engine()
    period = default_period(available_periods(engine))  # the month the dossier opens on
    assert period is not None
    keys = importable_keys(engine, default_catalog())
    stored = read_indicator_measures(engine)
    demo_had_value = bool(
        (
            (stored["unit_code"] == "22015")
            & (stored["indicator_key"] == "online_dossier_pct")
            & (stored["period"] == period)
        ).any()
    )
    batches = []
    # Two corrections of Phường Tuy Hòa's online dossiers for that month: to 63,15 %, then to
    # 64,21 % (the second one's "old" is the first one's "new").
    for figure, when in (
        (63.15, datetime(2026, 12, 9, 8, 5)),
        (64.21, datetime(2026, 12, 10, 14, 30)),
    ):
        row = NewIndicatorValue(
            unit_code="22015",
            indicator_key="online_dossier_pct",
            period=period,
            value=figure,
            source_type="self_reported",
            reported_at=when,
            evidence_ref="BC-15/UBND",
        )
        result = record_indicator_values(
            engine,
            [row],
            known_keys=keys,
            source_name="dieu-chinh.csv",
            imported_by="Trần Thị B",
            reason="Đối chiếu lại với Cổng DVC",
            now=when,
        )
        batches.append(result.batch_id)
    refresh_snapshots(engine, default_catalog())
    forget_store_state()

    at = AppTest.from_file(APP_FILE, default_timeout=120)
    at.session_state[SELECTED_UNIT_KEY] = "22015"
    at.switch_page(DOSSIER).run()
    assert not at.exception
    trail = _revisions_expander(at).dataframe[0].value
    assert list(trail.columns) == [
        "Chỉ số",
        "Giá trị cũ → mới",
        "Minh chứng",
        "Thời điểm điều chỉnh",
        "Người điều chỉnh",
        "Lý do",
        "Lô nhập",
    ]
    newest = trail.iloc[-1]
    assert newest["Chỉ số"] == "Tỷ lệ hồ sơ trực tuyến toàn trình"  # its name, not its key
    assert newest["Giá trị cũ → mới"] == "63,15% → 64,21%"  # every decimal, vi-VN
    assert newest["Thời điểm điều chỉnh"] == "10/12/2026 14:30"
    assert (newest["Người điều chỉnh"], newest["Lý do"]) == (
        "Trần Thị B",
        "Đối chiếu lại với Cổng DVC",
    )
    assert newest["Lô nhập"] == str(batches[-1])
    # The first load revised the demo's value, if it had one; otherwise it was a new value.
    assert len(trail) == (2 if demo_had_value else 1)
    if demo_had_value:
        assert trail.iloc[0]["Giá trị cũ → mới"].endswith(" → 63,15%")

    at = AppTest.from_file(APP_FILE, default_timeout=120)
    at.session_state[SELECTED_UNIT_KEY] = "22045"
    at.switch_page(DOSSIER).run()
    expander = _revisions_expander(at)
    assert not expander.dataframe
    shown = f"tháng {period:%m/%Y}"
    assert [c.value for c in expander.caption] == [
        f"Chưa có số liệu {shown} nào của đơn vị này được điều chỉnh."
    ]


# --- the unit's tasks ------------------------------------------------------------------------

TASK_BUCKETS = [
    "✓ Hoàn thành đúng hạn",
    "◷ Hoàn thành trễ hạn",
    "► Chưa hoàn thành – trong hạn",
    "✕ Chưa hoàn thành – quá hạn",
    "○ Chưa triển khai",
]


def test_the_task_block_agrees_with_the_tasks_page_and_the_score(app_env: Path) -> None:
    at = open_app(DOSSIER, unit="24211")  # Xã Ea Súp, on the newest closed month
    assert not at.exception
    period = at.selectbox(key="period").value
    heading = next(s.value for s in at.subheader if s.value.startswith("Nhiệm vụ của đơn vị"))
    # The month's last day (the month is closed: the dossier opens on the newest closed one).
    month_end = (pd.Timestamp(period) + pd.offsets.MonthEnd(0)).strftime("%d/%m/%Y")
    assert heading == f"Nhiệm vụ của đơn vị (cuối ngày {month_end})"
    block = [m for m in at.metric if m.label in TASK_BUCKETS]
    assert [m.label for m in block] == TASK_BUCKETS
    link = at.get("page_link")[0]
    assert link.proto.page == "tasks"
    assert link.proto.query_string == f"unit=24211&as_of={period:%m}%2F{period:%Y}"

    # The tasks page on the link's filters counts the same five buckets.
    page = open_app("app_pages/tasks.py", unit="24211", as_of=f"{period:%m/%Y}")
    cards = [m for m in page.metric if m.label in TASK_BUCKETS]
    assert [m.value for m in cards] == [m.value for m in block]

    # And the score's overdue count for that month is the block's overdue card.
    indicators = next(d.value for d in at.dataframe if "Giá trị" in d.value.columns)
    overdue = indicators.set_index("Chỉ số").at["Số nhiệm vụ quá hạn chưa hoàn thành", "Giá trị"]
    assert overdue == block[3].value
    # Each overdue task is listed (the demo's border commune has some: the list is not empty).
    overdue_rows = next(d.value for d in at.dataframe if "Số ngày quá hạn" in d.value.columns)
    assert len(overdue_rows) == int(block[3].value) > 0
