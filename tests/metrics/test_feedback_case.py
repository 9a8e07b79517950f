"""The case view's data: the record (reporter masked), its timeline and its deadline clock at the
data's as-of instant. Clocks worked out by hand on the working calendar: 07:30–11:30 and
13:30–17:00, so 7.5 working hours a day; March 2026 has no holiday; 2 March is a Monday.
The table is declared here (accept in 8 working hours, a normal case answered in 5 working
days), so a change to the province's file does not change these expectations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from data.bootstrap import sync_reference_data
from data.migrate import upgrade_to_head
from data.models import FeedbackCase, FeedbackStatsState, FeedbackStatusChange
from metrics.feedback_case import CaseDetail, case_detail
from metrics.feedback_cases import AnswerTime, CaseState, DeadlineTable
from tests.conftest import sqlite_engine

UNIT = "24373"  # Xã Ea Kar
CITIZEN = "Chờ người dân bổ sung thông tin, hình ảnh"
TABLE = DeadlineTable(
    accept=AnswerTime(hours=8),
    by_severity={
        "urgent": AnswerTime(hours=4),
        "normal": AnswerTime(days=5),
        "complex": AnswerTime(days=15),
    },
    pause_reasons=(CITIZEN,),
)
HOUR = 3600


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute)


RECEIVED, ACCEPTED = at(2, 8), at(2, 10)  # Monday 08:00, accepted 10:00 the same day
# 5 working days from Monday 10:00: Monday 9 March, 10:00.
ANSWER_DUE = at(9, 10)

# code: (status, accepted_at, received_at, history as (changed_at, to_status, note)).
CASES: dict[str, tuple[str, datetime | None, datetime, list[tuple[datetime, str, str | None]]]] = {
    "K1": ("in_progress", ACCEPTED, RECEIVED, [
        (RECEIVED, "received", None), (ACCEPTED, "accepted", None),
        (at(3, 9), "in_progress", None),
    ]),
    "K2": ("on_hold", ACCEPTED, RECEIVED, [
        (RECEIVED, "received", None), (ACCEPTED, "accepted", None),
        (at(4, 10), "on_hold", CITIZEN),
    ]),
    "K3": ("resolved", ACCEPTED, RECEIVED, [
        (RECEIVED, "received", None), (ACCEPTED, "accepted", None),
        (at(5, 15), "resolved", None),
    ]),
    "K4": ("received", None, RECEIVED, [(RECEIVED, "received", None)]),
    # Received on Thursday 12 March, after the stored counts' instant used below.
    "K5": ("received", None, at(12, 8), [(at(12, 8), "received", None)]),
}  # fmt: skip


def _row(code: str, status: str, accepted: datetime | None, received: datetime) -> dict[str, Any]:
    return {
        "case_code": code,
        "channel": "hotline",
        "category_group": "Hạ tầng kỹ thuật",
        "category": "Hư hỏng đường giao thông",
        "is_question": False,
        "severity": "normal",
        "description": "Ổ gà trên đường liên thôn",
        "unit_code": UNIT,
        "received_at": received,
        "accepted_at": accepted,
        "due_at": ANSWER_DUE if accepted else None,
        "status": status,
        "resolved_at": at(5, 15) if status == "resolved" else None,
        "response_text": "Đã vá ổ gà" if status == "resolved" else None,
        "response_evidence_ref": "anh-sau-khi-va.jpg" if status == "resolved" else None,
        "reporter_name": "Trần Thị Bích Ngọc",
        "reporter_phone": "+84 905 123 478",
        "reporter_address": "Buôn Kniết, xã Ea Kar",
    }


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = sqlite_engine(tmp_path / "cases.sqlite3")
    upgrade_to_head(engine)
    with engine.begin() as conn:
        sync_reference_data(conn)
        conn.execute(
            insert(FeedbackCase),
            [_row(code, status, acc, rec) for code, (status, acc, rec, _h) in CASES.items()],
        )
        ids = dict(conn.execute(select(FeedbackCase.case_code, FeedbackCase.id)).all())
        conn.execute(
            insert(FeedbackStatusChange),
            [
                {"case_id": ids[code], "changed_at": when, "to_status": to, "note": note}
                for code, (*_row, history) in CASES.items()
                for when, to, note in history
            ],
        )
    yield engine
    engine.dispose()


def store_counts_as_of(engine: Engine, instant: datetime) -> None:
    """What the stored counts' refresh leaves behind: the instant they stand for."""
    with engine.begin() as conn:
        conn.execute(
            insert(FeedbackStatsState),
            [{"data_version": 1, "rules_hash": "x", "as_of": instant, "computed_at": instant}],
        )


def detail(engine: Engine, code: str, **kwargs: Any) -> CaseDetail:
    found = case_detail(engine, code, table=TABLE, **kwargs)
    assert found is not None
    return found


