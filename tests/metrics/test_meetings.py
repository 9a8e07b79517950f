"""The meeting agenda, on hand-made scorecards, feedback and 5G tables and on the small task
register of ``tests.data.task_rows`` (SQLite and PostgreSQL), judged at the end of 31/3/2026.

The register at 31/3 (worked out in ``tests.data.task_rows``): assignment 3 (unit A, deadline
Fri 6/3) is overdue by 25 days; assignment 6 (unit B, deadline Fri 30/1, escalated on 2/2) is
overdue by 60 days and an open escalation; the others are done, open or not started.

The previous meeting (2/3/2026) concluded two tasks for unit B:
* "Hoàn thiện hồ sơ", deadline Fri 20/3 — not confirmed by 31/3: overdue, 11 days;
* "Lắp trạm 5G", deadline Thu 30/4 (a holiday: in force Mon 4/5), no check-in: not started.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine

from data.demo.load import reset_sequences
from data.meetings import (
    MeetingHeader,
    NewItem,
    insert_meeting,
    meeting_conclusions,
    previous_meeting,
    read_meeting,
    record_conclusion,
)
from metrics.meetings import (
    AgendaSources,
    ItemKind,
    agenda,
    baseline_period,
    build_agenda,
    dropped_items,
    load_meeting,
    meeting_before,
    meetings,
    plain,
    turned_red_items,
    will_miss_items,
)
from metrics.task_board import TaskFilters, task_board
from tests.data.task_rows import AS_OF, A, B, department_codes, insert_task_rows

PREVIOUS_DAY = date(2026, 3, 2)
MARCH, FEBRUARY = date(2026, 3, 1), date(2026, 2, 1)


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        insert_task_rows(conn)
        if conn.dialect.name == "postgresql":
            reset_sequences(conn)  # the rows above carry their ids: new tasks must not collide
    return migrated_engine


@pytest.fixture
def previous(engine: Engine) -> MeetingHeader:
    """The previous meeting with its two conclusions (see the module's docstring)."""
    meeting_id = insert_meeting(
        engine,
        held_on=PREVIOUS_DAY,
        title="Họp BCĐ tháng 3",
        period=FEBRUARY,
        created_by="Thư ký",
        items=[NewItem("turned_red", B, None, {"unit_name": "B"})],
    )
    stored = read_meeting(engine, meeting_id)
    assert stored is not None
    item = int(stored.items["item_id"].iloc[0])
    with engine.connect() as conn:
        lead = department_codes(conn)[0]
    for text, deadline in (
        ("Hoàn thiện hồ sơ", date(2026, 3, 20)),
        ("Lắp trạm 5G", date(2026, 4, 30)),
    ):
        record_conclusion(
            engine, item, text, B, "Lê Thị Hoa", "Chủ tịch UBND phường", deadline, lead, "Thư ký"
        )
    found = previous_meeting(engine, AS_OF)
    assert found is not None and found.id == meeting_id
    return found


def card(rows: list[tuple[str, str, float | None]]) -> pd.DataFrame:
    """A scorecard of (unit code, band, composite) rows; the name is "Unit <code>"."""
    return pd.DataFrame(
        {
            "unit_code": [code for code, _, _ in rows],
            "full_name": [f"Unit {code}" for code, _, _ in rows],
            "band": [band for _, band, _ in rows],
            "composite": [float("nan") if c is None else c for _, _, c in rows],
        }
    )


# before → now (composite change):
# U1 yellow 55 → red 45 (−10): turned red      U2 red 40 → red 38 (−2): was red already
# U3 green 80 → yellow 62 (−18): largest fall  U4 yellow 60 → 59 (−1)
# U5 grey (no composite) → red 30: turned red  U6 green 70 → 75 (+5): rose
# U7 yellow 65 → 58 (−7)   U8 yellow 66 → 60 (−6)   U9 yellow 50 → 47 (−3)
BEFORE = card(
    [
        ("U1", "yellow", 55.0),
        ("U2", "red", 40.0),
        ("U3", "green", 80.0),
        ("U4", "yellow", 60.0),
        ("U5", "grey", None),
        ("U6", "green", 70.0),
        ("U7", "yellow", 65.0),
        ("U8", "yellow", 66.0),
        ("U9", "yellow", 50.0),
    ]
)
NOW = card(
    [
        ("U1", "red", 45.0),
        ("U2", "red", 38.0),
        ("U3", "yellow", 62.0),
        ("U4", "yellow", 59.0),
        ("U5", "red", 30.0),
        ("U6", "green", 75.0),
        ("U7", "yellow", 58.0),
        ("U8", "yellow", 60.0),
        ("U9", "yellow", 47.0),
        ("U0", "red", 20.0),  # no score the month before: not compared
    ]
)
FEEDBACK = pd.DataFrame(  # the feedback board's order: most overdue first
    {
        "unit_code": ["F1", "F2", "F3"],
        "unit_name": ["Unit F1", "Unit F2", "Unit F3"],
        "open_overdue": [7, 3, 0],
        "open": [10, 20, 5],
        "overdue_pct": [70.0, 15.0, 0.0],
    }
)
WILL_MISS = pd.DataFrame(  # the infrastructure board's order: stuck longest first
    {
        "unit_code": [f"W{n}" for n in range(7)],
        "unit_name": [f"Unit W{n}" for n in range(7)],
        "stage": ["permitted"] * 6 + [None],
        "since": [date(2025, 9, n + 1) for n in range(6)] + [None],
        "days_stuck": pd.array([200, 150, 120, 90, 60, 30, None], dtype="Int64"),
        "why_none": [None] * 6 + ["no_site"],
        "forecast_middle": [date(2031, 1, 1)] * 6 + [None],
    }
)


def codes(items: list) -> list[str | None]:
    return [i.unit_code for i in items]


def test_units_that_turned_red_lowest_composite_first() -> None:
    items = turned_red_items(NOW, BEFORE, MARCH, FEBRUARY)
    assert codes(items) == ["U5", "U1"]  # U2 was red already, U0 has no earlier score
    assert items[1].figures["composite_before"] == 55.0
    assert items[1].figures["composite_now"] == 45.0
    assert items[1].figures["band_before"] == "yellow"
    assert items[0].figures["composite_before"] is None  # grey: no composite, stored as null


def test_the_largest_falls_leaving_out_units_already_listed() -> None:
    items = dropped_items(NOW, BEFORE, MARCH, FEBRUARY, leave_out={"U1", "U5"})
    assert codes(items) == ["U3", "U7", "U8", "U9", "U2"]  # −18, −7, −6, −3, −2; U4 is 6th
    assert [i.figures["change"] for i in items] == [-18.0, -7.0, -6.0, -3.0, -2.0]
    assert items[0].figures["baseline"] == "2026-02-01"


def test_a_unit_gone_grey_is_not_listed_as_a_fall() -> None:
    before = card([("G1", "yellow", 70.0), ("G2", "grey", 80.0), ("Y1", "yellow", 60.0)])
    now = card([("G1", "grey", 40.0), ("G2", "yellow", 50.0), ("Y1", "yellow", 58.0)])
    # G1 "fell" 30 points and G2 30 points, but a grey month's composite is not a score.
    assert codes(dropped_items(now, before, MARCH, FEBRUARY)) == ["Y1"]


def test_no_earlier_month_no_score_items() -> None:
    assert turned_red_items(NOW, None, MARCH, FEBRUARY) == []
    assert dropped_items(NOW, None, MARCH, FEBRUARY) == []


def test_will_miss_lists_five_and_counts_all() -> None:
    items = will_miss_items(WILL_MISS)
    assert codes(items) == ["W0", "W1", "W2", "W3", "W4"]
    assert {i.figures["total"] for i in items} == {7}
    assert items[0].figures["since"] == "2025-09-01" and items[0].figures["days_stuck"] == 200


def test_the_comparison_month() -> None:
    before = MeetingHeader(1, date(2026, 2, 5), "x", date(2026, 1, 1), AS_OF_DT, "x")
    assert baseline_period(MARCH, before) == date(2026, 1, 1)  # the previous meeting's month
    assert baseline_period(MARCH, None) == FEBRUARY  # no earlier meeting: the month before
    same = MeetingHeader(1, date(2026, 2, 5), "x", MARCH, AS_OF_DT, "x")
    assert baseline_period(MARCH, same) == FEBRUARY  # it looked at the same month


AS_OF_DT = pd.Timestamp("2026-03-02 09:00").to_pydatetime()


def test_the_agenda_opens_with_the_follow_up_and_keeps_its_order(
    engine: Engine, previous: MeetingHeader
) -> None:
    sources = AgendaSources(
        period=MARCH,
        baseline=FEBRUARY,
        as_of=AS_OF,
        now=NOW,
        before=BEFORE,
        register=task_board(engine, TaskFilters(as_of=AS_OF)).register,
        feedback_by_unit=FEEDBACK,
        will_miss=WILL_MISS,
        previous=previous,
        conclusions=meeting_conclusions(engine, previous.id),
    )
    items = agenda(sources)
    kinds = [i.kind for i in items]
    assert kinds == [
        *[ItemKind.FOLLOW_UP] * 2,
        *[ItemKind.TURNED_RED] * 2,
        *[ItemKind.DROPPED] * 5,
        ItemKind.OVERDUE_TASK,
        ItemKind.ESCALATION,
        *[ItemKind.FEEDBACK_OVERDUE] * 2,
        *[ItemKind.WILL_MISS_5G] * 5,
    ]
    follow = items[:2]
    assert [f.figures["conclusion"] for f in follow] == ["Hoàn thiện hồ sơ", "Lắp trạm 5G"]
    assert [f.figures["status"] for f in follow] == ["overdue", "not_started"]
    assert follow[0].figures["days_overdue"] == 11  # 31/3 − 20/3
    assert follow[1].figures["deadline"] == "2026-05-04"  # 30/4 is a holiday: Mon 4/5
    assert [f.figures["task_code"] for f in follow] == ["KL-20260302-1", "KL-20260302-2"]
    assert {f.unit_code for f in follow} == {B}
    # The conclusion's overdue task is followed up, not listed again among the overdue ones.
    overdue = items[9]
    assert (overdue.assignment_id, overdue.unit_code, overdue.figures["days_overdue"]) == (3, A, 25)
    escalation = items[10]
    assert (escalation.assignment_id, escalation.figures["days_overdue"]) == (6, 60)
    assert escalation.figures["escalated_at"] == "2026-02-02"
    assert codes(items[11:13]) == ["F1", "F2"]  # F3 has nothing past its deadline
    assert items[11].figures["open_overdue"] == 7
    for item in items:  # every figure can be stored as JSON
        json.dumps(item.figures)


def test_built_from_the_database_without_scores_or_sites(
    engine: Engine, previous: MeetingHeader
) -> None:
    items = build_agenda(engine, MARCH, previous, as_of=AS_OF)
    assert [i.kind for i in items] == [
        ItemKind.FOLLOW_UP,
        ItemKind.FOLLOW_UP,
        ItemKind.OVERDUE_TASK,
        ItemKind.ESCALATION,
    ]
    assert [i.assignment_id for i in items[2:]] == [3, 6]


def test_without_a_previous_meeting_the_overdue_list_is_longer(engine: Engine) -> None:
    with engine.connect() as conn:
        lead = department_codes(conn)[0]
    meeting = insert_meeting(
        engine,
        held_on=PREVIOUS_DAY,
        title="x",
        period=FEBRUARY,
        created_by="x",
        items=[NewItem("turned_red", B, None, {})],
    )
    stored = read_meeting(engine, meeting)
    assert stored is not None
    record_conclusion(
        engine,
        int(stored.items["item_id"].iloc[0]),
        "Hoàn thiện hồ sơ",
        B,
        "Lê Thị Hoa",
        "Chủ tịch",
        date(2026, 3, 20),
        lead,
        "x",
    )
    items = build_agenda(engine, MARCH, None, as_of=AS_OF)
    overdue = [i for i in items if i.kind is ItemKind.OVERDUE_TASK]
    assert [i.figures["days_overdue"] for i in overdue] == [25, 11]  # longest first


def test_plain_values() -> None:
    assert plain(pd.NA) is None and plain(float("nan")) is None and plain(pd.NaT) is None
    assert plain(pd.Timestamp("2026-03-20")) == "2026-03-20"
    assert plain(date(2026, 3, 20)) == "2026-03-20"
    assert plain(pd.array([3], dtype="Int64")[0]) == 3
    assert plain(["a", None]) == ["a", None]


def test_a_meeting_knows_the_one_it_followed_up(engine: Engine, previous: MeetingHeader) -> None:
    later = insert_meeting(
        engine, held_on=AS_OF, title="Tháng 4", period=MARCH, created_by="x", items=[]
    )
    stored = load_meeting(engine, later)
    assert stored is not None and stored.items.empty
    before = meeting_before(engine, stored.header)
    assert before is not None and before.id == previous.id
    assert meeting_before(engine, previous) is None
    assert [m.id for m in meetings(engine)] == [later, previous.id]
