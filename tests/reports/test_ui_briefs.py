"""The download buttons: the dossier's "Tải bản tin PDF" and the exports tab (AppTest)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.conftest import app_database, app_env, open_app  # noqa: F401 (fixtures)

DOSSIER = "app_pages/dossier.py"


def labels(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def test_the_dossier_offers_the_units_brief(app_env: Path) -> None:  # noqa: F811
    at = open_app(DOSSIER, unit="24505")
    assert not at.exception
    assert "Tải bản tin PDF" in labels(at)


def _exports_tab() -> None:
    from ui.briefs import show_exports

    show_exports()


def test_the_exports_tab_offers_brief_pack_and_charts(app_env: Path) -> None:  # noqa: F811
    open_app()  # the frame prepares the database (demo data on first use)
    at = AppTest.from_function(_exports_tab, default_timeout=120).run()
    assert not at.exception
    assert labels(at) == [
        "Tải bản tin PDF",
        "Tải biểu đồ trụ cột (PNG)",
        "Tải báo cáo toàn tỉnh (PDF)",
        "Tải báo cáo toàn tỉnh (PowerPoint)",
        "Tải bản đồ nhiệt (PNG)",
        "Tải biểu đồ 5G so với lộ trình (PNG)",
    ]
    assert at.selectbox(key="exports_unit").value


def test_the_buttons_builders_make_a_pdf_and_pngs(app_env: Path) -> None:  # noqa: F811
    # What a click runs (the download's own thread calls these with the page run's keys).
    from reports.pack import PackFilters
    from ui.briefs import (
        _brief,
        _coverage_png,
        _filters_key,
        _heat_map_png,
        _pack,
        _pack_pptx,
        _store_key,
    )
    from ui.loaders import load_periods

    open_app()
    store, period = _store_key(), load_periods()[-1]
    assert _brief(store, "24505", period, "vi").startswith(b"%PDF")
    filters = _filters_key(PackFilters(period, peer_group="phuong"))
    assert _pack(store, None, filters, "en").startswith(b"%PDF")
    assert _pack_pptx(store, None, filters, "en").startswith(b"PK")  # a zip: the .pptx
    assert _heat_map_png(store, None, period, None, "vi").startswith(b"\x89PNG")
    assert _coverage_png(store, period, None, None, "vi").startswith(b"\x89PNG")
