"""The one-page brief, read back the way a person gets it: rendered to PNG and its text extracted
(poppler's pdftoppm and pdftotext), on a demo database with one unit's score pinned by hand."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sqlalchemy import Engine

from metrics import default_catalog, scorecard
from metrics.task_board import UnitTaskBlock
from reports.brief import brief_file_name, render_brief, unit_brief_pdf
from reports.facts import judged_day, unit_facts
from reports.text import Words
from tests.reports.conftest import (
    OCTOBER,
    PINNED,
    pdf_pages,
    pdf_text,
    require_poppler,
    to_pngs,
)
from ui.tasks import as_of_for_period

NOW = datetime(2026, 12, 3, 10, 15)
A4_RATIO = 297 / 210
# The band fills of geo.palette (green, yellow, red): a grey unit's score area holds none.
BAND_FILLS = {"green": (46, 157, 91), "yellow": (242, 194, 50), "red": (217, 69, 59)}


@pytest.fixture(autouse=True)
def _poppler() -> None:
    require_poppler()


def brief(engine: Engine, tmp_path: Path, code: str, lang: str = "vi") -> Path:
    pdf = tmp_path / f"brief-{code}-{lang}.pdf"
    pdf.write_bytes(unit_brief_pdf(engine, code, OCTOBER, lang, now=NOW))
    return pdf


def flat(text: str) -> str:
    """pdftotext's layout spaces collapsed, NFC (how the names are compared)."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def colour_share(png: Path, rgb: tuple[int, int, int], top_share: float = 1.0) -> float:
    """The share of pixels within a small distance of ``rgb`` in the top ``top_share`` of the
    page (anti-aliasing blurs edges, not fills)."""
    with Image.open(png) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=int)
    area = pixels[: int(len(pixels) * top_share)]
    near = np.abs(area - np.array(rgb)).sum(axis=2) < 30
    return float(near.mean())


def test_the_brief_of_ea_knuec_is_one_a4_page_with_its_name_score_and_date(
    demo_engine: Engine, tmp_path: Path
) -> None:
    pdf = brief(demo_engine, tmp_path, PINNED)
    assert pdf_pages(pdf) == 1
    [png] = to_pngs(pdf)
    with Image.open(png) as image:
        width, height = image.size
        assert height / width == pytest.approx(A4_RATIO, rel=0.01)  # portrait A4
        # Not blank: a page of text, a title bar and charts darkens well over a tenth of it.
        dark = (np.asarray(image.convert("L")) < 200).mean()
        assert dark > 0.08

    text = flat(pdf_text(pdf))
    assert "Xã Ea Knuếc" in text  # ế survives: the font has it and the text layer maps it back
    assert "72,4" in text  # the pinned composite 72.44, written the Vietnamese way
    assert "+2,4" in text  # the change on September, 2.44
    assert "Vàng" in text  # 72.44 is yellow (65 ≤ score < 80)
    # Data as of the month's last day: the data run to 15/11/2026, October is over.
    assert "Số liệu đến ngày 31/10/2026" in text
    assert f"Bộ chỉ số: phiên bản {default_catalog().version}" in text
    assert "Mã ĐVHC 24505" in text
    assert "Trang 1/1" in text
    assert "03/12/2026" in text  # the footer's generation time
    # The pinned unit is yellow: its band colour is on the page.
    assert colour_share(png, BAND_FILLS["yellow"], top_share=0.3) > 0.005


def test_the_other_names_keep_their_diacritics(demo_engine: Engine, tmp_path: Path) -> None:
    for code, name in (("24133", "Phường Buôn Ma Thuột"), ("24310", "Xã Krông Búk")):
        assert name in flat(pdf_text(brief(demo_engine, tmp_path, code)))


def grey_unit(engine: Engine) -> pd.Series:
    card = scorecard(engine, OCTOBER)
    return card[card["band"] == "grey"].iloc[0]


