"""Arial's advance widths: how much text fits a slide's box without the font at hand."""

from __future__ import annotations

import pytest

from reports.arial import fit_lines, text_width, wrap


def test_widths_are_arials_advances() -> None:
    # H 722 + e 556 + l 222 + l 222 + o 556 = 2278 thousandths of an em; 10 pt = 10/72 in.
    assert text_width("Hello", 10) == pytest.approx(2.278 * 10 / 72)
    # Bold: H 722 + e 556 + l 278 + l 278 + o 611 = 2445.
    assert text_width("Hello", 10, bold=True) == pytest.approx(2.445 * 10 / 72)


def test_a_vietnamese_letter_is_as_wide_as_its_base_letter() -> None:
    assert text_width("ế", 12) == text_width("e", 12)
    assert text_width("Ea Knuếc", 12) == text_width("Ea Knuec", 12)
    assert text_width("đ", 12) == text_width("d", 12)  # both 556
    decomposed = "e\u0302\u0301"  # ế as e + two combining marks: written NFC first
    assert text_width(decomposed, 12) == text_width("e", 12)


def test_wrap_breaks_at_spaces_like_powerpoint() -> None:
    # "aaaa" is 4 × 556 = 2224 thousandths: at 72 pt that is 2.224 in, a space 0.278 in.
    assert wrap("aaaa aaaa", 4.8, 72) == ["aaaa aaaa"]  # 2.224 + 0.278 + 2.224 = 4.726
    assert wrap("aaaa aaaa", 4.7, 72) == ["aaaa", "aaaa"]
    assert wrap("", 1.0, 12) == [""]


def test_fit_keeps_what_fits_and_cuts_the_rest_with_an_ellipsis() -> None:
    assert fit_lines("aaaa aaaa", 4.8, 72) == "aaaa aaaa"
    cut = fit_lines("aaaa aaaa", 4.7, 72)
    assert cut.endswith("…") and text_width(cut, 72) <= 4.7
    assert fit_lines("aaaa aaaa", 4.7, 72, lines=2) == "aaaa aaaa"
