"""The working calendar of the province's state agencies: every deadline is built on it.

Named ``workcalendar``, not ``calendar``, so it never shadows the standard library.

A working day is Monday to Friday, unless it is a public holiday, plus the weekend days worked
in exchange for a bridge day off. Public holidays, their observed days and the government's
swaps (e.g. Saturday 22/8/2026 worked so that Monday 31/8/2026 is off before 2/9) come from the
``holidays`` package, lunar ones (Tết, Giỗ Tổ Hùng Vương) included: no lunar arithmetic here.
What the province itself declares on top — a make-up working day, an extra day off — and its
working hours are data, in ``working_calendar.yaml`` beside this module.

Instants are Vietnam local time (Asia/Ho_Chi_Minh, UTC+7 all year). A naive ``datetime`` is
taken to be local time, as the database stores it; an aware one is converted to local time and
the answer is given back in the caller's time zone.

Adding working time returns the **earliest** instant at which that much working time has
elapsed: 07:30 + 4 h is 11:30 (not 13:30), and 16:00 on a Friday + 1 h is 17:00 that Friday.

Two forms of the same rules: :class:`WorkCalendar`'s methods walk day by day (easy to read,
for single values), and :class:`WorkingClock` maps instants to "working seconds since a
reference day" with numpy, so hundreds of thousands of deadlines cost a few array operations.
The tests check one against the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import yaml

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR_FILE = Path(__file__).with_name("working_calendar.yaml")
# Used when the file names no hours: the morning and afternoon working periods of a day.
DEFAULT_WORKING_PERIODS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
Interval = tuple[datetime, datetime]


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


@dataclass(frozen=True)
class DeclaredDays:
    """What the province declares beyond the national calendar."""

    workdays: frozenset[date] = field(default_factory=frozenset)  # worked although off
    days_off: frozenset[date] = field(default_factory=frozenset)  # off although a workday

    def __post_init__(self) -> None:
        both = self.workdays & self.days_off
        if both:
            days = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"declared both a working day and a day off: {days}")


@dataclass(frozen=True)
class CalendarConfig:
    periods: tuple[tuple[time, time], ...]
    declared: DeclaredDays


def _parse_period(text: str) -> tuple[time, time]:
    start, _, end = str(text).partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def _parse_days(entries: object, key: str) -> frozenset[date]:
    if entries is None:
        return frozenset()
    if not isinstance(entries, list):
        raise ValueError(f"{key}: expected a list of {{date: …, reason: …}} entries")
    days = set()
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("date"), date):
            raise ValueError(f"{key}: every entry needs a date (YYYY-MM-DD), got {entry!r}")
        days.add(entry["date"])
    return frozenset(days)


def load_calendar_config(path: Path = CALENDAR_FILE) -> CalendarConfig:
    """Working hours and the province's declared days, from the YAML file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    hours = raw.get("working_hours")
    periods = tuple(_parse_period(p) for p in hours) if hours else DEFAULT_WORKING_PERIODS
    declared = DeclaredDays(
        workdays=_parse_days(raw.get("declared_workdays"), "declared_workdays"),
        days_off=_parse_days(raw.get("declared_days_off"), "declared_days_off"),
    )
    return CalendarConfig(periods, declared)


def _to_local(moment: datetime) -> tuple[datetime, tzinfo | None]:
    """(naive local time, the caller's time zone or None for a naive instant)."""
    if moment.tzinfo is None:
        return moment, None
    return moment.astimezone(VIETNAM_TZ).replace(tzinfo=None), moment.tzinfo


def _from_local(moment: datetime, zone: tzinfo | None) -> datetime:
    if zone is None:
        return moment
    return moment.replace(tzinfo=VIETNAM_TZ).astimezone(zone)


