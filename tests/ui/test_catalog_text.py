"""Citations as the methodology page writes them (in Vietnamese, the default language):
number, date, issuer, article, what."""

from __future__ import annotations

from datetime import date

from metrics.catalog import Document, Source, Text
from ui.catalog_text import citation, document_name

PLAN = Document(
    id="kh_01",
    short=Text("KH 01-KH/BCĐ", "Plan 01-KH/BCĐ"),
    number="01-KH/BCĐ",
    date=date(2025, 7, 11),
    issuer=Text("Ban Chỉ đạo tỉnh Đắk Lắk", "Đắk Lắk's Steering Committee"),
    title=Text("Kế hoạch", "Plan"),
    verified=True,
    issuer_short=Text("BCĐ tỉnh", "the provincial Steering Committee"),
)
INDEX = Document(
    id="index",
    short=Text("Bộ chỉ số phường, xã 2025", "Ward index 2025"),
    number="",
    date=None,
    issuer=Text("UBND TP. Hồ Chí Minh", "Ho Chi Minh City"),
    title=Text("Bộ chỉ số", "Index"),
    verified=False,
    note=Text("Chưa rõ số, ngày", "Number and date unknown"),
)


def test_a_checked_document_with_article_and_what() -> None:
    source = Source(PLAN, article="mục II.3", what=Text("≥ 3% ngân sách", "≥ 3% of the budget"))
    # The short issuer is used; the article follows the document, then what it supports.
    assert citation(source) == (
        "**KH 01-KH/BCĐ** ngày 11/07/2025 của BCĐ tỉnh, mục II.3: ≥ 3% ngân sách"
    )


def test_no_article_is_written_when_none_is_known() -> None:
    assert citation(Source(PLAN)) == "**KH 01-KH/BCĐ** ngày 11/07/2025 của BCĐ tỉnh"


def test_an_undated_unchecked_document_says_so() -> None:
    # No date to give; the full issuer (no short form); marked as not verified.
    assert document_name(INDEX) == (
        "**Bộ chỉ số phường, xã 2025** của UBND TP. Hồ Chí Minh (chưa kiểm tra được)"
    )
