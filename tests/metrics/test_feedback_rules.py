"""The feedback case rules, on cases worked out by hand (working calendar: 07:30–11:30 and
13:30–17:00 on working days, 7.5 h a day; see tests/common/test_workcalendar.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from common.workcalendar import WorkCalendar
from metrics.feedback import NOT_HANDLED, answer_due_at, counts_as_backlog, is_satisfied
from metrics.feedback_cases import default_deadline_table

CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("severity", "accepted", "due"),
    [
        # Friday 16:00–17:00 (1 h), then Monday 07:30–10:30 (3 h).
        ("urgent", datetime(2026, 3, 13, 16), datetime(2026, 3, 16, 10, 30)),
        # Five working days from Friday 13 February 2026 skip Tết (16–20 February) and two
        # weekends: Mon 23 – Fri 27 February, same time of day.
        ("normal", datetime(2026, 2, 13, 10), datetime(2026, 2, 27, 10)),
        # Fifteen working days from Thursday 23 April 2026 skip 27/4, 30/4 and 1/5.
        ("complex", datetime(2026, 4, 23, 14), datetime(2026, 5, 19, 14)),
    ],
)
def test_answer_deadlines(severity: str, accepted: datetime, due: datetime) -> None:
    assert answer_due_at(accepted, severity, CAL) == due


def test_the_deadline_table() -> None:
    table = default_deadline_table()
    assert set(table.by_severity) == {"urgent", "normal", "complex"}
    assert table.by_severity["urgent"].seconds(CAL) == 4 * 3600
    assert table.by_severity["normal"].seconds(CAL) == 5 * 27_000  # 7.5 h = 27,000 s a day
    assert table.by_severity["complex"].seconds(CAL) == 15 * 27_000


def test_a_question_is_answered_sooner_than_a_problem_report() -> None:
    # The province's choice in the table: guidance questions (normal) within 3 working days.
    # Accepted Monday 2 March 2026 10:00 → Thursday 5 March 10:00 (no holiday that week).
    accepted = datetime(2026, 3, 2, 10)
    question = answer_due_at(accepted, "normal", CAL, "Hỏi về chính sách", "Hỏi đáp, hướng dẫn")
    assert question == datetime(2026, 3, 5, 10)
    assert answer_due_at(accepted, "normal", CAL, "Hư hỏng đường giao thông") == datetime(
        2026, 3, 9, 10
    )


def test_satisfied_is_four_stars_or_more() -> None:
    assert [is_satisfied(s) for s in (1, 2, 3, 4, 5)] == [False, False, False, True, True]
    assert not is_satisfied(None)  # no rating: not satisfied (nor counted as rated)


def test_rejected_and_duplicate_cases_are_nobody_s_backlog() -> None:
    assert set(NOT_HANDLED) == {"rejected", "duplicate"}
    assert not counts_as_backlog("rejected") and not counts_as_backlog("duplicate")
    assert counts_as_backlog("in_progress") and counts_as_backlog("on_hold")
