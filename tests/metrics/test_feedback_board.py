"""The feedback board from a small hand-made set of stored counts, on SQLite and PostgreSQL.

The counts are written through ``data.feedback_stats.write_feedback_stats`` as the refresh
would write them; every expected figure below is worked out by hand from the rows in
``STATS`` (the sums are written next to each assertion).
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine

from data.feedback_stats import COUNT_COLUMNS, StatsState, write_feedback_stats
from metrics.feedback_board import (
    NOTE_PAST_LISTS,
    QUESTION_GROUP,
    FeedbackFilters,
    NoFeedbackStats,
    feedback_board,
    feedback_filter_options,
    unit_feedback_block,
)
from metrics.feedback_cases import CaseState
from tests.data.feedback_rows import add_cases, open_cases_frame

A, B = "22015", "22045"  # Phường Tuy Hòa, Phường Bình Kiến
ROADS = ("Hạ tầng kỹ thuật", "Đường hư hỏng")  # a problem report
LAND = (QUESTION_GROUP, "Thủ tục đất đai")  # a question asking for guidance
AUG, SEP, OCT, NOV = (date(2026, m, 1) for m in (8, 9, 10, 11))
AS_OF = datetime(2026, 11, 20, 10, 0)  # a Friday, in November: November is the newest period

# (period, unit, (group, category), counts): counts not named are 0.
STATS = [
    (AUG, A, ROADS, dict(received=10, resolved=10, resolved_on_time=10, resolved_with_evidence=10)),
    (
        SEP,
        A,
        ROADS,
        dict(
            open_within=2, open_overdue=1, age_0_7=1, age_8_30=2, received=5, resolved=4,
            resolved_on_time=3, resolved_with_evidence=2, rated=2, satisfied=1, reopened=1,
        ),
    ),
    (
        SEP,
        B,
        LAND,
        dict(open_within=1, age_0_7=1, received=2, resolved=2, resolved_on_time=2, rated=1,
             satisfied=1),
    ),
    (
        OCT,
        A,
        ROADS,
        dict(
            open_within=1, open_overdue=2, paused=1, age_8_30=2, age_31_90=2, received=3,
            resolved=2, resolved_on_time=1, resolved_with_evidence=2, rated=1,
        ),
    ),
    (
        OCT,
        B,
        LAND,
        dict(received=1, resolved=1, resolved_on_time=1, resolved_with_evidence=1, rated=1,
             satisfied=1),
    ),
    (
        NOV,
        A,
        ROADS,
        dict(
            open_within=3, open_overdue=3, age_0_7=2, age_8_30=1, age_31_90=2, age_over_90=1,
            received=4, resolved=4, resolved_on_time=2, resolved_with_evidence=3, rated=2,
            satisfied=2, reopened=1,
        ),
    ),
    (
        NOV,
        B,
        LAND,
        dict(
            open_within=2, paused=2, age_0_7=4, received=6, resolved=3, resolved_on_time=3,
            resolved_with_evidence=1, rated=2, satisfied=1,
        ),
    ),
]  # fmt: skip
# (week_start, unit, category, opened, closed)
WEEKS = [
    (date(2026, 5, 4), A, ROADS, 9, 9),  # before the 26 weeks up to 16/11/2026, not to 26/10
    (date(2026, 11, 9), A, ROADS, 1, 0),
    (date(2026, 11, 16), A, ROADS, 3, 2),
    (date(2026, 11, 16), B, LAND, 2, 1),
]


def _stats_frame() -> pd.DataFrame:
    rows = []
    for period, unit, (group, category), counts in STATS:
        row = {"period": period, "unit_code": unit, "category_group": group, "category": category}
        rows.append({**row, **{c: counts.get(c, 0) for c in COUNT_COLUMNS}})
    return pd.DataFrame(rows)


def _weekly_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "week_start": week,
                "unit_code": unit,
                "category_group": group,
                "category": category,
                "opened": opened,
                "closed": closed,
            }
            for week, unit, (group, category), opened, closed in WEEKS
        ]
    )


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    # Open cases for the lists: PA-1 past its deadline at AS_OF, PA-2 within it, PA-3 closed;
    # stored with the counts as the refresh stores them (PA-3 is not open).
    with migrated_engine.begin() as conn:
        add_cases(
            conn,
            [
                _case("PA-1", datetime(2026, 11, 2, 8), datetime(2026, 11, 9, 9), "in_progress"),
                _case("PA-2", datetime(2026, 11, 18, 8), datetime(2026, 11, 25, 9), "in_progress"),
                _case("PA-3", datetime(2026, 10, 1, 8), datetime(2026, 10, 8, 9), "resolved"),
            ],
        )
    state = StatsState(data_version=1, rules_hash="test", as_of=AS_OF, computed_at=AS_OF)
    open_cases = open_cases_frame(migrated_engine, {"PA-1": "open_overdue", "PA-2": "open_within"})
    write_feedback_stats(migrated_engine, _stats_frame(), _weekly_frame(), state, open_cases)
    return migrated_engine


def _case(code: str, received: datetime, due: datetime, status: str) -> dict[str, object]:
    from tests.data.feedback_rows import case

    return case(
        code,
        A,
        received,
        status,
        category_group=ROADS[0],
        category=ROADS[1],
        accepted_at=received.replace(hour=9),
        due_at=due,
    )


def test_the_newest_period_counts_the_states_now_and_the_shares_over_three_months(
    engine: Engine,
) -> None:
    board = feedback_board(engine, FeedbackFilters())
    assert board.period == NOV and board.is_latest and board.as_of == AS_OF
    assert board.window == (SEP, NOV)
    head = board.headline
    # States in November: within 3 + 2 = 5, overdue 3 + 0 = 3, paused 0 + 2 = 2 → open 10.
    assert (head.open_within, head.open_overdue, head.paused, head.open) == (5, 3, 2, 10)
    assert head.overdue_share == pytest.approx(30.0)  # 3 of 10
    assert head.received == 10  # 4 + 6, November's only
    # Window September–November (August's 10 resolutions are outside it):
    # resolved A 4 + 2 + 4 = 10, B 2 + 1 + 3 = 6 → 16; on time A 3 + 1 + 2 = 6, B 2 + 1 + 3 = 6.
    assert head.resolved == 16 and head.resolved_on_time == 12 and head.resolved_late == 4
    assert head.on_time_share == pytest.approx(75.0)
    # With evidence A 2 + 2 + 3 = 7, B 0 + 1 + 1 = 2 → 9 of 16; without: 7 of 16.
    assert head.without_evidence_share == pytest.approx(43.75)
    # Rated A 2 + 1 + 2 = 5, B 1 + 1 + 2 = 4 → 9; satisfied A 1 + 0 + 2, B 1 + 1 + 1 → 6 of 9.
    assert head.satisfaction_share == pytest.approx(600 / 9)
    assert head.reopen_rate == pytest.approx(12.5)  # reopened 1 + 1 = 2 per 16 resolutions
    assert board.notes == []


def test_a_past_month_is_judged_at_its_end_and_lists_nothing_of_today(engine: Engine) -> None:
    board = feedback_board(engine, FeedbackFilters(period=OCT))
    assert not board.is_latest and board.as_of == datetime(2026, 11, 1)  # October's end E
    head = board.headline
    # October's states: A within 1, overdue 2, paused 1; B nothing open → open 4, 2 overdue.
    assert (head.open, head.open_overdue, head.paused) == (4, 2, 1)
    assert head.overdue_share == pytest.approx(50.0)
    # Window August–October: resolved 10 + 4 + 2 (A) + 2 + 1 (B) = 19, on time 10+3+1+2+1 = 17.
    assert head.resolved == 19 and head.on_time_share == pytest.approx(1700 / 19)
    # The open cases of today are not October's: no list, no map, and a note says why.
    assert board.oldest_open.empty and board.neglected.empty and board.map_points.empty
    assert board.notes == [NOTE_PAST_LISTS]


def test_every_unit_is_listed_most_overdue_first(engine: Engine) -> None:
    by_unit = feedback_board(engine, FeedbackFilters()).by_unit
    assert len(by_unit) == 102  # a unit with no case reads zeros
    first, second = by_unit.iloc[0], by_unit.iloc[1]
    assert (first["unit_code"], first["unit_name"]) == (A, "Phường Tuy Hòa")
    assert (first["open"], first["open_overdue"], first["overdue_pct"]) == (6, 3, 50.0)
    # B has nothing overdue but 4 open: before the units with nothing open.
    assert (second["unit_code"], second["open"], second["paused"]) == (B, 4, 2)
    assert second["resolved"] == 6 and second["on_time_pct"] == pytest.approx(100.0)
    assert second["without_evidence_pct"] == pytest.approx(400 / 6)  # 2 of 6 with evidence
    rest = by_unit.iloc[2:]
    assert (rest["open"] == 0).all() and rest["on_time_pct"].isna().all()
    assert list(rest["unit_code"]) == sorted(rest["unit_code"])


def test_questions_come_after_the_problem_reports(engine: Engine) -> None:
    by_category = feedback_board(engine, FeedbackFilters()).by_category
    assert list(zip(by_category["category_group"], by_category["is_question"], strict=True)) == [
        (ROADS[0], False),
        (QUESTION_GROUP, True),
    ]
    assert list(by_category["open"]) == [6, 4]


def test_ageing_trend_and_weeks(engine: Engine) -> None:
    board = feedback_board(engine, FeedbackFilters())
    # November's open cases by age: 0–7 days 2 + 4, 8–30 1, 31–90 2, over 90 1 (sum 10 = open).
    assert dict(zip(board.ageing["bucket"], board.ageing["cases"], strict=True)) == {
        "age_0_7": 6,
        "age_8_30": 1,
        "age_31_90": 2,
        "age_over_90": 1,
    }
    trend = board.trend
    assert list(trend["period"]) == [AUG, SEP, OCT, NOV]
    assert list(trend["open_overdue"]) == [0, 1, 2, 3]
    # On time over each month's window: Aug 10/10; Sep (10+3+2)/(10+4+2) = 15/16;
    # Oct (10+5+2)/(10+6+3) = 17/19; Nov 12/16 — the headline's.
    assert trend["on_time_pct"].tolist() == pytest.approx([100.0, 93.75, 1700 / 19, 75.0])
    weekly = board.weekly
    assert len(weekly) == 26
    assert weekly["week_start"].iloc[-1] == date(2026, 11, 16)  # the Monday of AS_OF's week
    assert weekly["week_start"].iloc[0] == date(2026, 5, 25)  # 25 weeks earlier
    assert weekly["opened"].iloc[-1] == 5 and weekly["closed"].iloc[-1] == 3  # 3 + 2, 2 + 1
    assert weekly["opened"].sum() == 6  # 5 + 1: the May week is outside the 26
    # A past month ends its weeks with the one holding its last day (Sat 31/10 → Mon 26/10);
    # 25 weeks before it is Mon 04/05, whose 9 cases are now the first week's, and November's
    # weeks are after the month.
    past = feedback_board(engine, FeedbackFilters(period=OCT)).weekly
    assert past["week_start"].iloc[-1] == date(2026, 10, 26)
    assert past["week_start"].iloc[0] == date(2026, 5, 4)
    assert list(past["opened"]) == [9] + [0] * 25


def test_the_filters_narrow_every_count(engine: Engine) -> None:
    unit = feedback_board(engine, FeedbackFilters(unit_code=A))
    assert (unit.headline.open, unit.headline.open_overdue) == (6, 3)
    assert list(unit.by_unit["unit_code"]) == [A]
    questions = feedback_board(engine, FeedbackFilters(category_group=QUESTION_GROUP))
    # B's questions only: open 2 + 2, resolved 2 + 1 + 3 = 6, all on time.
    assert (questions.headline.open, questions.headline.resolved) == (4, 6)
    assert questions.headline.on_time_share == pytest.approx(100.0)
    assert list(questions.by_category["category"]) == [LAND[1]]
    assert questions.weekly["opened"].sum() == 2


def test_the_lists_are_of_the_open_cases_now_and_the_state_filter_narrows_them(
    engine: Engine,
) -> None:
    board = feedback_board(engine, FeedbackFilters())
    assert list(board.oldest_open["case_code"]) == ["PA-1", "PA-2"]  # PA-3 is resolved
    assert set(board.neglected["case_code"]) == {"PA-1", "PA-2"}
    overdue = feedback_board(engine, FeedbackFilters(state=CaseState.OPEN_OVERDUE))
    # PA-1 was due 09/11 09:00, before AS_OF; PA-2 is due 25/11.
    assert list(overdue.oldest_open["case_code"]) == ["PA-1"]
    assert overdue.notes == []
    within = feedback_board(engine, FeedbackFilters(state=CaseState.OPEN_WITHIN))
    assert list(within.oldest_open["case_code"]) == ["PA-2"]
    # No open case is paused: the lists and the map are empty, the counts unchanged.
    paused = feedback_board(engine, FeedbackFilters(state=CaseState.PAUSED))
    assert paused.oldest_open.empty and paused.neglected.empty and paused.map_points.empty
    assert paused.notes == []
    assert paused.headline == board.headline  # the state filter leaves the counts alone
    # A closed state: no open case is in it.
    resolved = feedback_board(engine, FeedbackFilters(state=CaseState.RESOLVED_ON_TIME))
    assert resolved.oldest_open.empty and resolved.headline == board.headline
    assert board.unrouted.empty and board.unrouted_total == 0


def test_the_filter_choices(engine: Engine) -> None:
    options = feedback_filter_options(engine)
    assert options.periods == [AUG, SEP, OCT, NOV]
    assert list(options.groups.items()) == [(ROADS[0], [ROADS[1]]), (QUESTION_GROUP, [LAND[1]])]
    assert options.question_group == QUESTION_GROUP and options.as_of == AS_OF


def test_the_dossier_block_reads_the_same_counts(engine: Engine) -> None:
    block = unit_feedback_block(engine, A, OCT)
    page = feedback_board(engine, FeedbackFilters(period=OCT, unit_code=A))
    assert block.headline == page.headline  # one computation for both
    assert (block.headline.open, block.headline.open_overdue) == (4, 2)
    # The overdue list is of now (the data's as-of), whichever month the headline is.
    assert block.data_as_of == AS_OF and list(block.overdue["case_code"]) == ["PA-1"]
    newest = unit_feedback_block(engine, A, None)
    assert newest.period == NOV and newest.is_latest and newest.headline.open == 6
    # A month after the newest counted one is judged as the newest (the counts run to now).
    assert unit_feedback_block(engine, A, date(2026, 12, 1)).period == NOV
    with pytest.raises(ValueError, match="07/2026"):
        unit_feedback_block(engine, A, date(2026, 7, 1))


def test_no_stored_counts_is_said_plainly(migrated_engine: Engine) -> None:
    assert feedback_filter_options(migrated_engine).as_of is None
    with pytest.raises(NoFeedbackStats):
        feedback_board(migrated_engine, FeedbackFilters())
