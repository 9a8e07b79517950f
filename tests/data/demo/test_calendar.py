"""The working calendar, checked against dates worked out by hand.

Working hours: Monday–Friday 08:00–12:00 and 13:30–17:00 (7.5 h a day). Days off used below
(2025–2026, Labour Code art. 112 and the government's 2026 swaps as the ``holidays`` package
records them): 1/1; Tết 2026 = Monday 16 – Friday 20 February; Giỗ Tổ Hùng Vương 2026 falls on
Sunday 26 April, taken on Monday 27 April; 30/4 (Thursday) and 1/5 (Friday) 2026. In 2025
Saturday 26 April was worked so that Friday 2 May could be taken off.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest

from data.demo.calendar import (
    WorkingClock,
    add_working_days,
    add_working_hours,
    is_working_day,
    next_working_day,
    working_hours_between,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_weekdays_work_and_weekends_do_not() -> None:
    # 2 March 2026 is a Monday.
    assert is_working_day(date(2026, 3, 2))
    assert is_working_day(date(2026, 3, 6))  # Friday
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year, a Thursday
        date(2026, 2, 16),  # Tết: Monday 16 …
        date(2026, 2, 18),
        date(2026, 2, 20),  # … to Friday 20 February
        date(2026, 4, 27),  # Hùng Kings (Sunday 26 April) taken on Monday 27 April
        date(2026, 4, 30),  # Reunification Day, Thursday
        date(2026, 5, 1),  # Labour Day, Friday
        date(2026, 9, 2),  # National Day, Wednesday
    ],
)
def test_public_holidays_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5  # a weekday that would otherwise be worked
    assert not is_working_day(day)


def test_a_swapped_saturday_is_worked_and_its_bridge_day_is_not() -> None:
    assert date(2025, 4, 26).weekday() == 5
    assert is_working_day(date(2025, 4, 26))
    assert not is_working_day(date(2025, 5, 2))


def test_next_working_day_skips_tet() -> None:
    # Friday 13 February 2026 → weekend, Tết Monday–Friday, weekend → Monday 23 February.
    assert next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_four_hours_from_friday_afternoon_land_on_monday_morning() -> None:
    # Friday 13 March 2026 16:00–17:00 gives 1 h; the other 3 h run Monday 08:00–11:00.
    assert add_working_hours(at("2026-03-13 16:00"), 4) == at("2026-03-16 11:00")


def test_the_lunch_break_does_not_count() -> None:
    # 11:00–12:00 is 1 h; the second hour runs 13:30–14:30.
    assert add_working_hours(at("2026-03-16 11:00"), 2) == at("2026-03-16 14:30")


def test_time_ending_at_a_break_ends_there() -> None:
    # The earliest moment 4 h have elapsed since 08:00 is 12:00, not 13:30.
    assert add_working_hours(at("2026-03-16 08:00"), 4) == at("2026-03-16 12:00")
    assert add_working_hours(at("2026-03-16 13:30"), 3.5) == at("2026-03-16 17:00")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-03-14 10:00", "2026-03-16 09:00"),  # Saturday: counting starts Monday 08:00
        ("2026-03-17 19:00", "2026-03-18 09:00"),  # Tuesday evening: Wednesday 08:00 + 1 h
        ("2026-03-17 06:30", "2026-03-17 09:00"),  # before opening: 08:00 + 1 h
        ("2026-03-17 12:30", "2026-03-17 14:30"),  # in the lunch break: 13:30 + 1 h
    ],
)
def test_counting_starts_at_the_next_working_period(start: str, expected: str) -> None:
    assert add_working_hours(at(start), 1) == at(expected)


def test_urgent_case_accepted_late_morning() -> None:
    # 11:30–12:00 is 0.5 h, then 13:30 + 3.5 h = 17:00 the same Monday.
    assert add_working_hours(at("2026-03-16 11:30"), 4) == at("2026-03-16 17:00")


def test_hours_skip_30_april_and_1_may_2026() -> None:
    # Wednesday 29 April 15:00–17:00 gives 2 h; Thursday 30/4 and Friday 1/5 are holidays,
    # then the weekend; the remaining 2 h run Monday 4 May 08:00–10:00.
    assert add_working_hours(at("2026-04-29 15:00"), 4) == at("2026-05-04 10:00")


def test_five_working_days_without_holidays_end_a_week_later() -> None:
    # Accepted Monday 2 March 2026 10:00: five full working days → Monday 9 March 10:00.
    assert add_working_days(at("2026-03-02 10:00"), 5) == at("2026-03-09 10:00")


def test_five_working_days_skip_tet_2026() -> None:
    # Accepted Friday 13 February 10:00: that Friday gives 5.5 h (10–12, 13:30–17); Tết
    # (16–20 Feb) and two weekends are skipped; Mon 23 – Thu 26 Feb give 4 × 7.5 = 30 h
    # (35.5 h in all); the last 2 h run Friday 27 February 08:00–10:00.
    assert add_working_days(at("2026-02-13 10:00"), 5) == at("2026-02-27 10:00")


def test_fifteen_working_days_skip_the_april_may_holidays() -> None:
    # Accepted Thursday 23 April 2026 14:00. Working days after it: Fri 24/4 (1), Mon 27/4 off
    # (Hùng Kings), Tue 28 (2), Wed 29 (3), Thu 30/4 and Fri 1/5 off, Mon 4 – Fri 8 May (4–8),
    # Mon 11 – Fri 15 (9–13), Mon 18 (14), Tue 19 May (15) → 14:00 on Tuesday 19 May.
    assert add_working_days(at("2026-04-23 14:00"), 15) == at("2026-05-19 14:00")


def test_one_working_day_from_friday_close_is_monday_close() -> None:
    assert add_working_days(at("2026-03-13 17:00"), 1) == at("2026-03-16 17:00")


def test_zero_returns_the_start_and_negative_is_refused() -> None:
    saturday = at("2026-03-14 10:00")
    assert add_working_hours(saturday, 0) == saturday
    with pytest.raises(ValueError):
        add_working_hours(saturday, -1)
    with pytest.raises(ValueError):
        add_working_days(saturday, -1)


def test_working_hours_between() -> None:
    # Friday 16:00 → Monday 11:00: 1 h on Friday and 3 h on Monday.
    assert working_hours_between(at("2026-03-13 16:00"), at("2026-03-16 11:00")) == 4.0
    assert working_hours_between(at("2026-03-16 11:00"), at("2026-03-13 16:00")) == -4.0
    # A whole holiday week (Tết 2026, Saturday 14 to Sunday 22 February) holds no working time.
    assert working_hours_between(at("2026-02-14 00:00"), at("2026-02-23 00:00")) == 0.0


def test_the_vectorised_clock_agrees_with_the_plain_functions() -> None:
    rng = np.random.default_rng(1)
    clock = WorkingClock(date(2025, 7, 1), date(2027, 12, 31))
    first = np.datetime64("2025-07-01T00:00:00")
    starts = first + rng.integers(0, 500 * 86400, 400).astype("timedelta64[s]")
    hours = np.round(rng.uniform(0, 300, 400), 3)
    hours[:20] = 0.0
    moved = clock.add_seconds(starts, np.round(hours * 3600).astype(np.int64))
    for start, h, got in zip(starts.tolist(), hours.tolist(), moved.tolist(), strict=True):
        assert got == add_working_hours(start, round(h * 3600) / 3600), (start, h)


def test_the_clock_measures_working_time_like_the_plain_function() -> None:
    clock = WorkingClock(date(2026, 1, 1), date(2026, 12, 31))
    a, b = at("2026-02-13 10:00"), at("2026-02-27 10:00")
    seconds = clock.seconds_at(np.array([b], dtype="datetime64[s]")) - clock.seconds_at(
        np.array([a], dtype="datetime64[s]")
    )
    assert seconds[0] / 3600 == working_hours_between(a, b) == 37.5  # 5 days × 7.5 h


def test_the_clock_refuses_instants_it_does_not_cover() -> None:
    clock = WorkingClock(date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(ValueError):
        clock.seconds_at(np.array(["2026-02-02T09:00"], dtype="datetime64[s]"))
    with pytest.raises(ValueError):
        clock.moment_at(np.array([clock.capacity + 1]))
    assert clock.moment_at(np.array([clock.capacity]))[0] == np.datetime64(
        datetime.combine(date(2026, 1, 30), datetime.min.time()) + timedelta(hours=17)
    )  # the last working day of January 2026 is Friday 30th; its close is the capacity
