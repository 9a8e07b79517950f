"""vi-VN and English number and date formats, worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

from i18n.formats import (
    format_date,
    format_datetime,
    format_month,
    format_number,
    format_percent,
)


def test_vietnamese_numbers_use_dot_thousands_and_comma_decimals() -> None:
    assert format_number(1234.5, "vi", 1) == "1.234,5"
    assert format_number(3346853, "vi") == "3.346.853"
    assert format_number(18096.37, "vi", 1) == "18.096,4"
    assert format_number(-0.25, "vi", 2) == "-0,25"


def test_english_numbers_use_comma_thousands_and_dot_decimals() -> None:
    assert format_number(1234.5, "en", 1) == "1,234.5"
    assert format_number(3346853, "en") == "3,346,853"


def test_missing_values_show_a_dash() -> None:
    assert format_number(None, "vi") == "–"
    assert format_number(float("nan"), "en", 2) == "–"
    assert format_percent(None, "vi") == "–"


def test_percent() -> None:
    assert format_percent(45.26, "vi") == "45,3%"
    assert format_percent(99.0, "en", 0) == "99%"


def test_dates_are_day_first_in_both_languages() -> None:
    assert format_date(date(2026, 2, 3), "vi") == "03/02/2026"
    assert format_date(date(2026, 2, 3), "en") == "03/02/2026"
    assert format_datetime(datetime(2025, 7, 1, 8, 5), "vi") == "08:05 01/07/2025"


def test_months() -> None:
    assert format_month(date(2026, 10, 1), "vi") == "tháng 10/2026"
    assert format_month(date(2026, 10, 1), "en") == "10/2026"
