"""The province pack as PowerPoint: read back with python-pptx, against the PDF pack's facts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Inches, Pt
from sqlalchemy import Engine

from metrics.feedback_board import feedback_filter_options
from metrics.task_board import task_filter_options
from reports.pack import PackFilters, province_pack_pdf
from reports.pack_content import Card, feedback_section, infra_section, pack_data, tasks_section
from reports.pack_pptx import PPTX_MIME, _cards, pack_pptx_file_name, province_pack_pptx
from reports.pack_pptx import Deck as SlideBuilder
from reports.text import Words
from tests.reports.conftest import OCTOBER, pdf_text, require_poppler
from tests.reports.test_pack import TITLES, square_boundaries

NOW = datetime(2026, 12, 3, 10, 15)
PACK_TITLE = "Báo cáo tổng hợp chuyển đổi số cấp xã · tháng 10/2026"
WARDS = PackFilters(period=OCTOBER, peer_group="phuong", operator="VNPT")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def deck(engine: Engine, filters: PackFilters, lang: str = "vi", **kw) -> Deck:
    return Presentation(io.BytesIO(province_pack_pptx(engine, filters, lang, now=NOW, **kw)))


@pytest.fixture(scope="module")
def wards(demo_engine: Engine) -> Deck:
    return deck(demo_engine, WARDS)


def texts(slide: Slide) -> list[str]:
    """Every text box's text on ``slide`` (tables apart), in the order they were added."""
    return [nfc(s.text_frame.text) for s in slide.shapes if s.has_text_frame and s.text_frame.text]


def tables(slide: Slide) -> list[list[list[str]]]:
    return [
        [[nfc(cell.text) for cell in row.cells] for row in shape.table.rows]
        for shape in slide.shapes
        if shape.has_table
    ]


def runs(presentation: Deck) -> Iterator[tuple[Slide, object]]:
    for slide in presentation.slides:
        for shape in slide.shapes:
            frames = []
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
            for frame in frames:
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        yield slide, run


def test_a_title_slide_and_four_subject_slides_on_16_9(wards: Deck) -> None:
    assert wards.slide_width / wards.slide_height == pytest.approx(16 / 9, rel=0.001)
    slides = list(wards.slides)
    assert len(slides) == 5
    assert [nfc(s.shapes.title.text) for s in slides] == [PACK_TITLE, *TITLES]
    first = texts(slides[0])
    assert any(t.startswith("BAN CHỈ ĐẠO VỀ PHÁT TRIỂN KHOA HỌC") for t in first)
    assert "Số liệu đến ngày 31/10/2026" in first
    # The title slide lists every filter of the pack, chosen or not.
    body = " | ".join(first)
    assert "Kỳ: tháng 10/2026" in body
    assert "Nhóm đơn vị: Phường" in body and "Doanh nghiệp viễn thông: VNPT" in body
    assert "Sở, ngành chủ trì: tất cả" in body and "Nhóm lĩnh vực phản ánh: tất cả" in body
    assert "không áp dụng" not in body
    for number, slide in enumerate(slides, start=1):
        assert f"Trang {number}/5" in texts(slide), number
        assert any("Tạo lúc 10:15 03/12/2026" in t for t in texts(slide)), number


def test_each_subject_slide_has_its_filters_line_and_data_as_of(wards: Deck) -> None:
    _title, heat, tasks, _feedback, infra = (texts(s) for s in wards.slides)
    for slide in list(wards.slides)[1:]:
        lines = [t for t in texts(slide) if t.startswith("Bộ lọc: Kỳ: tháng 10/2026")]
        assert len(lines) == 1
        assert "Số liệu đến ngày 31/10/2026" in texts(slide)
    line = {
        name: next(t for t in s if t.startswith("Bộ lọc:"))
        for name, s in (("map", heat), ("tasks", tasks), ("infra", infra))
    }
    assert line["map"] == (
        "Bộ lọc: Kỳ: tháng 10/2026 · Nhóm đơn vị: Phường · "
        "Doanh nghiệp viễn thông: VNPT (không áp dụng ở trang này)"
    )
    assert "Nhóm đơn vị: Phường · Doanh nghiệp viễn thông: VNPT" in line["infra"]
    assert "không áp dụng" not in line["infra"]
    assert "Sở, ngành chủ trì: tất cả" in line["tasks"]
    assert "Nhóm đơn vị: Phường (không áp dụng ở trang này)" in line["tasks"]
    assert "Tình trạng đến hết ngày 31/10/2026" in tasks
    assert any(t.startswith("Sẽ không kịp 5G năm 2030") for t in infra)


