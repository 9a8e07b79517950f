"""Exports: the CSV and .xlsx bytes parse back, open with a title block saying published or
provisional, keep numbers as numbers in the .xlsx, and never carry a runnable formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
import yaml

from metrics.catalog import Catalog, parse_catalog
from metrics.publication import PublishedBeside
from metrics.scoring import score_period
from tests.metrics.conftest import FIXTURES, JUNE, measures
from ui.export import (
    ExportTable,
    NumberFormat,
    ScoresSource,
    Words,
    csv_bytes,
    figures_line,
    indicator_export,
    scorecard_export,
    xlsx_bytes,
)

OCTOBER = date(2026, 10, 1)
EXPORTED = datetime(2026, 12, 3, 9, 15)
CURRENT = ScoresSource("2026.2", 9, datetime(2026, 12, 1, 8, 0))
EVIL = '=HYPERLINK("http://evil","x")'
VI = Words("vi")


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return sheet


def table_rows(lines: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Headings and rows after the title block and its empty line."""
    blank = lines.index([])
    return lines[blank + 1], lines[blank + 2 :]


def small_table() -> ExportTable:
    frame = pd.DataFrame(
        {
            "Xã, phường": ["Phường Tân An", EVIL],
            "Điểm": [71.24, 1234.5],
            "Độ phủ": [0.8, 0.125],
            "Ngày": [date(2026, 10, 25), None],
        }
    )
    return ExportTable(
        name="Bảng thử",
        lines=("Kỳ đánh giá: tháng 10/2026", "Số liệu tạm tính (chưa công bố)"),
        frame=frame,
        file_stem="bang-thu-2026-10",
        lang="vi",
        exported_label="Xuất lúc",
        formats={"Điểm": NumberFormat(1), "Độ phủ": NumberFormat(1, share=True)},
    )


def test_the_csv_opens_with_its_title_block_and_writes_cells_as_the_page_does() -> None:
    lines = read_csv(csv_bytes(small_table(), EXPORTED))
    assert lines[:4] == [
        ["Bảng thử"],
        ["Kỳ đánh giá: tháng 10/2026"],
        ["Số liệu tạm tính (chưa công bố)"],
        ["Xuất lúc: 09:15 03/12/2026"],
    ]
    headings, rows = table_rows(lines)
    assert headings == ["Xã, phường", "Điểm", "Độ phủ", "Ngày"]
    # One place, Vietnamese separators: 71,24 → "71,2"; 1234,5 → "1.234,5"; shares as
    # percentages: 0,8 → "80,0%", 0,125 → "12,5%"; a missing day is an empty cell.
    assert rows[0] == ["Phường Tân An", "71,2", "80,0%", "25/10/2026"]
    assert rows[1] == ["'" + EVIL, "1.234,5", "12,5%", ""]


def test_the_xlsx_keeps_numbers_as_numbers_and_formula_text_as_text() -> None:
    sheet = read_xlsx(xlsx_bytes(small_table(), EXPORTED))
    assert [sheet.cell(row=r, column=1).value for r in range(1, 5)] == [
        "Bảng thử",
        "Kỳ đánh giá: tháng 10/2026",
        "Số liệu tạm tính (chưa công bố)",
        "Xuất lúc: 09:15 03/12/2026",
    ]
    # Title 4 lines, an empty row, headings on row 6, data from row 7.
    assert [c.value for c in sheet[6]] == ["Xã, phường", "Điểm", "Độ phủ", "Ngày"]
    score, share, day = sheet["B7"], sheet["C7"], sheet["D7"]
    assert score.value == 71.24 and score.data_type == "n" and score.number_format == "#,##0.0"
    assert share.value == 0.8 and share.number_format == "0.0%"
    assert day.value == datetime(2026, 10, 25) and day.number_format == "dd/mm/yyyy"
    assert sheet["A8"].value == "'" + EVIL and sheet["A8"].data_type == "s"
    assert sheet["D8"].value is None
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet.freeze_panes == "A7"