def test_the_clock_stands_at_the_stored_counts_instant(engine: Engine) -> None:
    store_counts_as_of(engine, at(4, 12))  # Wednesday 12:00, in the lunch break
    clock = detail(engine, "K1").clock
    assert clock.as_of == at(4, 12)
    assert clock.state is CaseState.OPEN_WITHIN
    assert clock.due_at == ANSWER_DUE
    # Left: Wednesday 13:30–17:00 3.5 h, Thursday 7.5, Friday 7.5, Monday 07:30–10:00 2.5 = 21 h.
    assert clock.remaining_seconds == 21 * HOUR
    assert clock.paused_since is None


def test_without_stored_counts_the_newest_change_in_the_data(engine: Engine) -> None:
    # The newest change is K5's receipt, Thursday 12 March 08:00. K1 was due Monday 10:00:
    # late by Monday 1.5 + 3.5, Tuesday 7.5, Wednesday 7.5, Thursday 07:30–08:00 0.5 = 20.5 h.
    clock = detail(engine, "K1").clock
    assert clock.as_of == at(12, 8)
    assert clock.state is CaseState.OPEN_OVERDUE
    assert clock.remaining_seconds == -20.5 * HOUR


def test_an_instant_given_wins(engine: Engine) -> None:
    store_counts_as_of(engine, at(4, 12))
    clock = detail(engine, "K1", as_of=at(10, 9)).clock  # Tuesday 10 March 09:00
    # Late by Monday 10:00–11:30 1.5, 13:30–17:00 3.5, Tuesday 07:30–09:00 1.5 = 6.5 h.
    assert (clock.state, clock.remaining_seconds) == (CaseState.OPEN_OVERDUE, -6.5 * HOUR)


def test_a_case_waiting_on_the_citizen_is_paused_with_its_time_frozen(engine: Engine) -> None:
    clock = detail(engine, "K2", as_of=at(6, 12)).clock  # Friday, two days into the hold
    assert clock.state is CaseState.PAUSED
    assert clock.paused_since == at(4, 10)
    # Frozen at the hold's start, Wednesday 10:00: Wednesday 1.5 + 3.5, Thursday 7.5, Friday
    # 7.5, Monday 2.5 = 22.5 h. The hold has not ended, so the deadline has not moved yet.
    assert clock.remaining_seconds == 22.5 * HOUR
    assert clock.due_at == ANSWER_DUE


def test_a_closed_case_has_no_time_left_and_keeps_its_answer(engine: Engine) -> None:
    found = detail(engine, "K3", as_of=at(6, 12))
    assert found.clock.state is CaseState.RESOLVED_ON_TIME  # Thursday 15:00, before Monday 10:00
    assert found.clock.remaining_seconds is None
    assert found.case["response_text"] == "Đã vá ổ gà"
    assert found.case["response_evidence_ref"] == "anh-sau-khi-va.jpg"
    assert found.history["to_status"].tolist() == ["received", "accepted", "resolved"]


def test_a_case_not_yet_accepted_runs_against_its_acceptance_deadline(engine: Engine) -> None:
    clock = detail(engine, "K4", as_of=at(2, 12)).clock  # Monday 12:00
    # 8 working hours from Monday 08:00: 3.5 until 11:30, 3.5 in the afternoon, then Tuesday
    # 07:30 + 1 h = Tuesday 08:30. Left at noon: 3.5 + 1 = 4.5 h.
    assert clock.accept_due_at == at(3, 8, 30)
    assert clock.due_at is None
    assert clock.state is CaseState.OPEN_WITHIN
    assert clock.remaining_seconds == 4.5 * HOUR


def test_a_case_newer_than_the_stored_counts_is_shown_just_after_its_newest_change(
    engine: Engine,
) -> None:
    store_counts_as_of(engine, at(4, 12))
    clock = detail(engine, "K5").clock
    # Received Thursday 08:00, after the counts' Wednesday: a state counts the changes strictly
    # before its instant, so the first instant showing the receipt is 08:00:01. Acceptance due
    # Friday 08:30 (7 h on Thursday + 1 h): 8 h less that second left.
    assert clock.as_of == datetime(2026, 3, 12, 8, 0, 1)
    assert (clock.state, clock.accept_due_at) == (CaseState.OPEN_WITHIN, at(13, 8, 30))
    assert clock.remaining_seconds == 8 * HOUR - 1


def test_a_case_changed_after_the_stored_counts_shows_that_change(engine: Engine) -> None:
    store_counts_as_of(engine, at(3, 8))  # Tuesday 08:00: K3 was still only accepted
    clock = detail(engine, "K3").clock
    # K3 was resolved Thursday 5 March 15:00 (before its Monday deadline): shown resolved.
    assert clock.as_of == datetime(2026, 3, 5, 15, 0, 1)
    assert clock.state is CaseState.RESOLVED_ON_TIME


def test_the_reporter_is_masked_and_an_unknown_code_is_none(engine: Engine) -> None:
    case = detail(engine, "K1").case
    assert case["reporter_name_masked"] == "Tr*** T** B** N"
    # +84 905 123 478 → 0905123478: ten digits, the six between the ends hidden.
    assert case["reporter_phone_masked"] == "09******78"
    assert case["reporter_address_masked"] == "***, xã Ea Kar"
    assert "reporter_name" not in case and "reporter_phone" not in case
    assert case_detail(engine, "NO-SUCH-CASE", table=TABLE) is None
