"""The province pack: four landscape pages, each with its title, the filters and the data-as-of."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine

from data.registry import load_units
from geo.tiles import tile_layout
from reports.pack import PackFilters, pack_file_name, province_pack_pdf
from tests.reports.conftest import OCTOBER, pdf_pages, pdf_text, require_poppler, to_pngs

NOW = datetime(2026, 12, 3, 10, 15)
TITLES = (
    "Bản đồ nhiệt chuyển đổi số 102 xã, phường · tháng 10/2026",
    "Tiến độ nhiệm vụ Kế hoạch 01-KH/BCĐ · tháng 10/2026",
    "Phản ánh, kiến nghị của người dân · tháng 10/2026",
    "Hạ tầng số: 5G tại trung tâm xã, phường · tháng 10/2026",
)


@pytest.fixture(autouse=True)
def _poppler() -> None:
    require_poppler()


def flat(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def pack(engine: Engine, tmp_path: Path, filters: PackFilters, lang: str = "vi", **kw) -> Path:
    pdf = tmp_path / f"pack-{lang}.pdf"
    pdf.write_bytes(province_pack_pdf(engine, filters, lang, now=NOW, **kw))
    return pdf


def test_four_landscape_pages_each_with_its_title_filters_and_data_as_of(
    demo_engine: Engine, tmp_path: Path
) -> None:
    filters = PackFilters(period=OCTOBER, peer_group="phuong", operator="VNPT")
    pdf = pack(demo_engine, tmp_path, filters)
    assert pdf_pages(pdf) == 4
    for png in to_pngs(pdf, dpi=30):
        with Image.open(png) as image:
            assert image.size[0] / image.size[1] == pytest.approx(297 / 210, rel=0.01)
    for page, title in enumerate(TITLES, start=1):
        text = flat(pdf_text(pdf, page))
        assert title in text, page
        assert "Bộ lọc: Kỳ: tháng 10/2026" in text, page
        assert "Số liệu đến ngày 31/10/2026" in text, page
        assert f"Trang {page}/4" in text, page
    map_page, tasks_page, _, infra_page = (flat(pdf_text(pdf, p)) for p in range(1, 5))
    # Each page says which of the chosen filters it applies.
    assert "Nhóm đơn vị: Phường" in map_page
    assert "Doanh nghiệp viễn thông: VNPT (không áp dụng ở trang này)" in map_page
    assert "Nhóm đơn vị: Phường · Doanh nghiệp viễn thông: VNPT" in infra_page
    assert "Sở, ngành chủ trì: tất cả" in tasks_page
    assert "Nhóm đơn vị: Phường (không áp dụng ở trang này)" in tasks_page
    # The heat map counts the chosen group: the registry's 14 wards.
    assert "Số đơn vị theo mức (14 đơn vị)" in map_page
    assert "Sơ đồ ô" in map_page  # no boundaries given: the tile map
    assert "Tình trạng đến hết ngày 31/10/2026" in tasks_page
    assert "Sẽ không kịp 5G năm 2030" in infra_page


def test_no_filter_chosen_reads_all(demo_engine: Engine, tmp_path: Path) -> None:
    pdf = pack(demo_engine, tmp_path, PackFilters(period=OCTOBER))
    text = flat(pdf_text(pdf, 1))
    assert "Bộ lọc: Kỳ: tháng 10/2026 · Nhóm đơn vị: tất cả" in text
    assert "không áp dụng" not in text
    assert "Số đơn vị theo mức (102 đơn vị)" in text


def square_boundaries() -> dict:
    """A square per unit on the tile grid, in degrees near the province: enough geometry to
    draw the boundary map the way the app's boundaries would be drawn."""
    features = []
    for cell in tile_layout(load_units()).itertuples(index=False):
        x, y = 107.5 + 0.1 * cell.col, 13.5 - 0.1 * cell.row
        ring = [[x, y], [x + 0.1, y], [x + 0.1, y - 0.1], [x, y - 0.1], [x, y]]
        features.append(
            {
                "type": "Feature",
                "id": cell.code,
                "properties": {"code": cell.code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def test_with_boundaries_the_map_is_drawn_from_them(demo_engine: Engine, tmp_path: Path) -> None:
    pdf = pack(demo_engine, tmp_path, PackFilters(period=OCTOBER), geojson=square_boundaries())
    assert pdf_pages(pdf) == 4
    assert "Ranh giới xã, phường theo tệp ranh giới" in flat(pdf_text(pdf, 1))


def test_the_english_pack(demo_engine: Engine, tmp_path: Path) -> None:
    pdf = pack(demo_engine, tmp_path, PackFilters(period=OCTOBER, operator="VNPT"), "en")
    assert pdf_pages(pdf) == 4
    first, last = flat(pdf_text(pdf, 1)), flat(pdf_text(pdf, 4))
    assert "Filters: Month: 10/2026" in first and "Data as of 31/10/2026" in first
    assert "Operator: VNPT (not used on this page)" in first
    assert "Operator: VNPT" in last and "not used" not in last
    assert "Page 4 of 4" in last


def test_the_file_name() -> None:
    assert pack_file_name(OCTOBER) == "bao-cao-toan-tinh-2026-10.pdf"
