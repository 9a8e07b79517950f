"""The score's feedback inputs are the stored feedback counts summed per unit and month in the
database: every category of a unit in one row, resolutions under the score's names, and the
overdue backlog as one-month spells except the as-of month's, which runs on."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine

from data.feedback import (
    feedback_as_of_month,
    feedback_overdue_by_month,
    feedback_resolved_by_month,
    feedback_unit_months,
)
from data.feedback_stats import COUNT_COLUMNS, StatsState, write_feedback_stats
from tests.data.feedback_rows import no_open_cases

A, B = "22015", "22045"
MAR, APR = date(2026, 3, 1), date(2026, 4, 1)
AS_OF = datetime(2026, 4, 20, 9, 30)  # in April: April is the as-of month


def stat(period: date, unit: str, category: str, **counts: int) -> dict[str, object]:
    return {
        "period": period,
        "unit_code": unit,
        "category_group": "Hạ tầng",
        "category": category,
        **{c: counts.get(c, 0) for c in COUNT_COLUMNS},
    }


STATS = pd.DataFrame(
    [
        stat(MAR, A, "Đèn đường", open_overdue=2, resolved=3, resolved_on_time=2, rated=2),
        stat(MAR, A, "Đường hư hỏng", open_overdue=1, resolved=1, resolved_with_evidence=1),
        stat(MAR, B, "Đèn đường", received=4),  # nothing overdue, nothing resolved
        stat(APR, A, "Đèn đường", open_overdue=4, resolved=1, satisfied=1, rated=1),
    ]
)


@pytest.fixture
def stored(migrated_engine: Engine) -> Engine:
    weekly = pd.DataFrame(
        columns=["week_start", "unit_code", "category_group", "category", "opened", "closed"]
    )
    state = StatsState(1, "x" * 64, AS_OF, datetime(2026, 4, 20, 10))
    write_feedback_stats(migrated_engine, STATS, weekly, state, no_open_cases())
    return migrated_engine


def test_one_row_per_unit_and_month(stored: Engine) -> None:
    months = feedback_unit_months(stored)
    got = {
        (unit, month.date()): (overdue, done, on_time, evidence, rated, satisfied)
        for unit, month, overdue, done, on_time, evidence, rated, satisfied in months[
            [
                "unit_code",
                "month",
                "open_overdue",
                "resolved",
                "on_time",
                "with_evidence",
                "rated",
                "satisfied",
            ]
        ].itertuples(index=False)
    }
    assert got == {
        (A, MAR): (3, 4, 2, 1, 2, 0),  # two categories: 2 + 1 overdue, 3 + 1 resolved
        (B, MAR): (0, 0, 0, 0, 0, 0),
        (A, APR): (4, 1, 0, 0, 1, 1),
    }
    resolved = feedback_resolved_by_month(months)
    assert list(resolved.columns) == [
        "unit_code",
        "month",
        "resolved",
        "on_time",
        "with_evidence",
        "rated",
        "satisfied",
    ]


def test_the_as_of_month_runs_on(stored: Engine) -> None:
    as_of_month = feedback_as_of_month(stored)
    assert as_of_month == pd.Timestamp(APR)
    spells = feedback_overdue_by_month(feedback_unit_months(stored), as_of_month)
    rows = [
        (unit, start.date(), None if pd.isna(stop) else stop.date(), cases)
        for unit, start, stop, cases in spells.itertuples(index=False)
    ]
    # A: 3 overdue at the end of March (that month only), 4 at the as-of in April (on from
    # there); B had none overdue: no spell.
    assert sorted(rows) == [(A, MAR, APR, 3), (A, APR, None, 4)]


def test_nothing_stored(migrated_engine: Engine) -> None:
    assert feedback_as_of_month(migrated_engine) is None
    months = feedback_unit_months(migrated_engine)
    assert months.empty
    assert feedback_overdue_by_month(months, None).empty