def test_the_band_counts_are_a_native_table_of_the_chosen_group(wards: Deck) -> None:
    heat = list(wards.slides)[1]
    assert "Số đơn vị theo mức (14 đơn vị)" in texts(heat)  # the registry's 14 wards
    assert "Sơ đồ ô" in " ".join(texts(heat))  # no boundaries given: the tile map
    assert sum(1 for s in heat.shapes if s.shape_type == 13) == 1  # the map, a picture
    bands = tables(heat)[0]
    assert [row[0] for row in bands] == ["✓ Xanh", "! Vàng", "✕ Đỏ", "? Xám (thiếu số liệu)"]
    assert sum(int(row[1]) for row in bands) == 14
    assert all(re.fullmatch(r"\d{1,3}%", row[2]) for row in bands)
    median = next(t for t in texts(heat) if t.startswith("Trung vị điểm tổng hợp"))
    assert re.search(r": \d{2},\d$", median)  # 72,4: a decimal comma in Vietnamese


def test_the_slides_lists_are_the_facts_the_pdf_prints(
    demo_engine: Engine, wards: Deck, tmp_path: Path
) -> None:
    # Both files lay out reports.pack_content: each slide's list is the first rows of the
    # PDF page's, cell for cell ("…" where a slide cuts a long text).
    data = pack_data(demo_engine, WARDS, Words("vi"))
    words = Words("vi")
    facts = {
        2: tasks_section(data, words, 5).table,
        3: feedback_section(data, words, 5).table,
        4: infra_section(data, words, 5).table,
    }
    slides = list(wards.slides)
    for index, table in facts.items():
        shown = tables(slides[index])
        if table is None:
            assert len(shown) == 1, index  # the cards alone
            continue
        header, *rows = shown[1]
        assert header == [text for text, _align in table.headers], index
        assert 1 <= len(rows) <= min(5, table.total), index
        for got, want in zip(rows, table.rows, strict=False):
            for cell, fact in zip(got, want, strict=True):
                assert cell == fact or (cell.endswith("…") and fact.startswith(cell[:-1])), index
    require_poppler()
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(province_pack_pdf(demo_engine, WARDS, "vi", now=NOW))
    task_page = nfc(pdf_text(pdf, 2))
    overdue = tables(slides[2])[1][1:] if facts[2] is not None else []
    for row in overdue:
        assert f"{row[0]} " in task_page and row[5] in task_page and row[6] in task_page


def test_the_task_list_in_vietnamese_formats(wards: Deck) -> None:
    cards, *lists = tables(list(wards.slides)[2])
    assert cards[0][:2] == ["Hoàn thành đúng hạn", "Hoàn thành trễ hạn"]
    # Counts with a dot between thousands (1.772), shares with a decimal comma (10,0%).
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", value) for value in cards[1][:5])
    assert re.fullmatch(r"trong \d{1,3}(\.\d{3})* nhiệm vụ đã đến hạn", cards[2][5])
    assert re.fullmatch(r"\d{1,3}(,\d)?%|–", cards[1][5])  # the overdue share: 12,5%
    if not lists:
        return
    header, *rows = lists[0]
    assert header == [
        "Mã",
        "Nhiệm vụ",
        "Xã, phường",
        "Chủ trì",
        "Người chịu trách nhiệm",
        "Hạn",
        "Quá hạn",
    ]
    for row in rows:
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", row[5])
        assert re.fullmatch(r"[\d.]+ ngày", row[6])
    days = [int(row[6].split()[0].replace(".", "")) for row in rows]
    assert days == sorted(days, reverse=True)  # the longest overdue first


def test_every_run_is_arial_and_big_enough_for_a_projector(wards: Deck) -> None:
    for _slide, run in runs(wards):
        assert run.font.name == "Arial", run.text
        assert run.font.size >= Pt(14), run.text
    for slide in wards.slides:
        title = slide.shapes.title.text_frame.paragraphs[0].runs[0]
        assert title.font.size >= Pt(28)
        assert slide.shapes.title.top < Inches(2.6)
    # Spelling is checked in Vietnamese, and the file says what it is.
    assert {run.font.language_id for _slide, run in runs(wards)} == {MSO_LANGUAGE_ID.VIETNAMESE}
    assert wards.core_properties.title == PACK_TITLE
    assert wards.core_properties.language == "vi-VN"


def test_with_boundaries_the_map_is_drawn_from_them(demo_engine: Engine) -> None:
    pack = deck(demo_engine, PackFilters(period=OCTOBER), geojson=square_boundaries())
    heat = list(pack.slides)[1]
    assert "Ranh giới xã, phường theo tệp ranh giới" in " ".join(texts(heat))
    assert "Số đơn vị theo mức (102 đơn vị)" in texts(heat)


