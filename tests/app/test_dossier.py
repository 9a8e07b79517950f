"""The dossier is driven by the app-owned selected-unit key and by the URL."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP_FILE, open_app
from ui.selection import SELECTED_UNIT_KEY

DOSSIER = "app_pages/dossier.py"


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
    assert len(indicators) == 36  # every catalog indicator, reported or not
    assert any("Để lên mức tiếp theo" in md.value for md in at.markdown)
