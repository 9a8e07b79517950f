"""The feedback case rules: deadlines on the working calendar with pauses, and each case's state
at an instant from its status history — on cases worked out by hand.

Working calendar (the default, no province-declared days): Monday–Friday 07:30–11:30 and
13:30–17:00, 7.5 working hours = 27,000 s a day; a working day added to an instant gives the
same time on the next working day. Days off used below, as the ``holidays`` package records them
(and tests/common/test_workcalendar.py checks):

* Tết 2026: Monday 16 – Friday 20 February are holidays (Lunar New Year's Eve is Mon 16 Feb,
  Lunar New Year Tue 17 Feb), so with the weekends Saturday 14 – Sunday 22 February are off;
* National Day 2026: Saturday 22 August is worked so that Monday 31 August is off, then Tuesday
  1 and Wednesday 2 September (2/9) are holidays;
* no holiday between 2 March and 24 April 2026.

The table used (:data:`TABLE`, the same times as metrics/feedback_deadlines.yaml): accept within
8 working hours; answer urgent 4 working hours, normal 5 working days, complex 15; questions
("Hỏi đáp, hướng dẫn", normal) 3 working days; waiting on the citizen pauses the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from common.workcalendar import WorkCalendar
from metrics.feedback_cases import (
    AGE_BUCKETS,
    NOT_YET,
    STATES,
    AnswerTime,
    CaseState,
    DeadlineTable,
    age_bucket_codes,
    case_deadlines,
    case_states_at,
    default_deadline_table,
    load_deadline_table,
    resolution_events,
)

CAL = WorkCalendar()
CITIZEN = "Chờ người dân bổ sung thông tin, hình ảnh"
AGENCY = "Chờ ý kiến của cơ quan chuyên môn cấp tỉnh"
QUESTIONS = "Hỏi đáp, hướng dẫn"
ROADS = ("Hư hỏng đường giao thông", "Hạ tầng kỹ thuật")  # (category, group)
TABLE = DeadlineTable(
    accept=AnswerTime(hours=8),
    by_severity={
        "urgent": AnswerTime(hours=4),
        "normal": AnswerTime(days=5),
        "complex": AnswerTime(days=15),
    },
    by_group={(QUESTIONS, "normal"): AnswerTime(days=3)},
    pause_reasons=(CITIZEN,),
)
NaT = pd.NaT


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute)


def frames(
    cases: list[dict[str, object]], changes: list[tuple[int, datetime, str, str | None]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cases (id, received, accepted, severity; a road-damage report unless said otherwise)
    and their history (case id, when, to status, note)."""
    rows = []
    for c in cases:
        category, group = c.get("topic", ROADS)
        rows.append(
            {
                "id": c["id"],
                "received_at": c["received"],
                "accepted_at": c.get("accepted", NaT),
                "severity": c.get("severity", "normal"),
                "category": category,
                "category_group": group,
            }
        )
    history = pd.DataFrame(changes, columns=["case_id", "changed_at", "to_status", "note"])
    return pd.DataFrame(rows), history