def test_the_english_pack(demo_engine: Engine) -> None:
    pack = deck(demo_engine, PackFilters(period=OCTOBER, operator="VNPT"), "en")
    slides = list(pack.slides)
    assert len(slides) == 5
    assert nfc(slides[0].shapes.title.text) == "Commune digital transformation report · 10/2026"
    assert nfc(slides[1].shapes.title.text).startswith("Digital transformation heat map")
    heat, infra = texts(slides[1]), texts(slides[4])
    assert "Data as of 31/10/2026" in heat
    assert any(t.startswith("Filters: Month: 10/2026") for t in heat)
    assert any("Operator: VNPT (not used on this page)" in t for t in heat)
    assert not any("not used" in t for t in infra)
    assert "Page 5 of 5" in infra
    median = next(t for t in heat if t.startswith("Median composite"))
    assert re.search(r": \d{2}\.\d$", median)  # 72.4 in English
    cards = tables(slides[2])[0]
    assert re.fullmatch(r"of \d{1,3}(,\d{3})* tasks due", cards[2][5])  # 2,881: a comma
    assert re.fullmatch(r"\d{1,3}(\.\d)?%|–", cards[1][5])


def test_the_file_name_and_type() -> None:
    assert pack_pptx_file_name(OCTOBER) == "bao-cao-toan-tinh-2026-10.pptx"
    assert PPTX_MIME.endswith("presentationml.presentation")


def test_libreoffice_opens_it(demo_engine: Engine, tmp_path: Path) -> None:
    # Optional: only where LibreOffice happens to be installed.
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed")
    source = tmp_path / "pack.pptx"
    source.write_bytes(province_pack_pptx(demo_engine, WARDS, "vi", now=NOW))
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "pack.pdf").stat().st_size > 0


def test_the_title_bar_lies_under_the_title(wards: Deck) -> None:
    # Shapes are drawn in order: the bar must come before the title placeholder.
    for slide in wards.slides:
        shapes = list(slide.shapes)
        title = next(i for i, s in enumerate(shapes) if s.is_placeholder)
        bar = next(i for i, s in enumerate(shapes) if s.shape_type == 1 and s.top == 0)
        assert bar < title


def boxes(slide: Slide) -> list[tuple[str, float, float, float, float]]:
    """Text, tables and pictures (not the plain rectangles under them), in inches."""
    inch = 914400
    return [
        (s.name, s.left / inch, s.top / inch, (s.left + s.width) / inch, (s.top + s.height) / inch)
        for s in slide.shapes
        if (s.has_text_frame and s.text_frame.text) or s.has_table or s.shape_type == 13
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_nothing_overlaps_or_leaves_the_slide(demo_engine: Engine, lang: str) -> None:
    # Every filter chosen: the longest filter lines there are.
    department = str(task_filter_options(demo_engine).departments["code"].iloc[0])
    group = list(feedback_filter_options(demo_engine).groups)[-1]
    filters = PackFilters(OCTOBER, "xa_highland", department, group, "Viettel")
    pack = deck(demo_engine, filters, lang)
    width, height = pack.slide_width / 914400, pack.slide_height / 914400
    for number, slide in enumerate(pack.slides, start=1):
        shapes = boxes(slide)
        for name, left, top, right, bottom in shapes:
            assert left >= 0 and top >= 0 and right <= width and bottom <= height, (number, name)
        for index, (a, *first) in enumerate(shapes):
            for b, *second in shapes[index + 1 :]:
                across = min(first[2], second[2]) - max(first[0], second[0])
                down = min(first[3], second[3]) - max(first[1], second[1])
                assert across <= 0.01 or down <= 0.01, (number, a, b)


def test_a_headline_figure_too_wide_for_its_card_is_shown_whole() -> None:
    """ "1.138/1.448" (sites on air of all sites) has no space to wrap at: in a card of a
    seven-card row it is set smaller rather than cut to "1.138/1.…"; a short one keeps 24 pt."""
    built = SlideBuilder(Words("vi"))
    slide = built.slide()
    cards = [Card(f"Thẻ {n}", "12") for n in range(6)] + [Card("Trạm", "1.138/1.448")]
    _cards(built, slide, cards, 1.5)
    table = next(shape.table for shape in slide.shapes if shape.has_table)
    value_row = table.rows[1].cells
    assert value_row[6].text == "1.138/1.448"
    assert value_row[6].text_frame.paragraphs[0].runs[0].font.size.pt == 18
    assert value_row[0].text_frame.paragraphs[0].runs[0].font.size.pt == 24