def test_a_grey_unit_says_it_lacks_data_and_shows_no_score_or_colour(
    demo_engine: Engine, tmp_path: Path
) -> None:
    unit = grey_unit(demo_engine)
    pdf = brief(demo_engine, tmp_path, str(unit["unit_code"]))
    assert pdf_pages(pdf) == 1
    text = flat(pdf_text(pdf))
    assert unicodedata.normalize("NFC", str(unit["full_name"])) in text
    assert "Chưa đủ số liệu để chấm điểm tháng này" in text
    assert "? Xám" in text  # the band's symbol and word (its reason wraps in the patch)
    reported, expected = int(unit["reported"]), int(unit["expected"])
    assert f"{reported}/{expected}" in text
    # Its stored composite is not printed, in either rounding.
    composite = float(unit["composite"])
    for shown in (f"{composite:.1f}", f"{composite:.2f}"):
        assert shown.replace(".", ",") not in text
    assert "Điểm tổng hợp" not in text and "Xếp hạng toàn tỉnh" not in text
    # No band colour in the score area and the body above the task cards (whose stripes use
    # the task report colours lower down).
    [png] = to_pngs(pdf)
    for band, rgb in BAND_FILLS.items():
        assert colour_share(png, rgb, top_share=0.5) < 0.0005, band


def test_the_english_brief(demo_engine: Engine, tmp_path: Path) -> None:
    pdf = brief(demo_engine, tmp_path, PINNED, "en")
    assert pdf_pages(pdf) == 1
    text = flat(pdf_text(pdf))
    assert "Xã Ea Knuếc" in text  # names are not translated
    assert "Composite score" in text and "72.4" in text and "+2.4" in text
    assert "Data as of 31/10/2026" in text  # day-first in English too
    assert "Yellow" in text
    assert "Page 1 of 1" in text


def test_long_lists_are_cut_and_the_brief_stays_on_one_page(
    demo_engine: Engine, tmp_path: Path
) -> None:
    facts = unit_facts(demo_engine, PINNED, OCTOBER)
    task = facts.tasks.overdue.head(1) if not facts.tasks.overdue.empty else None
    assert task is not None, "the demo unit has an overdue task to copy"
    long_title = "Nhiệm vụ có tên rất dài " * 8
    overdue = pd.concat([task.assign(title_vi=long_title)] * 30, ignore_index=True)
    crowded = dataclasses.replace(
        facts,
        tasks=UnitTaskBlock(
            buckets=facts.tasks.buckets, overdue=overdue, escalations=overdue.head(5)
        ),
    )
    pdf = tmp_path / "crowded.pdf"
    pdf.write_bytes(render_brief(crowded, Words("vi"), NOW))
    assert pdf_pages(pdf) == 1
    text = flat(pdf_text(pdf))
    assert "Nhiệm vụ quá hạn (30)" in text
    assert "và 27 mục khác" in text  # 3 rows shown of 30
    assert "Phương pháp và nguồn số liệu" in text  # the method still on the page, below


def test_the_day_judged_is_the_dossiers() -> None:
    # The brief may not import ui; it repeats the dossier's rule, and this holds them together.
    class Span:
        def __init__(self, last_day: date) -> None:
            self.first_day, self.last_day = date(2025, 7, 1), last_day

    for period, last_day in (
        (date(2026, 10, 1), date(2026, 11, 15)),  # a closed month: its last day
        (date(2026, 11, 1), date(2026, 11, 15)),  # the running month: the newest day
        (date(2026, 11, 1), date(2026, 11, 30)),  # the last day itself
    ):
        expected, _ = as_of_for_period(period, Span(last_day))  # type: ignore[arg-type]
        assert judged_day(period, last_day) == expected


def test_the_file_name_is_plain_ascii() -> None:
    assert brief_file_name("24505", date(2026, 11, 1)) == "ban-tin-24505-2026-11.pdf"