class WorkCalendar:
    """Working days and hours: Monday–Friday, national holidays, the province's declared days."""

    def __init__(
        self,
        periods: Sequence[tuple[time, time]] = DEFAULT_WORKING_PERIODS,
        declared: DeclaredDays | None = None,
    ) -> None:
        self.periods = tuple(periods)
        if not self.periods:
            raise ValueError("a working day needs at least one working period")
        previous_end = time(0)
        for start, end in self.periods:
            if not previous_end <= start < end:
                raise ValueError("working periods must be in order, each starting before it ends")
            previous_end = end
        self.declared = declared or DeclaredDays()
        self.period_seconds = tuple((_seconds(s), _seconds(e)) for s, e in self.periods)
        self.seconds_per_day = sum(end - start for start, end in self.period_seconds)
        self._years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}

    @property
    def hours_per_day(self) -> float:
        return self.seconds_per_day / 3600

    @property
    def close_of_day(self) -> time:
        """When a working day ends (the end of its last working period)."""
        return self.periods[-1][1]

    # --- days ---------------------------------------------------------------------------

    def _national(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(public holidays and observed days off, weekend days worked in a swap) of ``year``."""
        if year not in self._years:
            vietnam = holidays.country_holidays("VN", years=year)
            days_off = frozenset(day for day in vietnam if day.year == year)
            # The package lists its swapped working weekends for every year it knows at once.
            swaps: Iterable[date] = getattr(vietnam, "weekend_workdays", set())
            worked = frozenset(day for day in swaps if day.year == year)
            self._years[year] = (days_off, worked)
        return self._years[year]

    def public_holidays(self, year: int) -> frozenset[date]:
        """National days off of ``year`` (observed and swapped days included), as published."""
        return self._national(year)[0]

    def is_working_day(self, day: date) -> bool:
        """Whether the province's state agencies work on ``day``."""
        if day in self.declared.days_off:
            return False
        if day in self.declared.workdays:
            return True
        days_off, worked_weekends = self._national(day.year)
        if day in worked_weekends:
            return True
        return day.weekday() < 5 and day not in days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_periods(self, day: date) -> list[Interval]:
        """The working periods of ``day`` as naive local instants (none on a day off)."""
        if not self.is_working_day(day):
            return []
        return [(datetime.combine(day, s), datetime.combine(day, e)) for s, e in self.periods]

    # --- instants -----------------------------------------------------------------------

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The earliest instant by which ``hours`` of working time have elapsed since ``start``.

        A start outside working hours (evening, weekend, holiday) begins counting at the next
        working period. ``hours`` must not be negative; 0 returns ``start`` unchanged.
        """
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        remaining = timedelta(hours=hours)
        if not remaining:
            return start
        local, zone = _to_local(start)
        day = local.date()
        while True:
            for period_start, period_end in self.working_periods(day):
                begin = max(local, period_start)
                if begin >= period_end:
                    continue
                available = period_end - begin
                if remaining <= available:
                    return _from_local(begin + remaining, zone)
                remaining -= available
            day += timedelta(days=1)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``days`` full working days (``hours_per_day`` working hours each) after ``start``.

        Accepted at 10:00 on a Monday, 5 working days are due at 10:00 on the next Monday (when
        no holiday intervenes); accepted at 17:00 on a Friday, 1 working day is due 17:00 on
        Monday.
        """
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        return self.add_working_hours(start, days * self.hours_per_day)

    def _working_time(self, start: datetime, end: datetime) -> timedelta:
        total = timedelta()
        day = start.date()
        while day <= end.date():
            for period_start, period_end in self.working_periods(day):
                overlap = min(end, period_end) - max(start, period_start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total

    def working_hours_between(
        self, start: datetime, end: datetime, pauses: Iterable[Interval] = ()
    ) -> float:
        """Working hours in [start, end), less those inside ``pauses`` (e.g. a case on hold).

        Pauses may overlap each other or reach outside [start, end): only the working time they
        cover inside the interval is taken off, once. Negative when ``end`` is before ``start``.
        """
        local_start, local_end = _to_local(start)[0], _to_local(end)[0]
        if local_end < local_start:
            return -self.working_hours_between(end, start, pauses)
        total = self._working_time(local_start, local_end)
        for pause_start, pause_end in _merged(pauses, local_start, local_end):
            total -= self._working_time(pause_start, pause_end)
        return total / timedelta(hours=1)

    def deadline_on_working_day(self, deadline: datetime) -> datetime:
        """A deadline that falls on a day off moves to the end of the next working day.

        Civil Code 2015 art. 148(5): when the last day of a time limit is a weekend day or a
        public holiday, the limit ends when the working day after that day off ends. A deadline
        on a working day stays as it is.
        """
        local, zone = _to_local(deadline)
        if self.is_working_day(local.date()):
            return deadline
        moved = datetime.combine(self.next_working_day(local.date()), self.close_of_day)
        return _from_local(moved, zone)

    def clock(self, first_day: date, last_day: date) -> WorkingClock:
        """The vectorised form of this calendar between two days (inclusive)."""
        return WorkingClock(first_day, last_day, self)


def _merged(pauses: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The pauses as local, disjoint intervals clipped to [start, end)."""
    clipped = sorted((max(_to_local(a)[0], start), min(_to_local(b)[0], end)) for a, b in pauses)
    merged: list[Interval] = []
    for a, b in clipped:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


class WorkingClock:
    """Vectorised form of a calendar between ``first_day`` and ``last_day`` (inclusive).

    An instant's *working seconds* count the working time from ``first_day`` 00:00 up to it;
    adding working time is then integer addition, and :meth:`moment_at` turns the sum back into
    an instant. Instants are naive local ``datetime64`` values and must lie within the covered
    days (a ``ValueError`` says otherwise).
    """

    def __init__(self, first_day: date, last_day: date, calendar: WorkCalendar | None = None):
        if last_day < first_day:
            raise ValueError("last_day is before first_day")
        self.calendar = calendar or default_calendar()
        self.first_day = np.datetime64(first_day, "D")
        days = np.arange(self.first_day, np.datetime64(last_day, "D") + 1)
        working = np.array(
            [self.calendar.is_working_day(d) for d in days.astype(object)], dtype=bool
        )
        self._working = working
        # Working days strictly before each covered day (index = days since first_day).
        self._days_before = np.concatenate(([0], np.cumsum(working)[:-1]))
        self._working_days = days[working]
        bounds = np.array(self.calendar.period_seconds, dtype=np.int64)
        self._starts, self._ends = bounds[:, 0], bounds[:, 1]
        lengths = self._ends - self._starts
        self._worked_before = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        self._worked_by_end = np.cumsum(lengths)

    @property
    def seconds_per_day(self) -> int:
        return self.calendar.seconds_per_day

    @property
    def capacity(self) -> int:
        """The largest working-second value :meth:`moment_at` can place."""
        return len(self._working_days) * self.seconds_per_day

    def seconds_at(self, moments: np.ndarray) -> np.ndarray:
        """Working seconds from ``first_day`` 00:00 to each of ``moments`` (datetime64)."""
        moments = np.asarray(moments, dtype="datetime64[s]")
        day_index = (moments.astype("datetime64[D]") - self.first_day).astype(np.int64)
        if day_index.size and (day_index.min() < 0 or day_index.max() >= len(self._working)):
            raise ValueError("an instant lies outside the days this clock covers")
        second_of_day = (moments - moments.astype("datetime64[D]")).astype(np.int64)
        worked_today = np.zeros_like(second_of_day)
        for start, end in zip(self._starts, self._ends, strict=True):
            worked_today += np.clip(second_of_day - start, 0, end - start)
        worked_today *= self._working[day_index]
        return self._days_before[day_index] * self.seconds_per_day + worked_today

    def moment_at(self, working_seconds: np.ndarray) -> np.ndarray:
        """The earliest instant at which ``working_seconds`` have elapsed (datetime64[s])."""
        seconds = np.asarray(working_seconds, dtype=np.int64)
        if seconds.size and (seconds.min() < 0 or seconds.max() > self.capacity):
            raise ValueError("working time beyond the days this clock covers")
        # A value that ends exactly at a day's close belongs to that day (17:00), not to the
        # next morning: hence the "- 1" before dividing.
        day_number = np.maximum(seconds - 1, 0) // self.seconds_per_day
        into_day = seconds - day_number * self.seconds_per_day
        # The first period that has not ended before ``into_day`` seconds are worked: a period
        # end reached exactly stays in that period (11:30, not 13:30).
        period = np.searchsorted(self._worked_by_end, into_day, side="left")
        clock = self._starts[period] + into_day - self._worked_before[period]
        days = self._working_days[np.minimum(day_number, len(self._working_days) - 1)]
        return days.astype("datetime64[s]") + clock.astype("timedelta64[s]")

    def add_seconds(self, moments: np.ndarray, seconds: np.ndarray | int) -> np.ndarray:
        """Vectorised ``add_working_hours`` with the working time given in seconds."""
        moments = np.asarray(moments, dtype="datetime64[s]")
        amounts = np.broadcast_to(np.asarray(seconds, dtype=np.int64), moments.shape)
        if amounts.size and amounts.min() < 0:
            raise ValueError("working time must not be negative")
        moved = self.moment_at(self.seconds_at(moments) + amounts)
        return np.where(amounts == 0, moments, moved)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The calendar in force: the hours and declared days of ``working_calendar.yaml``."""
    config = load_calendar_config()
    return WorkCalendar(config.periods, config.declared)
