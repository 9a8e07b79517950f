"""Months as reporting periods: one place for the month arithmetic every layer needs.

A *period* is a calendar month, written as the ``date`` of its first day. Its *end* E is 00:00
on the first day of the next month: the instant at which the month is over and its values
count as reported. Pure standard library, so it is cheap to import anywhere.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

# The new province (and its 102 units) began on 1 July 2025: no period before it exists.
FIRST_PERIOD = date(2025, 7, 1)


def month_index(day: date) -> int:
    """Months since year 0 (year × 12 + month − 1): consecutive months differ by 1."""
    return day.year * 12 + day.month - 1


def from_month_index(index: int) -> date:
    """The first day of the month with that :func:`month_index`."""
    return date(index // 12, index % 12 + 1, 1)


def month_start(day: date) -> date:
    """The period ``day`` (a date or a datetime) falls in."""
    return date(day.year, day.month, 1)


def add_months(day: date, months: int) -> date:
    """The period ``months`` after (negative: before) the period ``day`` falls in."""
    return from_month_index(month_index(day) + months)


def months_before(period: date, months: int) -> date:
    """The period ``months`` before ``period``'s (``add_months`` with the sign turned)."""
    return add_months(period, -months)


def month_end(period: date) -> date:
    """The last day of the period ``period`` falls in."""
    return add_months(period, 1) - timedelta(days=1)


def period_end(period: date) -> datetime:
    """E: 00:00 on the first day of the month after ``period``'s."""
    return datetime.combine(add_months(period, 1), time())


def month_range(first: date, last: date) -> list[date]:
    """Every period from ``first``'s to ``last``'s, both included (empty if last is earlier)."""
    return [from_month_index(i) for i in range(month_index(first), month_index(last) + 1)]


def months_apart(first: date, last: date) -> int:
    """Whole periods from ``first``'s to ``last``'s (0 for the same month, negative if earlier)."""
    return month_index(last) - month_index(first)