def card() -> pd.DataFrame:
    """Three units as the scorecard holds them: two ranked, one grey (unranked)."""
    return pd.DataFrame(
        {
            "unit_code": ["22015", "22045", "24001"],
            "full_name": ["Phường Buôn Ma Thuột", "Xã Hòa Phú", "Xã Ea Súp"],
            "peer_group": ["phuong", "xa_lowland", "xa_highland"],
            "composite": [64.5, 81.27, 40.0],
            "band": ["red", "green", "grey"],
            "rank_level": [2.0, 1.0, float("nan")],
            "rank_level_of": [2, 2, 2],
            "rank_peer": [1.0, 1.0, float("nan")],
            "rank_peer_of": [1, 1, 0],
            "reported": [8, 9, 5],
            "expected": [10, 10, 10],
            "coverage": [0.8, 0.9, 0.5],
        }
    )


def test_an_unpublished_month_exports_the_provisional_scorecard_and_says_so() -> None:
    table = scorecard_export(card(), OCTOBER, None, CURRENT, VI)
    lines = read_csv(csv_bytes(table, EXPORTED))
    assert lines[0] == ["Bảng điểm chuyển đổi số 3 xã, phường"]
    assert ["Số liệu tạm tính (chưa công bố)"] in lines
    assert ["Bộ chỉ số: phiên bản 2026.2"] in lines
    assert ["Dữ liệu: lần nạp số 9, điểm tính lúc 08:00 01/12/2026"] in lines
    headings, rows = table_rows(lines)
    assert headings[:5] == ["Mã đơn vị", "Xã, phường", "Nhóm so sánh", "Điểm tổng hợp", "Màu"]
    # By rank: Hòa Phú 1st, Buôn Ma Thuột 2nd, the grey unit last and unranked.
    assert [row[0] for row in rows] == ["22045", "22015", "24001"]
    # 81,27 → "81,3"; rank 1 of the 2 ranked units, 1 of 1 in its group; 9 of 10 → 90,0 %.
    assert rows[0][3:10] == ["81,3", "Xanh", "1/2", "1/1", "9", "10", "90,0%"]
    assert rows[2][3:7] == ["40,0", "Xám (thiếu số liệu)", "", ""]
    assert table.file_stem == "bang-diem-2026-10"


def beside() -> PublishedBeside:
    """October published on 5/11/2026: Hòa Phú 80 then (81,27 now: changed), Buôn Ma Thuột
    64,5 then and now, Ea Súp grey then and now."""
    frozen = card().assign(composite=[64.5, 80.0, 40.0])
    units = pd.DataFrame(
        {
            "unit_code": ["22015", "22045", "24001"],
            "composite_published": [64.5, 80.0, 40.0],
            "composite_current": [64.5, 81.27, 40.0],
            "band_published": ["red", "green", "grey"],
            "band_current": ["red", "green", "grey"],
            "changed": [False, True, False],
        }
    )
    return PublishedBeside(
        period=OCTOBER,
        published_at=datetime(2026, 11, 5, 9, 30),
        published_by="Ban Chỉ đạo",
        units=units,
        catalog_version="2026.1",
        catalog_hash="ab" * 32,
        data_version=7,
        scored_at=datetime(2026, 11, 2, 8, 0),
        frozen=frozen,
    )


def test_a_published_month_says_published_with_provisional_columns_beside() -> None:
    table = scorecard_export(card(), OCTOBER, beside(), CURRENT, VI)
    for lines in (
        read_csv(csv_bytes(table, EXPORTED)),
        [[c.value] for c in read_xlsx(xlsx_bytes(table, EXPORTED))["A"][:7]],
    ):
        assert [
            "Số liệu: công bố ngày 05/11/2026; các cột “tạm tính” theo số liệu mới, để đối chiếu"
        ] in lines
        assert ["Bộ chỉ số: phiên bản 2026.1"] in lines  # the published catalog
        assert ["Dữ liệu: lần nạp số 7, điểm tính lúc 08:00 02/11/2026"] in lines
        assert [
            "Cột tạm tính: bộ chỉ số phiên bản 2026.2, lần nạp số 9, điểm tính lúc 08:00 01/12/2026"
        ] in lines
    headings, rows = table_rows(read_csv(csv_bytes(table, EXPORTED)))
    published = headings.index("Điểm tổng hợp (công bố)")
    provisional = headings.index("Điểm tổng hợp (tạm tính)")
    changed = headings.index("Số liệu mới làm thay đổi")
    by_code = {row[0]: row for row in rows}
    assert (by_code["22045"][published], by_code["22045"][provisional]) == ("80,0", "81,3")
    assert [by_code[c][changed] for c in ("22045", "22015", "24001")] == ["Có", "", ""]
    sheet = read_xlsx(xlsx_bytes(table, EXPORTED))
    heading_row = next(r for r in range(1, 12) if sheet.cell(row=r, column=1).value == "Mã đơn vị")
    first = sheet.cell(row=heading_row + 1, column=published + 1)
    assert first.value == 80.0 and first.data_type == "n"  # Hòa Phú, first by published rank


