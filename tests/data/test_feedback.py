"""The feedback queries count by the rules they are given (the metrics layer's), not by rules of
their own: the same cases counted with other thresholds give other counts. The overdue backlog
ends where the status history says a case left it, not where its status is today."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from data.feedback import feedback_overdue_spells, feedback_resolved_by_month
from tests.data.feedback_rows import add_cases, add_status_changes, case

UNIT = "22015"  # Phường Tuy Hòa
NOT_HANDLED = ("rejected", "duplicate")


def march_case(code: str, status: str, **extra: Any) -> dict[str, Any]:
    """Received 2 March 2026 09:00, due 9 March 09:00."""
    return case(
        code, UNIT, datetime(2026, 3, 2, 9), status, due_at=datetime(2026, 3, 9, 9), **extra
    )


RESOLVED = datetime(2026, 3, 5, 10)  # by the deadline (9 March)
CASES = [
    march_case("R5", "resolved", resolved_at=RESOLVED, satisfaction=5),
    march_case("R4", "resolved", resolved_at=RESOLVED, satisfaction=4),
    march_case("R3", "resolved", resolved_at=RESOLVED, satisfaction=3),
    # Open past the 9 March deadline, in three statuses; no history says when REJ and DUP
    # were set aside.
    march_case("OPEN", "in_progress"),
    march_case("REJ", "rejected"),
    march_case("DUP", "duplicate"),
]


def seeded(engine: Engine) -> Engine:
    with engine.begin() as conn:
        add_cases(conn, CASES)
    return engine


def test_satisfied_counts_from_the_threshold_given(migrated_engine: Engine) -> None:
    engine = seeded(migrated_engine)
    four = feedback_resolved_by_month(engine, satisfied_from=4)
    five = feedback_resolved_by_month(engine, satisfied_from=5)
    march = pd.Timestamp(2026, 3, 1)
    assert four[["month", "resolved", "rated", "satisfied"]].values.tolist() == [[march, 3, 3, 2]]
    assert five["satisfied"].tolist() == [1]  # only the 5★ case


def test_backlog_leaves_out_the_statuses_given(migrated_engine: Engine) -> None:
    engine = seeded(migrated_engine)
    usual = feedback_overdue_spells(engine, not_handled=NOT_HANDLED)
    only_rejected = feedback_overdue_spells(engine, not_handled=("rejected",))
    # REJ and DUP are set aside with no date in their history: left out, as before the history
    # was read.
    assert usual["cases"].sum() == 1  # OPEN
    assert only_rejected["cases"].sum() == 2  # OPEN and DUP
    assert feedback_overdue_spells(engine, not_handled=())["cases"].sum() == 3


# --- Overdue spells from the status history -------------------------------------------------
# One case per rule, each with its own deadline month, so each spell is one row of the frame:
# (month of the deadline, month it left the backlog or None while open, cases).


def at(month: int, day: int, hour: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour)


HISTORY_CASES = [
    # Overdue since 10 January, marked duplicate on 15 May: backlog January … April.
    case("DUP_LATE", UNIT, at(1, 5, 8), "duplicate", due_at=at(1, 10, 17)),
    # Rejected two days after receipt, before its 9 February deadline: never overdue.
    case("REJ_EARLY", UNIT, at(2, 2, 8), "rejected", due_at=at(2, 9, 17)),
    # Resolved late, on 20 April (the rule before the history: until its resolution).
    case("LATE", UNIT, at(3, 2, 8), "resolved", due_at=at(3, 9, 17), resolved_at=at(4, 20, 10)),
    # A duplicate with nothing in its history saying when: left out.
    case("NO_DATE", UNIT, at(4, 7, 8), "duplicate", due_at=at(4, 14, 17)),
    # Marked duplicate on 20 June, taken up again on 25 June, still open: counts as before,
    # from its deadline on.
    case("TAKEN_BACK", UNIT, at(6, 3, 8), "in_progress", due_at=at(6, 10, 17)),
    # Marked duplicate at 00:00 on 1 September: still backlog at that instant, the end of August.
    case("AT_MIDNIGHT", UNIT, at(7, 3, 8), "duplicate", due_at=at(7, 10, 17)),
    # Rejected on 20 October, then re-marked duplicate on 3 November: the first one counts.
    case("TWICE", UNIT, at(8, 3, 8), "duplicate", due_at=at(8, 5, 17)),
    # Marked duplicate at the very minute of its deadline: left by its deadline, never overdue.
    case("AT_DEADLINE", UNIT, at(10, 2, 8), "duplicate", due_at=at(10, 9, 17)),
    # Due 10 November 2025, resolved late on 20 December 2025, merged into another case on
    # 5 February 2026: it left the backlog at its resolution.
    case(
        "RESOLVED_FIRST",
        UNIT,
        at(11, 3, 8, year=2025),
        "duplicate",
        due_at=at(11, 10, 17, year=2025),
        resolved_at=at(12, 20, 10, year=2025),
    ),
]
HISTORY = [
    ("DUP_LATE", at(1, 5, 9), "received", "accepted"),
    ("DUP_LATE", at(5, 15, 10), "in_progress", "duplicate"),
    ("REJ_EARLY", at(2, 4, 10), "received", "rejected"),
    ("TAKEN_BACK", at(6, 20, 10), "in_progress", "duplicate"),
    ("TAKEN_BACK", at(6, 25, 10), "duplicate", "in_progress"),
    ("AT_MIDNIGHT", at(9, 1, 0), "in_progress", "duplicate"),
    ("TWICE", at(10, 20, 10), "in_progress", "rejected"),
    ("TWICE", at(11, 3, 10), "rejected", "duplicate"),
    ("AT_DEADLINE", at(10, 9, 17), "in_progress", "duplicate"),
    ("RESOLVED_FIRST", at(12, 20, 10, year=2025), "in_progress", "resolved"),
    ("RESOLVED_FIRST", at(2, 5, 10), "resolved", "duplicate"),
]


def spell_months(frame: pd.DataFrame) -> set[tuple[str, str | None, int]]:
    return {
        (start.strftime("%Y-%m"), None if pd.isna(stop) else stop.strftime("%Y-%m"), int(n))
        for start, stop, n in zip(
            frame["from_month"], frame["until_month"], frame["cases"], strict=True
        )
    }


def with_history(engine: Engine) -> Engine:
    with engine.begin() as conn:
        add_cases(conn, HISTORY_CASES)
        add_status_changes(conn, HISTORY)
    return engine


def test_backlog_ends_where_the_history_says_the_case_left_it(migrated_engine: Engine) -> None:
    spells = feedback_overdue_spells(with_history(migrated_engine), not_handled=NOT_HANDLED)
    assert spell_months(spells) == {
        ("2026-01", "2026-05", 1),  # DUP_LATE: month ends January … April
        ("2026-03", "2026-04", 1),  # LATE: the end of March
        ("2026-06", None, 1),  # TAKEN_BACK: from June on, still open
        ("2026-07", "2026-09", 1),  # AT_MIDNIGHT: the ends of July and August
        ("2026-08", "2026-10", 1),  # TWICE: the ends of August and September
        ("2025-11", "2025-12", 1),  # RESOLVED_FIRST: the end of November 2025
    }  # REJ_EARLY, NO_DATE, AT_DEADLINE: nowhere


def test_the_history_is_read_for_the_statuses_given(migrated_engine: Engine) -> None:
    spells = feedback_overdue_spells(with_history(migrated_engine), not_handled=("rejected",))
    # Duplicates are someone's backlog under this rule: a duplicate case runs from its deadline
    # to its resolution, or stays open. Only REJ_EARLY (rejected by its deadline) is left out.
    assert spell_months(spells) == {
        ("2026-01", None, 1),  # DUP_LATE
        ("2026-03", "2026-04", 1),  # LATE
        ("2026-04", None, 1),  # NO_DATE
        ("2026-06", None, 1),  # TAKEN_BACK
        ("2026-07", None, 1),  # AT_MIDNIGHT
        ("2026-08", None, 1),  # TWICE: still a duplicate, so its October rejection is not read
        ("2026-10", None, 1),  # AT_DEADLINE
        ("2025-11", "2025-12", 1),  # RESOLVED_FIRST
    }