def story(
    received: datetime,
    accepted: datetime | None,
    *steps: tuple[datetime, str] | tuple[datetime, str, str],
    severity: str = "normal",
    topic: tuple[str, str] = ROADS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One case (id 1): received, accepted (when given), then the steps (when, status, note)."""
    changes: list[tuple[int, datetime, str, str | None]] = [(1, received, "received", None)]
    if accepted is not None:
        changes.append((1, accepted, "accepted", None))
    for step in steps:
        note = step[2] if len(step) == 3 else None
        changes.append((1, step[0], step[1], note))
    case = {"id": 1, "received": received, "severity": severity, "topic": topic}
    if accepted is not None:
        case["accepted"] = accepted
    return frames([case], changes)


def clock(data: tuple[pd.DataFrame, pd.DataFrame], as_of: datetime) -> pd.Series:
    """Case 1's deadline clock at ``as_of``."""
    return case_deadlines(*data, as_of=as_of, table=TABLE, calendar=CAL).loc[1]


def states(data: tuple[pd.DataFrame, pd.DataFrame], *instants: datetime) -> list[str | None]:
    """Case 1's state at each instant (None before receipt)."""
    codes = case_states_at(*data, list(instants), table=TABLE, calendar=CAL)[0]
    return [None if c == NOT_YET else STATES[c].value for c in codes]


WITHIN, OVERDUE, PAUSED = "open_within", "open_overdue", "paused"
ON_TIME, LATE = "resolved_on_time", "resolved_late"


# --- Deadlines on the working calendar -----------------------------------------------------------


@pytest.mark.parametrize(
    ("accepted", "severity", "topic", "due"),
    [
        # A weekend: Thu 12 Mar 14:00 + 5 working days = Fri 13, Mon 16, Tue 17, Wed 18, Thu 19.
        (at(3, 12, 14), "normal", ROADS, at(3, 19, 14)),
        # Tết: Thu 12 Feb 09:00 + 5 days = Fri 13 Feb (1), then Tết and two weekends off
        # (14–22 Feb), Mon 23 (2), Tue 24 (3), Wed 25 (4), Thu 26 Feb (5).
        (at(2, 12, 9), "normal", ROADS, at(2, 26, 9)),
        # Tết, urgent: Fri 13 Feb 15:00–17:00 is 2 h, the other 2 h from Mon 23 Feb 07:30.
        (at(2, 13, 15), "urgent", ROADS, at(2, 23, 9, 30)),
        # 2/9: Fri 28 Aug 10:00 + 5 days skips Mon 31 Aug, Tue 1 and Wed 2 Sep: Thu 3 (1),
        # Fri 4 (2), Mon 7 (3), Tue 8 (4), Wed 9 Sep (5).
        (at(8, 28, 10), "normal", ROADS, at(9, 9, 10)),
        # The Saturday worked for 2/9: Fri 21 Aug 10:00 + 5 days = Sat 22 (1), Mon 24 (2),
        # Tue 25 (3), Wed 26 (4), Thu 27 Aug (5).
        (at(8, 21, 10), "normal", ROADS, at(8, 27, 10)),
        # A question (normal) is due in 3 working days: Mon 2 Mar 10:00 → Thu 5 Mar 10:00.
        (at(3, 2, 10), "normal", ("Hỏi về chính sách, chế độ", QUESTIONS), at(3, 5, 10)),
        # Complex: Mon 2 Mar 10:00 + 15 working days = three whole weeks → Mon 23 Mar 10:00.
        (at(3, 2, 10), "complex", ROADS, at(3, 23, 10)),
    ],
)
def test_answer_deadlines_on_the_working_calendar(
    accepted: datetime, severity: str, topic: tuple[str, str], due: datetime
) -> None:
    data = story(accepted, accepted, severity=severity, topic=topic)
    assert clock(data, accepted + (due - accepted) / 2)["due_at"] == due
    # Open until the deadline itself, overdue one second after it.
    after = due + pd.Timedelta(seconds=1)
    assert states(data, due, after) == [WITHIN, OVERDUE]


def test_the_acceptance_deadline_passes_while_the_case_waits_to_be_accepted() -> None:
    # Received Fri 13 Mar 15:00; 8 working hours: Fri 15:00–17:00 (2 h), Mon 16 Mar 07:30–11:30
    # (4 h) and 13:30–15:30 (2 h) → Mon 16 Mar 15:30.
    received = at(3, 13, 15)
    waiting = story(received, None)
    now = clock(waiting, at(3, 17, 8))
    assert now["accept_due_at"] == at(3, 16, 15, 30)
    assert now["state"] == OVERDUE
    assert pd.isna(now["due_at"]) and pd.isna(now["accepted_at"])  # no answer clock yet
    # Tue 17 Mar 08:00 is 2 working hours past it: Mon 15:30–17:00 and Tue 07:30–08:00.
    assert now["remaining_seconds"] == -2 * 3600
    assert states(waiting, at(3, 16, 15, 30), at(3, 16, 15, 31)) == [WITHIN, OVERDUE]

    # Accepted late, on Tue 17 Mar 08:00: the urgent answer clock counts from the acceptance,
    # 4 h = 08:00–11:30 (3.5 h) and 13:30–14:00 → Tue 17 Mar 14:00.
    accepted = story(received, at(3, 17, 8), severity="urgent")
    now = clock(accepted, at(3, 17, 9))
    assert now["state"] == WITHIN
    assert now["due_at"] == at(3, 17, 14)
    assert now["round_started_at"] == at(3, 17, 8)
    assert now["accept_due_at"] == at(3, 16, 15, 30)  # still on record: accepted late


# --- Pauses -----------------------------------------------------------------------------------
# Normal case accepted Mon 2 Mar 10:00: due Mon 9 Mar 10:00 without a pause.
ACCEPTED = at(3, 2, 10)
RECEIVED = at(3, 2, 9)


def test_waiting_on_the_citizen_moves_the_deadline_by_the_pause() -> None:
    # On hold Wed 4 Mar 14:00 → Fri 6 Mar 09:00: Wed 14:00–17:00 (3 h), Thu (7.5 h), Fri
    # 07:30–09:00 (1.5 h) = 12 working hours. Mon 9 Mar 10:00 + 12 h: Mon 10:00–11:30 and
    # 13:30–17:00 (5 h), Tue 07:30–11:30 (4 h) and 13:30–16:30 (3 h) → Tue 10 Mar 16:30.
    data = story(
        RECEIVED,
        ACCEPTED,
        (at(3, 4, 14), "on_hold", CITIZEN),
        (at(3, 6, 9), "in_progress"),
    )
    during = clock(data, at(3, 5, 12))
    assert during["state"] == PAUSED
    assert during["paused_since"] == at(3, 4, 14)
    assert during["due_at"] == at(3, 9, 10)  # the pause has not ended: not moved yet
    # Frozen: from Wed 14:00 to Mon 10:00 = 3 + 7.5 + 7.5 + 2.5 h = 20.5 h.
    assert during["remaining_seconds"] == 20.5 * 3600
    after = clock(data, at(3, 10, 12))
    assert after["state"] == WITHIN and after["due_at"] == at(3, 10, 16, 30)
    # 12:00 is lunch: left are 13:30–16:30 = 3 h.
    assert after["remaining_seconds"] == 3 * 3600
    assert pd.isna(after["paused_since"])
    assert states(data, at(3, 9, 11), at(3, 10, 16, 30), at(3, 10, 16, 31)) == [
        WITHIN,
        WITHIN,
        OVERDUE,
    ]


def test_a_case_resolved_after_a_pause_is_on_time_by_the_moved_deadline() -> None:
    steps = ((at(3, 4, 14), "on_hold"), (at(3, 6, 9), "in_progress"), (at(3, 10, 16), "resolved"))
    # Waiting on the citizen: due Tue 10 Mar 16:30 (above), resolved at 16:00 → on time.
    citizen = story(RECEIVED, ACCEPTED, (*steps[0], CITIZEN), steps[1], steps[2])
    # Waiting on another agency does not stop the clock: due Mon 9 Mar 10:00 → late.
    agency = story(RECEIVED, ACCEPTED, (*steps[0], AGENCY), steps[1], steps[2])
    assert states(citizen, at(4, 1)) == [ON_TIME]
    assert states(agency, at(4, 1)) == [LATE]
    # While waiting on the agency the case is open, not paused.
    assert states(agency, at(3, 5, 12)) == [WITHIN]
    events = resolution_events(*agency, table=TABLE, calendar=CAL)
    assert events.to_dict("records") == [
        {
            "case_id": 1,
            "resolved_at": at(3, 10, 16),
            "due_at": at(3, 9, 10),
            "on_time": False,
            "last": True,
        }
    ]


def test_a_pause_that_begins_after_the_deadline_moves_nothing() -> None:
    # Due Mon 9 Mar 10:00; put on hold waiting on the citizen on Tue 10 Mar 09:00, resumed Thu
    # 12 Mar 09:00: the deadline had passed, so it stays, and the case stays overdue meanwhile.
    data = story(
        RECEIVED,
        ACCEPTED,
        (at(3, 10, 9), "on_hold", CITIZEN),
        (at(3, 12, 9), "in_progress"),
    )
    assert states(data, at(3, 11, 12), at(3, 13)) == [OVERDUE, OVERDUE]
    assert clock(data, at(3, 11, 12))["due_at"] == at(3, 9, 10)
    assert clock(data, at(3, 13))["due_at"] == at(3, 9, 10)


def test_a_pause_that_begins_at_the_deadline_itself_still_moves_it() -> None:
    # On hold exactly at Mon 9 Mar 10:00 (not yet passed: "at or before"), resumed Tue 10 Mar
    # 10:00: Mon 10:00–11:30 and 13:30–17:00 (5 h) + Tue 07:30–10:00 (2.5 h) = 7.5 h, so the
    # deadline moves one working day, to Tue 10 Mar 10:00.
    data = story(
        RECEIVED,
        ACCEPTED,
        (at(3, 9, 10), "on_hold", CITIZEN),
        (at(3, 10, 10), "in_progress"),
    )
    assert clock(data, at(3, 10, 11))["due_at"] == at(3, 10, 10)


def test_a_second_pause_is_judged_by_the_deadline_the_first_one_moved() -> None:
    # First pause as above: due Tue 10 Mar 16:30. The second begins Tue 10 Mar 14:00 — after
    # the original deadline (Mon 9 Mar 10:00) but before the moved one — so it counts: Tue
    # 14:00–17:00 (3 h) + Wed 07:30–09:00 (1.5 h) = 4.5 h. Tue 16:30 + 4.5 h: Tue 16:30–17:00
    # (0.5 h), Wed 07:30–11:30 (4 h) → Wed 11 Mar 11:30.
    data = story(
        RECEIVED,
        ACCEPTED,
        (at(3, 4, 14), "on_hold", CITIZEN),
        (at(3, 6, 9), "in_progress"),
        (at(3, 10, 14), "on_hold", CITIZEN),
        (at(3, 11, 9), "in_progress"),
    )
    assert states(data, at(3, 10, 15)) == [PAUSED]
    assert clock(data, at(3, 11, 10))["due_at"] == at(3, 11, 11, 30)


# --- The status history ---------------------------------------------------------------------------


def reopened_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Accepted Mon 2 Mar 10:00 (due Mon 9 Mar 10:00), resolved Fri 6 Mar 15:00: on time.
    # Reopened Thu 2 Apr 10:00: a new round, due 5 working days later — Fri 3 (1), Mon 6 (2),
    # Tue 7 (3), Wed 8 (4), Thu 9 Apr (5) 10:00; resolved again Tue 14 Apr 09:00: late.
    return story(
        RECEIVED,
        ACCEPTED,
        (at(3, 3, 8), "assigned"),
        (at(3, 3, 9), "in_progress"),
        (at(3, 6, 15), "resolved"),
        (at(4, 2, 10), "reopened"),
        (at(4, 3, 8), "in_progress"),
        (at(4, 14, 9), "resolved"),
    )


def test_a_reopened_case_is_open_again_with_a_new_deadline_and_march_stays_resolved() -> None:
    data = reopened_case()
    # End of March (00:00 on 1 April): resolved on time. Sunday 5 April: open within the new
    # deadline. End of April: resolved, late by the new round's deadline.
    assert states(data, at(4, 1), at(4, 5), at(4, 10), at(5, 1)) == [
        ON_TIME,
        WITHIN,
        OVERDUE,
        LATE,
    ]
    now = clock(data, at(4, 5))
    assert now["round_started_at"] == at(4, 2, 10)
    assert now["due_at"] == at(4, 9, 10)
    # By Sunday Thu 2 Apr 10:00–17:00 (5 h) and Fri 3 Apr (7.5 h) are used; left are Mon–Wed
    # (22.5 h) and Thu 9 Apr 07:30–10:00 (2.5 h) = 25 h.
    assert now["remaining_seconds"] == 25 * 3600


def test_two_resolutions_give_two_events_the_last_one_carries_the_answer() -> None:
    events = resolution_events(*reopened_case(), table=TABLE, calendar=CAL)
    assert events.to_dict("records") == [
        {
            "case_id": 1,
            "resolved_at": at(3, 6, 15),
            "due_at": at(3, 9, 10),
            "on_time": True,
            "last": False,
        },
        {
            "case_id": 1,
            "resolved_at": at(4, 14, 9),
            "due_at": at(4, 9, 10),
            "on_time": False,
            "last": True,
        },
    ]


def test_a_case_reopened_and_still_open_has_no_last_resolution() -> None:
    data = story(RECEIVED, ACCEPTED, (at(3, 6, 15), "resolved"), (at(4, 2, 10), "reopened"))
    events = resolution_events(*data, table=TABLE, calendar=CAL)
    assert events["last"].tolist() == [False]


def test_rejected_and_duplicate_cases() -> None:
    rejected = story(RECEIVED, None, (at(3, 2, 11), "rejected", "Không thuộc thẩm quyền"))
    # Before the decision the case waits to be accepted (due Tue 3 Mar 09:30).
    assert states(rejected, at(3, 2, 10), at(3, 3)) == [WITHIN, "rejected"]
    now = clock(rejected, at(3, 3))
    assert pd.isna(now["due_at"]) and np.isnan(now["remaining_seconds"])

    duplicate = story(RECEIVED, None, (at(3, 2, 11), "duplicate", "Trùng nội dung"))
    assert states(duplicate, at(3, 2, 11), at(3, 2, 11, 1)) == [WITHIN, "duplicate"]


def test_a_rejected_case_taken_up_again_is_open_from_then() -> None:
    # Rejected Mon 2 Mar 11:00, then accepted Wed 4 Mar 10:00 after all: the answer round
    # starts at the acceptance, due Wed 11 Mar 10:00.
    data = frames(
        [{"id": 1, "received": RECEIVED, "accepted": at(3, 4, 10)}],
        [
            (1, RECEIVED, "received", None),
            (1, at(3, 2, 11), "rejected", "Không thuộc thẩm quyền"),
            (1, at(3, 4, 10), "accepted", None),
        ],
    )
    assert states(data, at(3, 3), at(3, 5)) == ["rejected", WITHIN]
    now = clock(data, at(3, 5))
    assert now["round_started_at"] == at(3, 4, 10) and now["due_at"] == at(3, 11, 10)


def test_a_change_at_23_59_on_the_last_day_counts_in_that_month() -> None:
    # Two cases accepted Fri 27 Mar 10:00 (due Fri 3 Apr 10:00): one resolved Tue 31 Mar
    # 23:59, one at 00:00 on Wed 1 April. At the end of March (1 April 00:00) only the first
    # counts as resolved: a change counts from the changes strictly before the instant.
    received, accepted = at(3, 27, 9), at(3, 27, 10)
    data = frames(
        [{"id": i, "received": received, "accepted": accepted} for i in (1, 2)],
        [
            (1, received, "received", None),
            (1, accepted, "accepted", None),
            (1, at(3, 31, 23, 59), "resolved", None),
            (2, received, "received", None),
            (2, accepted, "accepted", None),
            (2, at(4, 1), "resolved", None),
        ],
    )
    codes = case_states_at(*data, [at(4, 1), at(4, 1, 0, 1)], table=TABLE, calendar=CAL)
    assert [[STATES[c].value for c in row] for row in codes] == [
        [ON_TIME, ON_TIME],
        [WITHIN, ON_TIME],
    ]


def test_a_case_received_at_the_instant_is_not_yet_there() -> None:
    data = frames(
        [{"id": 7, "received": at(4, 1)}, {"id": 8, "received": at(3, 31, 23, 59)}],
        [(7, at(4, 1), "received", None), (8, at(3, 31, 23, 59), "received", None)],
    )
    codes = case_states_at(*data, [at(4, 1)], table=TABLE, calendar=CAL)
    assert codes[:, 0].tolist() == [NOT_YET, STATES.index(CaseState.OPEN_WITHIN)]
    clocks = case_deadlines(*data, as_of=at(4, 1), table=TABLE, calendar=CAL)
    assert clocks.loc[7, "state"] is None and clocks.loc[8, "state"] == WITHIN


def test_rows_follow_the_order_of_the_cases_given() -> None:
    # Case 3 rejected, case 1 duplicate, case 2 only received — listed 3, 1, 2.
    data = frames(
        [{"id": i, "received": RECEIVED} for i in (3, 1, 2)],
        [
            (1, RECEIVED, "received", None),
            (1, at(3, 2, 10), "duplicate", None),
            (2, RECEIVED, "received", None),
            (3, RECEIVED, "received", None),
            (3, at(3, 2, 10), "rejected", None),
        ],
    )
    codes = case_states_at(*data, [at(3, 3)], table=TABLE, calendar=CAL)[:, 0]
    # Case 2 was due to be accepted by Tue 3 Mar 09:30: within at 00:00 on 3 March.
    assert [STATES[c].value for c in codes] == ["rejected", "duplicate", WITHIN]
    assert list(case_deadlines(*data, as_of=at(3, 3), table=TABLE, calendar=CAL).index) == [
        3,
        1,
        2,
    ]


def test_a_record_without_accepted_at_is_accepted_at_its_first_handling_change() -> None:
    # No accepted_at; assigned Mon 2 Mar 10:00 → the answer clock runs from then.
    data = story(RECEIVED, None, (ACCEPTED, "assigned"))
    now = clock(data, at(3, 3))
    assert now["accepted_at"] == ACCEPTED and now["due_at"] == at(3, 9, 10)


def test_an_aware_instant_is_read_in_vietnam_time() -> None:
    data = story(RECEIVED, ACCEPTED)
    # 03:00:01 UTC = 10:00:01 in Hanoi, one second after the deadline of Mon 9 Mar 10:00.
    assert states(data, datetime(2026, 3, 9, 3, 0, 1, tzinfo=UTC)) == [OVERDUE]


# --- Ageing --------------------------------------------------------------------------------------


def test_age_buckets_by_whole_days_since_receipt() -> None:
    received = np.array([at(3, 1, 10)], dtype="datetime64[s]")
    # 1 Mar + 7 days = 8 Mar; + 8 = 9 Mar; + 30 = 31 Mar; + 31 = 1 Apr; + 90 = 30 May (30 days
    # left of March, 30 of April, 30 of May); + 91 = 31 May.
    instants = [
        at(3, 1, 10),  # the instant of receipt: not yet received
        at(3, 8, 10),
        at(3, 9, 9, 59),  # 7 days and 23:59 h: still 7 whole days
        at(3, 9, 10),
        at(3, 31, 10),
        at(4, 1, 10),
        at(5, 30, 10),
        at(5, 31, 10),
    ]
    names = [None if c < 0 else AGE_BUCKETS[c][0] for c in age_bucket_codes(received, instants)[0]]
    assert names == [
        None,
        "age_0_7",
        "age_0_7",
        "age_8_30",
        "age_8_30",
        "age_31_90",
        "age_31_90",
        "age_over_90",
    ]


# --- The declared table ------------------------------------------------------------------------


def test_the_declared_table_holds_the_province_s_times() -> None:
    table = default_deadline_table()
    assert table.accept == AnswerTime(hours=8)
    assert table.answer_time("urgent", "Hư hỏng đường giao thông") == AnswerTime(hours=4)
    assert table.answer_time("normal", "Hư hỏng đường giao thông") == AnswerTime(days=5)
    assert table.answer_time("complex", "Hư hỏng đường giao thông") == AnswerTime(days=15)
    assert table.answer_time("normal", "Hỏi về chính sách, chế độ", QUESTIONS) == AnswerTime(days=3)
    # Only the waiting-on-the-citizen reason pauses (of the demo's four hold reasons).
    assert table.pause_reasons == (CITIZEN,)
    assert len(table.content_hash) == 64 and table.source.endswith("feedback_deadlines.yaml")


def test_a_category_entry_wins_over_its_group_s() -> None:
    table = DeadlineTable(
        accept=AnswerTime(hours=8),
        by_severity={"normal": AnswerTime(days=5)},
        by_category={("Hỏi về chính sách, chế độ", "normal"): AnswerTime(days=1)},
        by_group={(QUESTIONS, "normal"): AnswerTime(days=3)},
    )
    assert table.answer_time("normal", "Hỏi về chính sách, chế độ", QUESTIONS).days == 1
    assert table.answer_time("normal", "Hướng dẫn thủ tục hành chính", QUESTIONS).days == 3
    with pytest.raises(ValueError, match="unknown severity 'critical'"):
        table.answer_time("critical", "Hư hỏng đường giao thông")


GOOD = """
accept: {hours: 8, basis: b}
answer:
  urgent: {hours: 4, basis: b}
  normal: {days: 5, basis: b}
  complex: {days: 15, basis: b}
overrides:
  - {group: "Hỏi đáp, hướng dẫn", severity: normal, days: 3, basis: b}
pause_reasons:
  - {reason: "Chờ người dân bổ sung thông tin, hình ảnh", basis: b}
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("urgent: {hours: 4", "very_urgent: {hours: 4", "answer.very_urgent: unknown severity"),
        ("accept: {hours: 8", "accept: {hours: -8", "accept.hours: must be more than 0"),
        ("normal: {days: 5, basis: b}", "normal: {days: 5}", "answer.normal: needs a basis"),
        ("normal: {days: 5", "normal: {days: 2.5", "answer.normal.days: whole working days"),
        ("complex: {days: 15", "complex: {days: 15, hours: 2", "answer.complex: give exactly one"),
        ("severity: normal, days: 3", "severity: routine, days: 3", r"overrides\[0\] \(Hỏi"),
        ("{reason: ", "{basis: x, why: ", r"pause_reasons\[0\]: needs a reason"),
    ],
)
def test_a_bad_table_names_the_file_and_the_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = tmp_path / "deadlines.yaml"
    assert old in GOOD
    path.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as raised:
        load_deadline_table(path)
    assert str(path) in str(raised.value)


def test_the_good_table_of_the_bad_table_test_loads(tmp_path: Path) -> None:
    path = tmp_path / "deadlines.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_deadline_table(path).by_group == {(QUESTIONS, "normal"): AnswerTime(days=3)}


def test_bad_records_are_refused() -> None:
    cases, history = story(RECEIVED, ACCEPTED, (at(3, 3), "closed"))
    with pytest.raises(ValueError, match=r"unknown feedback status.*closed"):
        case_states_at(cases, history, [at(3, 4)], table=TABLE, calendar=CAL)
    cases, history = story(RECEIVED, ACCEPTED)
    with pytest.raises(ValueError, match="category_group"):
        case_states_at(cases.drop(columns="category_group"), history, [at(3, 4)], table=TABLE)
    stranger = pd.concat([history, history.assign(case_id=99)])
    with pytest.raises(ValueError, match="not among the cases"):
        case_states_at(cases, stranger, [at(3, 4)], table=TABLE, calendar=CAL)


# --- The vectorised computation against a case-by-case walk ----------------------------------
# The rules above, applied one case and one instant at a time with the day-by-day calendar
# (WorkCalendar.add_working_hours, working_hours_between), on random stories: every state, every
# deadline and every resolution must agree with the vectorised computation.

_CLOSED = {"resolved", "rejected", "duplicate"}
_HANDLING = {"accepted", "assigned", "in_progress", "on_hold", "resolved"}
_NEXT = {
    "received": ["accepted", "rejected", "duplicate", "assigned"],
    "accepted": ["assigned", "in_progress", "on_hold", "resolved"],
    "assigned": ["in_progress", "on_hold", "resolved"],
    "in_progress": ["on_hold", "resolved", "in_progress"],
    "on_hold": ["in_progress", "resolved", "on_hold"],
    "resolved": ["reopened", "resolved"],
    "reopened": ["in_progress", "on_hold", "resolved"],
    "rejected": ["accepted", "received"],
    "duplicate": ["in_progress"],
}


def _random_stories(seed: int, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    cases, changes = [], []
    for i in range(1, n + 1):
        received = pd.Timestamp(at(1, 5)) + pd.Timedelta(seconds=int(rng.integers(0, 150 * 86400)))
        status, now, accepted = "received", received, NaT
        changes.append((i, received.to_pydatetime(), "received", None))
        for _ in range(int(rng.integers(0, 8))):
            # Gaps from none at all (changes at the same instant) to a few weeks.
            gap = int(rng.choice([0, 600, 5000, 40_000, 400_000]))
            now = now + pd.Timedelta(seconds=gap + (int(rng.integers(0, 3600)) if gap else 0))
            status = str(rng.choice(_NEXT[status]))
            note = str(rng.choice([CITIZEN, AGENCY])) if status == "on_hold" else None
            if status == "accepted" and pd.isna(accepted) and rng.random() < 0.8:
                accepted = now  # some records keep no accepted_at: the history tells
            changes.append((i, now.to_pydatetime(), status, note))
        severity = str(rng.choice(["urgent", "normal", "complex"]))
        topic = ROADS if rng.random() < 0.7 else ("Hỏi về chính sách, chế độ", QUESTIONS)
        cases.append(
            {
                "id": i,
                "received": received,
                "accepted": accepted,
                "severity": severity,
                "topic": topic,
            }
        )
    return frames(cases, changes)


@dataclass(frozen=True)
class _Story:
    received: datetime
    answer_hours: float
    events: list[tuple[datetime, str, str | None]]  # the made-up acceptance first at its instant


def _story(case: pd.Series, changes: pd.DataFrame) -> _Story:
    received = case["received_at"].to_pydatetime()
    handling = changes.loc[changes["to_status"].isin(_HANDLING), "changed_at"]
    acceptance = case["accepted_at"] if pd.notna(case["accepted_at"]) else handling.min()
    events: list[tuple[datetime, str, str | None]] = []
    if pd.notna(acceptance):
        events.append((max(pd.Timestamp(acceptance).to_pydatetime(), received), "(accepted)", None))
    for moment, to_status, note in changes[["changed_at", "to_status", "note"]].itertuples(
        index=False
    ):
        events.append((pd.Timestamp(moment).to_pydatetime(), to_status, note))
    events.sort(key=lambda e: e[0])  # stable: changes at one instant keep their order
    allowed = TABLE.answer_time(case["severity"], case["category"], case["category_group"])
    return _Story(received, allowed.seconds(CAL) / 3600, events)


def _walk(story: _Story, t: datetime) -> tuple[str | None, datetime | None]:
    """(state, answer deadline in force or None) of one case at ``t``, step by step."""
    if story.received >= t:
        return None, None
    start, hours, answering = story.received, 8.0, False
    hold: datetime | None = None
    status, resolved_at = "received", story.received

    def due() -> datetime:
        return CAL.add_working_hours(start, hours)

    for moment, to_status, note in story.events:
        if moment >= t:
            break
        if to_status == "(accepted)":
            start, hours, answering, hold = moment, story.answer_hours, True, None
            continue
        if hold is not None:
            hours += CAL.working_hours_between(hold, moment)
            hold = None
        previous, status = status, to_status
        if previous in _CLOSED and status not in _CLOSED:
            start, hours, answering = moment, story.answer_hours, True
        if status == "on_hold" and note == CITIZEN and moment <= due():
            hold = moment
        if status == "resolved":
            resolved_at = moment
    deadline = due() if answering else None
    if status == "resolved":
        return (ON_TIME if resolved_at <= due() else LATE), deadline
    if status in ("rejected", "duplicate"):
        return status, deadline
    if hold is not None:
        return PAUSED, deadline
    return (OVERDUE if due() < t else WITHIN), deadline


def _stories(cases: pd.DataFrame, history: pd.DataFrame) -> dict[int, _Story]:
    by_case = dict(tuple(history.groupby("case_id")))
    return {case["id"]: _story(case, by_case[case["id"]]) for _, case in cases.iterrows()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_vectorised_states_agree_with_a_case_by_case_walk(seed: int) -> None:
    cases, history = _random_stories(seed, 120)
    rng = np.random.default_rng(seed + 100)
    # Month ends, random instants, and instants exactly at (and just after) changes.
    exact = history["changed_at"].sample(12, random_state=seed).tolist()
    instants = (
        [at(m, 1) for m in range(2, 8)] + exact + [e + pd.Timedelta(seconds=1) for e in exact]
    )
    instants += [at(1, 5) + pd.Timedelta(seconds=int(s)) for s in rng.integers(0, 200 * 86400, 8)]
    instants = [pd.Timestamp(i).to_pydatetime() for i in instants]
    codes = case_states_at(cases, history, instants, table=TABLE, calendar=CAL)
    stories = _stories(cases, history)
    for i, case_id in enumerate(cases["id"]):
        for j, t in enumerate(instants):
            expected, _ = _walk(stories[case_id], t)
            got = None if codes[i, j] == NOT_YET else STATES[codes[i, j]].value
            assert got == expected, (case_id, t)
    as_of = instants[5]  # 1 July
    clocks = case_deadlines(cases, history, as_of=as_of, table=TABLE, calendar=CAL)
    for case_id in cases["id"]:
        state, due = _walk(stories[case_id], as_of)
        row = clocks.loc[case_id]
        assert row["state"] == state
        assert (pd.isna(row["due_at"]) and due is None) or row["due_at"] == due, case_id


@pytest.mark.parametrize("seed", [4, 5])
def test_resolutions_agree_with_a_case_by_case_walk(seed: int) -> None:
    cases, history = _random_stories(seed, 120)
    events = resolution_events(cases, history, table=TABLE, calendar=CAL)
    by_case = dict(tuple(history.groupby("case_id")))
    stories = _stories(cases, history)
    assert len(events) == (history["to_status"] == "resolved").sum()
    for event in events.itertuples():
        # Just after the resolution the walk stands at it: its deadline and its verdict.
        after = event.resolved_at + pd.Timedelta(seconds=1)
        changes = by_case[event.case_id]
        # Changes at the same second as the resolution, after it, would move the walk on.
        later_same_second = (changes["changed_at"] == event.resolved_at).sum() > 1
        if later_same_second:
            continue
        state, due = _walk(stories[event.case_id], after.to_pydatetime())
        assert state == (ON_TIME if event.on_time else LATE), event
        assert due is None or event.due_at == due, event
