"""Month arithmetic, checked on dates worked out by hand (year ends, leap years, order)."""

from __future__ import annotations

from datetime import date, datetime

from common.periods import (
    FIRST_PERIOD,
    add_months,
    from_month_index,
    month_end,
    month_index,
    month_range,
    month_start,
    months_apart,
    months_before,
    period_end,
)


def test_month_index_counts_months_across_a_year_end() -> None:
    assert month_index(date(2025, 12, 31)) + 1 == month_index(date(2026, 1, 1))
    assert month_index(date(2026, 3, 1)) == 2026 * 12 + 2
    assert from_month_index(2026 * 12 + 2) == date(2026, 3, 1)
    assert from_month_index(2025 * 12 + 11) == date(2025, 12, 1)


def test_shifting_months() -> None:
    assert month_start(datetime(2026, 2, 17, 9, 30)) == date(2026, 2, 1)
    assert add_months(date(2025, 11, 20), 2) == date(2026, 1, 1)
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 5, 1), 0) == date(2026, 5, 1)
    assert months_before(date(2026, 2, 1), 3) == date(2025, 11, 1)
    assert months_before(date(2026, 2, 1), -1) == date(2026, 3, 1)


def test_month_ends() -> None:
    assert month_end(date(2024, 2, 1)) == date(2024, 2, 29)  # leap year
    assert month_end(date(2026, 2, 10)) == date(2026, 2, 28)
    assert month_end(date(2025, 12, 1)) == date(2025, 12, 31)
    assert period_end(date(2025, 12, 1)) == datetime(2026, 1, 1, 0, 0)


def test_month_range_includes_both_ends() -> None:
    assert month_range(FIRST_PERIOD, date(2025, 10, 15)) == [
        date(2025, 7, 1),
        date(2025, 8, 1),
        date(2025, 9, 1),
        date(2025, 10, 1),
    ]
    assert month_range(date(2025, 12, 5), date(2026, 1, 2)) == [date(2025, 12, 1), date(2026, 1, 1)]
    assert month_range(date(2026, 3, 1), date(2026, 3, 31)) == [date(2026, 3, 1)]
    assert month_range(date(2026, 3, 1), date(2026, 2, 28)) == []


def test_months_apart() -> None:
    assert months_apart(date(2025, 7, 1), date(2026, 6, 30)) == 11
    assert months_apart(date(2026, 6, 1), date(2025, 7, 1)) == -11