def test_an_english_reader_gets_english_headings_and_separators() -> None:
    # The language travels with the table (the file is built off the page's thread).
    table = scorecard_export(card(), OCTOBER, None, CURRENT, Words("en"))
    lines = read_csv(csv_bytes(table, EXPORTED))
    assert ["Provisional figures (not published)"] in lines
    headings, rows = table_rows(lines)
    assert headings[3:5] == ["Composite", "Band"]
    assert rows[0][3:5] == ["81.3", "Green"] and rows[0][9] == "90.0%"


def test_figures_lines_name_published_and_provisional() -> None:
    assert figures_line(None, VI, published=False) == "Số liệu tạm tính (chưa công bố)"
    assert figures_line(beside(), VI, published=True) == "Số liệu: công bố ngày 05/11/2026"
    assert figures_line(beside(), VI, published=False) == (
        "Số liệu tạm tính theo số liệu mới (kỳ này đã công bố ngày 05/11/2026)"
    )


@pytest.fixture
def plan_needs_evidence_indicators() -> tuple[pd.DataFrame, Catalog]:
    data = yaml.safe_load((FIXTURES / "small_catalog.yaml").read_text(encoding="utf-8"))
    for raw in data["indicators"]:
        raw["evidence_required"] = raw["key"] == "plan"
    catalog = parse_catalog(data)
    values = measures([("A", "plan", 1), ("A", "online", 60)]).assign(evidence_ref=[None, EVIL])
    return score_period(values, catalog, ["A"], JUNE).indicators, catalog


def test_the_indicator_export_says_missing_evidence_and_neutralises_references(
    plan_needs_evidence_indicators: tuple[pd.DataFrame, Catalog],
) -> None:
    indicators, catalog = plan_needs_evidence_indicators
    table = indicator_export(
        indicators,
        catalog,
        VI,
        unit_name="Xã Ea Súp",
        code="24001",
        period=JUNE,
        figures=figures_line(beside(), VI, published=True),
        source=ScoresSource("test-1", 3, datetime(2026, 7, 6, 7, 0)),
    )
    lines = read_csv(csv_bytes(table, EXPORTED))
    assert lines[0] == ["Các chỉ số của Xã Ea Súp (mã 24001)"]
    assert ["Số liệu: công bố ngày 05/11/2026"] in lines
    headings, rows = table_rows(lines)
    by_name = {row[0]: dict(zip(headings, row, strict=True)) for row in rows}
    plan, online = by_name["Kế hoạch"], by_name["Hồ sơ trực tuyến"]
    assert plan["Tình trạng"] == "Thiếu minh chứng (không tính điểm)"
    assert plan["Giá trị"] == "Có" and plan["Điểm đạt"] == ""  # shown, not scored
    # online 60 of target 80 (ratio, 3 points): 3 × 60/80 = 2,25 points; percent, one place.
    assert (online["Giá trị"], online["Mục tiêu"], online["Điểm đạt"]) == ("60,0%", "80,0%", "2,25")
    assert online["Tài liệu kiểm chứng"] == "'" + EVIL
    sheet = read_xlsx(xlsx_bytes(table, EXPORTED))
    online_row = next(row for row in sheet.iter_rows() if row[0].value == "Hồ sơ trực tuyến")
    cell = online_row[3]  # the value column: a number shown with one place and "%"
    assert cell.value == 60.0 and cell.number_format == '#,##0.0"%"'


def test_only_the_filters_that_are_set_go_in_the_title_block() -> None:
    from ui.export import Words, chosen_filter_pairs

    words = Words("vi")
    chosen = (
        ("tasks.filter.unit", "22015", {"22015": "Phường Tuy Hòa"}),
        ("tasks.filter.pillar", None, {}),  # not set: left out
        ("tasks.filter.status", "unknown-code", {"done": "Hoàn thành"}),  # no label: as given
    )
    assert chosen_filter_pairs(chosen, words) == [
        (words.t("tasks.filter.unit"), "Phường Tuy Hòa"),
        (words.t("tasks.filter.status"), "unknown-code"),
    ]
