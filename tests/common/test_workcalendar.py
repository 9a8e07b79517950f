"""The working calendar, checked against dates worked out by hand.

Working hours (the default): Monday–Friday 07:30–11:30 and 13:30–17:00, 7.5 h a day.
Days off used below, as the government published them (Labour Code 2019 art. 112 and the yearly
notices) and as the ``holidays`` package records them:

* 2026: 1/1 (Thu); Tết = Mon 16 – Fri 20 Feb (with the weekends: Sat 14 – Sun 22 Feb off);
  Giỗ Tổ Hùng Vương falls on Sun 26 Apr, taken on Mon 27 Apr; 30/4 (Thu) and 1/5 (Fri);
  National Day: Sat 22 Aug is worked so that Mon 31 Aug is off, then Tue 1 and Wed 2 Sep.
* 2027: Tết (Lunar New Year's Day = Sat 6 Feb 2027) = Thu 4 – Wed 10 Feb, back on Thu 11 Feb.
* 2025: Sat 26 Apr worked so that Fri 2 May could be taken off.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pytest

from common.workcalendar import (
    DEFAULT_WORKING_PERIODS,
    DeclaredDays,
    WorkCalendar,
    WorkingClock,
    default_calendar,
    load_calendar_config,
)

CAL = WorkCalendar()  # the default hours, no declared days


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- days ---------------------------------------------------------------------------------


def test_weekdays_work_and_weekends_do_not() -> None:
    # 2 March 2026 is a Monday.
    assert CAL.is_working_day(date(2026, 3, 2))
    assert CAL.is_working_day(date(2026, 3, 6))  # Friday
    assert not CAL.is_working_day(date(2026, 3, 7))  # Saturday
    assert not CAL.is_working_day(date(2026, 3, 8))  # Sunday


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year, a Thursday
        date(2026, 2, 16),  # Tết 2026: Monday 16 …
        date(2026, 2, 18),
        date(2026, 2, 20),  # … to Friday 20 February
        date(2026, 4, 27),  # Hùng Kings (Sunday 26 April) taken on Monday 27 April
        date(2026, 4, 30),  # Reunification Day, Thursday
        date(2026, 5, 1),  # Labour Day, Friday
        date(2026, 8, 31),  # Monday off in exchange for Saturday 22 August
        date(2026, 9, 1),  # National Day, Tuesday …
        date(2026, 9, 2),  # … and Wednesday
        date(2027, 2, 4),  # Tết 2027: Thursday 4 …
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 2, 10),  # … to Wednesday 10 February
    ],
)
def test_public_holidays_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5  # a weekday that would otherwise be worked
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize(
    ("worked", "off"),
    [(date(2025, 4, 26), date(2025, 5, 2)), (date(2026, 8, 22), date(2026, 8, 31))],
)
def test_a_swapped_saturday_is_worked_and_its_bridge_day_is_not(worked: date, off: date) -> None:
    assert worked.weekday() == 5
    assert CAL.is_working_day(worked)
    assert not CAL.is_working_day(off)


def test_next_working_day_skips_tet() -> None:
    # Friday 13 February 2026 → weekend, Tết Monday–Friday, weekend → Monday 23 February.
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    # Wednesday 3 February 2027 → Tết Thursday 4 – Wednesday 10 → Thursday 11 February.
    assert CAL.next_working_day(date(2027, 2, 3)) == date(2027, 2, 11)


# --- adding working time ------------------------------------------------------------------


def test_four_hours_from_friday_afternoon_land_on_monday_morning() -> None:
    # Friday 13 March 2026 16:00–17:00 gives 1 h; the other 3 h run Monday 07:30–10:30.
    assert CAL.add_working_hours(at("2026-03-13 16:00"), 4) == at("2026-03-16 10:30")


def test_the_lunch_break_does_not_count() -> None:
    # 10:30–11:30 is 1 h; the second hour runs 13:30–14:30.
    assert CAL.add_working_hours(at("2026-03-16 10:30"), 2) == at("2026-03-16 14:30")


def test_time_ending_at_a_break_ends_there() -> None:
    # The earliest moment 4 h have elapsed since 07:30 is 11:30, not 13:30.
    assert CAL.add_working_hours(at("2026-03-16 07:30"), 4) == at("2026-03-16 11:30")
    assert CAL.add_working_hours(at("2026-03-16 13:30"), 3.5) == at("2026-03-16 17:00")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-03-14 10:00", "2026-03-16 08:30"),  # Saturday: counting starts Monday 07:30
        ("2026-03-17 19:00", "2026-03-18 08:30"),  # Tuesday evening: Wednesday 07:30 + 1 h
        ("2026-03-17 06:30", "2026-03-17 08:30"),  # before opening: 07:30 + 1 h
        ("2026-03-17 12:30", "2026-03-17 14:30"),  # in the lunch break: 13:30 + 1 h
    ],
)
def test_counting_starts_at_the_next_working_period(start: str, expected: str) -> None:
    assert CAL.add_working_hours(at(start), 1) == at(expected)


def test_hours_skip_30_april_and_1_may_2026() -> None:
    # Wednesday 29 April 15:00–17:00 gives 2 h; Thursday 30/4 and Friday 1/5 are holidays,
    # then the weekend; the remaining 2 h run Monday 4 May 07:30–09:30.
    assert CAL.add_working_hours(at("2026-04-29 15:00"), 4) == at("2026-05-04 09:30")


def test_hours_skip_national_day_2026() -> None:
    # Friday 28 August 16:00–17:00 gives 1 h; Saturday 29 – Wednesday 2 September are off
    # (weekend, Monday 31/8 swapped, 1/9, 2/9); the second hour runs Thursday 3 September.
    assert CAL.add_working_hours(at("2026-08-28 16:00"), 2) == at("2026-09-03 08:30")


def test_hours_skip_tet_2027() -> None:
    # Wednesday 3 February 2027 16:00–17:00 gives 1 h; the other 3 h run Thursday 11 February.
    assert CAL.add_working_hours(at("2027-02-03 16:00"), 4) == at("2027-02-11 10:30")


def test_five_working_days_without_holidays_end_a_week_later() -> None:
    # Accepted Monday 2 March 2026 10:00: five full working days → Monday 9 March 10:00.
    assert CAL.add_working_days(at("2026-03-02 10:00"), 5) == at("2026-03-09 10:00")


def test_five_working_days_skip_tet_2026() -> None:
    # Accepted Friday 13 February 10:00: that Friday gives 5 h (10:00–11:30, 13:30–17:00);
    # Tết and two weekends are skipped; Mon 23 – Thu 26 Feb give 4 × 7.5 = 30 h (35 h in all);
    # the last 2.5 h run Friday 27 February 07:30–10:00.
    assert CAL.add_working_days(at("2026-02-13 10:00"), 5) == at("2026-02-27 10:00")


def test_fifteen_working_days_skip_the_april_may_holidays() -> None:
    # Accepted Thursday 23 April 2026 14:00. Working days after it: Fri 24/4 (1), Mon 27/4 off
    # (Hùng Kings), Tue 28 (2), Wed 29 (3), Thu 30/4 and Fri 1/5 off, Mon 4 – Fri 8 May (4–8),
    # Mon 11 – Fri 15 (9–13), Mon 18 (14), Tue 19 May (15) → 14:00 on Tuesday 19 May.
    assert CAL.add_working_days(at("2026-04-23 14:00"), 15) == at("2026-05-19 14:00")


def test_one_working_day_from_friday_close_is_monday_close() -> None:
    assert CAL.add_working_days(at("2026-03-13 17:00"), 1) == at("2026-03-16 17:00")


def test_zero_returns_the_start_and_negative_is_refused() -> None:
    saturday = at("2026-03-14 10:00")
    assert CAL.add_working_hours(saturday, 0) == saturday
    with pytest.raises(ValueError):
        CAL.add_working_hours(saturday, -1)
    with pytest.raises(ValueError):
        CAL.add_working_days(saturday, -1)


def test_an_aware_instant_is_read_in_vietnam_time_and_answered_in_its_own_zone() -> None:
    # 09:00 UTC on Friday 13 March 2026 is 16:00 in Vietnam (UTC+7): 1 h that Friday, 3 h on
    # Monday 07:30–10:30 Vietnam time, which is 03:30 UTC.
    start = datetime(2026, 3, 13, 9, 0, tzinfo=UTC)
    assert CAL.add_working_hours(start, 4) == datetime(2026, 3, 16, 3, 30, tzinfo=UTC)


# --- counting working time ----------------------------------------------------------------


def test_working_hours_between() -> None:
    # Friday 16:00 → Monday 10:30: 1 h on Friday and 3 h on Monday.
    assert CAL.working_hours_between(at("2026-03-13 16:00"), at("2026-03-16 10:30")) == 4.0
    assert CAL.working_hours_between(at("2026-03-16 10:30"), at("2026-03-13 16:00")) == -4.0
    # A whole holiday week (Tết 2026, Saturday 14 to Sunday 22 February) holds no working time.
    assert CAL.working_hours_between(at("2026-02-14 00:00"), at("2026-02-23 00:00")) == 0.0


def test_pauses_are_taken_off_once_and_only_inside_the_interval() -> None:
    start, end = at("2026-03-16 07:30"), at("2026-03-20 17:00")  # Monday to Friday: 37.5 h
    on_hold = (at("2026-03-17 13:30"), at("2026-03-18 11:30"))  # Tue afternoon + Wed morning
    assert CAL.working_hours_between(start, end) == 37.5
    assert CAL.working_hours_between(start, end, [on_hold]) == 37.5 - 3.5 - 4.0
    # Overlapping the first pause 10:00–11:30 Wednesday, it adds only 13:30–14:00 (0.5 h).
    overlapping = (at("2026-03-18 10:00"), at("2026-03-18 14:00"))
    assert CAL.working_hours_between(start, end, [on_hold, overlapping]) == 30.0 - 0.5
    # A pause from Sunday to Monday 09:30 takes off only Monday 07:30–09:30 (2 h).
    from_sunday = (at("2026-03-15 12:00"), at("2026-03-16 09:30"))
    assert CAL.working_hours_between(start, end, [from_sunday]) == 35.5


# --- deadlines on a day off (Civil Code 2015 art. 148(5)) ---------------------------------


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("2026-03-14 10:00", "2026-03-16 17:00"),  # Saturday → Monday's close
        ("2026-02-14 10:00", "2026-02-23 17:00"),  # Tết 2026 → Monday 23 February
        ("2027-02-06 09:00", "2027-02-11 17:00"),  # Tết 2027 → Thursday 11 February
        ("2026-04-30 16:00", "2026-05-04 17:00"),  # 30/4 → Monday 4 May
        ("2026-09-02 08:00", "2026-09-03 17:00"),  # 2/9 → Thursday 3 September
        ("2026-03-18 15:00", "2026-03-18 15:00"),  # a Wednesday: unchanged
        ("2026-08-22 20:00", "2026-08-22 20:00"),  # a worked Saturday: unchanged
    ],
)
def test_a_deadline_on_a_day_off_moves_to_the_end_of_the_next_working_day(
    deadline: str, expected: str
) -> None:
    assert CAL.deadline_on_working_day(at(deadline)) == at(expected)


# --- the province's declared days ---------------------------------------------------------

# A hypothetical declaration: Friday 2 January 2026 off (the bridge after New Year), made up on
# Saturday 10 January.
DECLARED = DeclaredDays(
    workdays=frozenset({date(2026, 1, 10)}), days_off=frozenset({date(2026, 1, 2)})
)
PROVINCE = WorkCalendar(declared=DECLARED)


def test_a_declared_make_up_day_is_worked_and_the_declared_day_off_is_not() -> None:
    assert PROVINCE.is_working_day(date(2026, 1, 10))
    assert not PROVINCE.is_working_day(date(2026, 1, 2))
    assert CAL.is_working_day(date(2026, 1, 2))  # nationally a working Friday


def test_hours_run_over_the_declared_days() -> None:
    # Wednesday 31 December 2025 16:00–17:00 gives 1 h; Thursday 1/1 is New Year, Friday 2/1
    # declared off, then the weekend: the second hour runs Monday 5 January 07:30–08:30.
    assert PROVINCE.add_working_hours(at("2025-12-31 16:00"), 2) == at("2026-01-05 08:30")
    # Friday 9 January 16:00–17:00, then the make-up Saturday 10 January 07:30–08:30.
    assert PROVINCE.add_working_hours(at("2026-01-09 16:00"), 2) == at("2026-01-10 08:30")
    assert PROVINCE.deadline_on_working_day(at("2026-01-02 09:00")) == at("2026-01-05 17:00")


def test_the_calendar_file_gives_hours_and_declared_days(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        'working_hours: ["08:00-12:00", "13:00-17:00"]\n'
        "declared_workdays:\n  - {date: 2026-01-10, reason: làm bù}\n"
        "declared_days_off:\n  - {date: 2026-01-02, reason: nghỉ bù}\n",
        encoding="utf-8",
    )
    config = load_calendar_config(path)
    assert config.periods == ((time(8), time(12)), (time(13), time(17)))
    assert config.declared == DECLARED
    calendar = WorkCalendar(config.periods, config.declared)
    assert calendar.hours_per_day == 8.0
    # Friday 9 January 16:00–17:00 (1 h) and the make-up Saturday from 08:00.
    assert calendar.add_working_hours(at("2026-01-09 16:00"), 2) == at("2026-01-10 09:00")


def test_a_day_declared_both_ways_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "declared_workdays: [{date: 2026-01-10}]\ndeclared_days_off: [{date: 2026-01-10}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="2026-01-10"):
        load_calendar_config(path)


def test_the_shipped_calendar_uses_the_default_hours() -> None:
    assert default_calendar().periods == DEFAULT_WORKING_PERIODS
    morning, afternoon = DEFAULT_WORKING_PERIODS
    assert morning == (time(7, 30), time(11, 30))
    assert afternoon == (time(13, 30), time(17))


@pytest.mark.parametrize(
    "periods",
    [(), ((time(13), time(12)),), ((time(8), time(12)), (time(11), time(15)))],
)
def test_working_periods_must_be_ordered(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        WorkCalendar(periods)


# --- the vectorised clock -----------------------------------------------------------------


def test_the_vectorised_clock_agrees_with_the_plain_functions() -> None:
    rng = np.random.default_rng(1)
    clock = WorkingClock(date(2025, 7, 1), date(2027, 12, 31), PROVINCE)
    first = np.datetime64("2025-07-01T00:00:00")
    starts = first + rng.integers(0, 800 * 86400, 400).astype("timedelta64[s]")
    hours = np.round(rng.uniform(0, 300, 400), 3)
    hours[:20] = 0.0
    moved = clock.add_seconds(starts, np.round(hours * 3600).astype(np.int64))
    for start, h, got in zip(starts.tolist(), hours.tolist(), moved.tolist(), strict=True):
        assert got == PROVINCE.add_working_hours(start, round(h * 3600) / 3600), (start, h)


def test_the_clock_measures_working_time_like_the_plain_function() -> None:
    clock = CAL.clock(date(2026, 1, 1), date(2026, 12, 31))
    a, b = at("2026-02-13 10:00"), at("2026-02-27 10:00")
    seconds = clock.seconds_at(np.array([b], dtype="datetime64[s]")) - clock.seconds_at(
        np.array([a], dtype="datetime64[s]")
    )
    assert seconds[0] / 3600 == CAL.working_hours_between(a, b) == 37.5  # 5 days × 7.5 h


def test_the_clock_handles_any_number_of_working_periods() -> None:
    # Three periods, 2 h each: 07:00–09:00, 10:00–12:00, 14:00–16:00 (6 h a day).
    three = WorkCalendar(((time(7), time(9)), (time(10), time(12)), (time(14), time(16))))
    clock = three.clock(date(2026, 3, 16), date(2026, 3, 20))  # Monday to Friday
    worked = np.array([0, 2 * 3600, 2 * 3600 + 1, 4 * 3600, 6 * 3600, 6 * 3600 + 60])
    expected = [
        "2026-03-16T07:00:00",  # nothing worked yet: the first opening
        "2026-03-16T09:00:00",  # the end of the first period, not the start of the second
        "2026-03-16T10:00:01",
        "2026-03-16T12:00:00",
        "2026-03-16T16:00:00",  # a whole day: Monday's close
        "2026-03-17T07:01:00",  # one minute into Tuesday
    ]
    assert clock.moment_at(worked).tolist() == [datetime.fromisoformat(e) for e in expected]
    assert clock.seconds_at(np.array(["2026-03-16T11:00"], dtype="datetime64[s]"))[0] == 3 * 3600


def test_the_clock_refuses_instants_it_does_not_cover() -> None:
    clock = CAL.clock(date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(ValueError):
        clock.seconds_at(np.array(["2026-02-02T09:00"], dtype="datetime64[s]"))
    with pytest.raises(ValueError):
        clock.moment_at(np.array([clock.capacity + 1]))
    assert clock.moment_at(np.array([clock.capacity]))[0] == np.datetime64(
        datetime.combine(date(2026, 1, 30), time()) + timedelta(hours=17)
    )  # the last working day of January 2026 is Friday 30th; its close is the capacity
