"""The Vietnamese working calendar that feedback deadlines run on.

State agencies work Monday to Friday, 08:00–12:00 and 13:30–17:00 (7.5 hours a day), except on
public holidays (from the ``holidays`` package: 1/1, Tết, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and
the day beside it, and their observed days). A Saturday the government swaps for a bridge day
(e.g. Saturday 26/4/2025 worked so that Friday 2/5/2025 could be taken off) is a working day.

Two implementations of the same rules, kept apart on purpose so the tests can check one against
the other:

* plain functions on ``datetime`` (:func:`add_working_hours`, …) that walk day by day — easy to
  read and to reason about, used by the metrics layer for single values;
* :class:`WorkingClock`, which maps instants to "working seconds since a reference day" with
  numpy, so hundreds of thousands of deadlines cost a few array operations.

Adding working time returns the **earliest** instant at which that much working time has
elapsed: 08:00 + 4 h is 12:00 (not 13:30), and 16:00 on a Friday + 1 h is 17:00 that Friday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
import numpy as np

# The two working periods of a day; the lunch break in between does not count.
WORKING_PERIODS: tuple[tuple[time, time], ...] = (
    (time(8, 0), time(12, 0)),
    (time(13, 30), time(17, 0)),
)
_PERIOD_SECONDS = tuple(
    (p.hour * 3600 + p.minute * 60, q.hour * 3600 + q.minute * 60) for p, q in WORKING_PERIODS
)
WORKING_SECONDS_PER_DAY = sum(end - start for start, end in _PERIOD_SECONDS)  # 27,000 = 7.5 h
WORKING_HOURS_PER_DAY = WORKING_SECONDS_PER_DAY / 3600


@lru_cache(maxsize=64)
def _calendar_for_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(public holidays, Saturdays/Sundays worked in exchange for a bridge day) of ``year``."""
    vietnam = holidays.Vietnam(years=year)
    days_off = frozenset(day for day in vietnam if day.year == year)
    # The package lists swapped weekend working days for every year it knows at once.
    worked_weekends = frozenset(day for day in vietnam.weekend_workdays if day.year == year)
    return days_off, worked_weekends


def public_holidays(year: int) -> frozenset[date]:
    """The days off of ``year`` (including observed days off), weekends excluded."""
    return _calendar_for_year(year)[0]


def is_working_day(day: date) -> bool:
    """Whether state agencies work on ``day``."""
    days_off, worked_weekends = _calendar_for_year(day.year)
    if day in worked_weekends:
        return True
    return day.weekday() < 5 and day not in days_off


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _periods_of(day: date) -> list[tuple[datetime, datetime]]:
    if not is_working_day(day):
        return []
    return [
        (datetime.combine(day, start), datetime.combine(day, end)) for start, end in WORKING_PERIODS
    ]


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The earliest instant by which ``hours`` of working time have elapsed since ``start``.

    A start outside working hours (evening, weekend, holiday) begins counting at the next
    working period. ``hours`` must not be negative; 0 returns ``start`` unchanged.
    """
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    remaining = timedelta(hours=hours)
    if not remaining:
        return start
    day = start.date()
    while True:
        for period_start, period_end in _periods_of(day):
            begin = max(start, period_start)
            if begin >= period_end:
                continue
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += timedelta(days=1)


def add_working_days(start: datetime, days: int) -> datetime:
    """``days`` full working days (7.5 working hours each) after ``start``.

    Accepted at 10:00 on a Monday, 5 working days are due at 10:00 on the next Monday (when no
    holiday intervenes); accepted at 17:00 on a Friday, 1 working day is due 17:00 on Monday.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    return add_working_hours(start, days * WORKING_HOURS_PER_DAY)


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours in the interval [start, end); negative when ``end`` is before ``start``."""
    if end < start:
        return -working_hours_between(end, start)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        for period_start, period_end in _periods_of(day):
            overlap = min(end, period_end) - max(start, period_start)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total / timedelta(hours=1)


class WorkingClock:
    """Vectorised form of the calendar between ``first_day`` and ``last_day`` (inclusive).

    An instant's *working seconds* count the working time from ``first_day`` 00:00 up to it;
    adding working time is then integer addition, and :meth:`moment_at` turns the sum back into
    an instant. Instants must lie within the covered days (a ``ValueError`` says otherwise).
    """

    def __init__(self, first_day: date, last_day: date) -> None:
        if last_day < first_day:
            raise ValueError("last_day is before first_day")
        self.first_day = np.datetime64(first_day, "D")
        days = np.arange(self.first_day, np.datetime64(last_day, "D") + 1)
        working = np.array([is_working_day(d) for d in days.astype(object)], dtype=bool)
        self._working = working
        # Working days strictly before each covered day (index = days since first_day).
        self._days_before = np.concatenate(([0], np.cumsum(working)[:-1]))
        self._working_days = days[working]

    @property
    def capacity(self) -> int:
        """The largest working-second value :meth:`moment_at` can place."""
        return len(self._working_days) * WORKING_SECONDS_PER_DAY

    def seconds_at(self, moments: np.ndarray) -> np.ndarray:
        """Working seconds from ``first_day`` 00:00 to each of ``moments`` (datetime64)."""
        moments = np.asarray(moments, dtype="datetime64[s]")
        day_index = (moments.astype("datetime64[D]") - self.first_day).astype(np.int64)
        if day_index.size and (day_index.min() < 0 or day_index.max() >= len(self._working)):
            raise ValueError("an instant lies outside the days this clock covers")
        second_of_day = (moments - moments.astype("datetime64[D]")).astype(np.int64)
        worked_today = np.zeros_like(second_of_day)
        for period_start, period_end in _PERIOD_SECONDS:
            worked_today += np.clip(second_of_day - period_start, 0, period_end - period_start)
        worked_today *= self._working[day_index]
        return self._days_before[day_index] * WORKING_SECONDS_PER_DAY + worked_today

    def moment_at(self, working_seconds: np.ndarray) -> np.ndarray:
        """The earliest instant at which ``working_seconds`` have elapsed (datetime64[s])."""
        seconds = np.asarray(working_seconds, dtype=np.int64)
        if seconds.size and (seconds.min() < 0 or seconds.max() > self.capacity):
            raise ValueError("working time beyond the days this clock covers")
        # A value that ends exactly at a day's close belongs to that day (17:00), not to the
        # next morning: hence the "- 1" before dividing.
        day_number = np.maximum(seconds - 1, 0) // WORKING_SECONDS_PER_DAY
        into_day = seconds - day_number * WORKING_SECONDS_PER_DAY
        (morning_start, morning_end), (afternoon_start, _) = _PERIOD_SECONDS
        morning = morning_end - morning_start
        clock = np.where(
            into_day <= morning,
            morning_start + into_day,
            afternoon_start + (into_day - morning),
        )
        days = self._working_days[np.minimum(day_number, len(self._working_days) - 1)]
        return days.astype("datetime64[s]") + clock.astype("timedelta64[s]")

    def add_seconds(self, moments: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Vectorised :func:`add_working_hours` with the working time given in seconds."""
        moments = np.asarray(moments, dtype="datetime64[s]")
        seconds = np.broadcast_to(np.asarray(seconds, dtype=np.int64), moments.shape)
        if seconds.size and seconds.min() < 0:
            raise ValueError("working time must not be negative")
        moved = self.moment_at(self.seconds_at(moments) + seconds)
        return np.where(seconds == 0, moments, moved)
