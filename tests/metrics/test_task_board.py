"""The task board on the small register of ``tests.data.task_rows`` (SQLite and PostgreSQL),
judged at the end of 31/3/2026 unless a test says otherwise. Every figure is worked out by hand
from the table in that module's docstring."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data.models import Department
from metrics.catalog import default_catalog
from metrics.task_board import (
    TaskBucket,
    TaskFilters,
    ageing_bucket,
    not_moving,
    overdue_by_task,
    task_board,
    task_detail,
    task_filter_options,
    unit_task_block,
)
from tests.data.task_rows import AS_OF, START, A, B, insert_task_rows


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        insert_task_rows(conn)
    return migrated_engine


@pytest.fixture
def leads(engine: Engine) -> dict[str, str]:
    """D1, D2 → their codes; and each code → its short Vietnamese name."""
    with engine.connect() as conn:
        query = select(Department.code, Department.short_vi).order_by(Department.code)
        codes = [(code, short) for code, short in conn.execute(query)]
    (d1, short1), (d2, short2) = codes[0], codes[1]
    return {"D1": d1, "D2": d2, d1: short1, d2: short2}


def by_id(frame: pd.DataFrame) -> dict[int, pd.Series]:
    return {int(row["assignment_id"]): row for _, row in frame.iterrows()}


def buckets(on_time: int, late: int, open_: int, overdue: int, not_started: int) -> dict:
    return {
        TaskBucket.DONE_ON_TIME: on_time,
        TaskBucket.DONE_LATE: late,
        TaskBucket.IN_PROGRESS: open_,
        TaskBucket.OVERDUE: overdue,
        TaskBucket.NOT_STARTED: not_started,
    }


def test_each_case_gets_its_bucket(engine: Engine) -> None:
    rows = by_id(task_board(engine, TaskFilters(as_of=AS_OF)).register)
    status = {number: row["status"] for number, row in rows.items()}
    assert status == {
        1: "done_on_time",  # completed on the deadline day itself (10/3)
        2: "done_on_time",  # completed 18/3: after 27/2, by the extended 20/3
        3: "overdue",  # 6/3 over; the rejected request changed nothing
        4: "done_on_time",  # Saturday 14/3 ends on Monday 16/3, the completion day
        5: "done_on_time",  # Tết 17/2 ends on Monday 23/2, the completion day
        6: "overdue",
        7: "in_progress",  # completed but not confirmed: not done yet
        8: "not_started",
        12: "done_late",
    }


def test_deadlines_on_days_off_move_to_the_next_working_day(engine: Engine) -> None:
    rows = by_id(task_board(engine, TaskFilters(as_of=AS_OF)).register)
    # Saturday 14/3/2026 → Monday 16/3; Tết (holidays 16–20/2/2026, with the weekends around it
    # off too) 17/2 → Monday 23/2; 30/4 and 1/5 holidays then the weekend → Monday 4/5.
    assert rows[4]["deadline"] == pd.Timestamp(2026, 3, 16)
    assert rows[4]["original_deadline"] == pd.Timestamp(2026, 3, 14)  # as recorded
    assert rows[5]["deadline"] == pd.Timestamp(2026, 2, 23)
    assert rows[7]["deadline"] == pd.Timestamp(2026, 5, 4)


def test_register_columns_for_the_extended_and_the_overdue(engine: Engine) -> None:
    rows = by_id(task_board(engine, TaskFilters(as_of=AS_OF)).register)
    extended = rows[2]
    assert extended["original_deadline"] == pd.Timestamp(2026, 2, 27)
    assert extended["deadline"] == pd.Timestamp(2026, 3, 20)
    assert extended["extensions"] == 1
    assert extended["progress_pct"] == 100  # the check-in of 18/3
    late = rows[3]
    assert late["extensions"] == 0  # the rejected request is not counted
    assert late["days_overdue"] == 25  # 31/3 − 6/3
    assert late["ageing"] == "1-30"
    assert late["progress_pct"] == 40  # 15/2; the 60 % of 2/4 is not known on 31/3
    assert late["last_checkin"] == pd.Timestamp(2026, 2, 15)
    assert rows[6]["days_overdue"] == 60  # 31/3 − 30/1: 1 + 28 + 31 days
    assert rows[6]["ageing"] == "31-60"
    assert rows[7]["progress_pct"] == 100  # completed (unconfirmed) on 25/3
    assert rows[8]["progress_pct"] == 0 and pd.isna(rows[8]["last_checkin"])
    assert pd.isna(rows[1]["days_overdue"]) and pd.isna(rows[1]["ageing"])


def test_the_register_keys_its_tasks(engine: Engine, leads: dict[str, str]) -> None:
    rows = by_id(task_board(engine, TaskFilters(as_of=AS_OF)).register)
    assert rows[5]["pillar"] == "awareness"  # dx_steering_meetings
    assert rows[1]["pillar"] == "digital_infrastructure"  # fibre_household_pct
    assert rows[1]["indicator_keys"] == ["fibre_household_pct"]
    assert rows[5]["lead_code"] == leads["D2"]
    assert rows[5]["coordinators_vi"] == leads[leads["D1"]]
    assert rows[1]["unit_name"] == "Phường Tuy Hòa" and rows[1]["unit_code"] == A
    assert rows[6]["escalated"] and rows[6]["escalated_at"] == pd.Timestamp(2026, 2, 2)


def test_register_order_escalated_then_longest_overdue_then_deadline(engine: Engine) -> None:
    register = task_board(engine, TaskFilters(as_of=AS_OF)).register
    # 6 escalated; 3 overdue; then by the deadline in force: 12 (10/2), 5 (23/2), 1 (10/3),
    # 4 (16/3), 2 (20/3), 8 (15/4), 7 (4/5).
    assert register["assignment_id"].tolist() == [6, 3, 12, 5, 1, 4, 2, 8, 7]


def test_buckets_and_ageing(engine: Engine) -> None:
    board = task_board(engine, TaskFilters(as_of=AS_OF))
    # On time 1, 2, 4, 5; late 12; open 7; overdue 3, 6; not started 8.
    assert board.buckets == buckets(4, 1, 1, 2, 1)
    assert board.ageing["count"].tolist() == [1, 1, 0, 0]  # 3 (25 days), 6 (60 days)


def test_incomplete_records_are_listed_and_never_counted(engine: Engine) -> None:
    board = task_board(engine, TaskFilters(as_of=AS_OF))
    listed = board.incomplete[["task_code", "unit_code", "missing"]].values.tolist()
    assert listed == [
        ["KH01-05", A, "leader"],
        ["KH01-05", B, "deadline,leader"],
        ["KH01-06", A, "deadline"],
    ]
    assert not {9, 10, 11} & set(board.register["assignment_id"])
    assert sum(board.buckets.values()) == 9  # the twelve records less the three


def test_league_table_by_department(engine: Engine, leads: dict[str, str]) -> None:
    table = task_board(engine, TaskFilters(as_of=AS_OF)).by_department.set_index("lead_code")
    # D1: 1, 2, 3, 4, 12 — all due; on time 1, 2, 4 → 3/5 = 60 %; overdue 3 (25 days).
    d1 = table.loc[leads["D1"]]
    assert (d1["assignments"], d1["due"], d1["overdue"], d1["escalations"]) == (5, 5, 1, 0)
    assert d1["on_time_share"] == pytest.approx(60.0)
    assert d1["longest_overdue_days"] == 25
    # D2: 5, 6, 7, 8 — due 5, 6; on time 5 → 1/2 = 50 %; overdue 6 (60 days), escalated.
    d2 = table.loc[leads["D2"]]
    assert (d2["assignments"], d2["due"], d2["overdue"], d2["escalations"]) == (4, 2, 1, 1)
    assert d2["on_time_share"] == pytest.approx(50.0)
    assert d2["longest_overdue_days"] == 60


def test_league_table_by_unit(engine: Engine) -> None:
    table = task_board(engine, TaskFilters(as_of=AS_OF)).by_unit.set_index("unit_code")
    # A: 1, 3, 5, 7 — due 1, 3, 5; on time 1, 5 → 2/3; overdue 3 (25 days).
    assert table.loc[A, ["assignments", "due", "overdue", "escalations"]].tolist() == [4, 3, 1, 0]
    assert table.loc[A, "on_time_share"] == pytest.approx(200 / 3)
    assert table.loc[A, "longest_overdue_days"] == 25
    # B: 2, 4, 6, 8, 12 — due 2, 4, 6, 12; on time 2, 4 → 2/4; overdue 6 (60 days, escalated).
    assert table.loc[B, ["assignments", "due", "overdue", "escalations"]].tolist() == [5, 4, 1, 1]
    assert table.loc[B, "on_time_share"] == pytest.approx(50.0)
    assert table.loc[B, "longest_overdue_days"] == 60


def test_accountability_per_responsible_person(engine: Engine) -> None:
    table = task_board(engine, TaskFilters(as_of=AS_OF)).by_leader
    got = {
        (row.responsible_name, None if pd.isna(row.lead_short_vi) else row.lead_short_vi): (
            row.assignments,
            row.due,
            None if pd.isna(row.on_time_share) else round(row.on_time_share, 2),
            row.overdue,
            None if pd.isna(row.longest_overdue_days) else int(row.longest_overdue_days),
        )
        for row in table.itertuples()
    }
    # A commune's leader answers for all the commune's tasks, whichever department leads them:
    # one row per person (no lead department on a commune's row).
    assert got == {
        # 1, 3 (lead D1), 5, 7 (D2): due 1, 3, 5; on time 1, 5 → 2/3; 3 overdue 25 days.
        ("Hồ Văn Sơn", None): (4, 3, 66.67, 1, 25),
        # 2, 4, 12 (D1), 6, 8 (D2): due 2, 4, 12, 6; on time 2, 4 → 2/4; 6 overdue 60 days.
        ("Lê Thị Hoa", None): (5, 4, 50.0, 1, 60),
    }


def test_the_overdue_trend_by_month(engine: Engine) -> None:
    trend = task_board(engine, TaskFilters(as_of=AS_OF)).trend
    assert trend["month"].tolist() == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    # End of January: 6 due (30/1) and open → 1 of 1.
    # End of February: 6, 12 (10/2), 5 (23/2) due — 2 is not: its extension (decided 20/2)
    # set 20/3; 12 and 5 are confirmed → 1 of 3: 6 is overdue across the month end.
    # End of March: 1, 2, 3, 4, 5, 6, 12 due; 3 and 6 open → 2 of 7.
    assert trend["due"].tolist() == [1, 3, 7]
    assert trend["overdue"].tolist() == [1, 1, 2]
    assert trend["overdue_share"].tolist() == pytest.approx([100.0, 100 / 3, 200 / 7])


def test_escalations_are_listed(engine: Engine) -> None:
    escalations = task_board(engine, TaskFilters(as_of=AS_OF)).escalations
    assert escalations["assignment_id"].tolist() == [6]
    assert escalations["escalated_by"].iloc[0] == "Lê Thị Hoa – Chủ tịch UBND phường"
    # Before it was raised (2/2) it is not an escalation yet.
    before = task_board(engine, TaskFilters(as_of=date(2026, 2, 1)))
    assert before.escalations.empty


def test_filters(engine: Engine, leads: dict[str, str]) -> None:
    def ids(**chosen: object) -> list[int]:
        board = task_board(engine, TaskFilters(as_of=AS_OF, **chosen))  # type: ignore[arg-type]
        return sorted(board.register["assignment_id"])

    assert ids(department=leads["D2"]) == [5, 6, 7, 8]
    assert ids(pillar="awareness") == [5, 6, 7, 8]
    assert ids(unit=A) == [1, 3, 5, 7]
    assert ids(unit=A, pillar="digital_infrastructure") == [1, 3]
    overdue = task_board(engine, TaskFilters(as_of=AS_OF, status=TaskBucket.OVERDUE))
    assert overdue.register["assignment_id"].tolist() == [6, 3]
    assert overdue.buckets == buckets(0, 0, 0, 2, 0)
    # The trend ignores the status filter.
    assert overdue.trend["due"].tolist() == [1, 3, 7]
    unit_a = task_board(engine, TaskFilters(as_of=AS_OF, unit=A))
    assert unit_a.incomplete["task_code"].tolist() == ["KH01-05", "KH01-06"]


def test_not_started_needs_progress_above_zero(engine: Engine) -> None:
    rows = by_id(task_board(engine, TaskFilters(as_of=date(2026, 2, 15))).register)
    # On 15/2 assignment 1 has only the 0 % check-in of 1/2; 3 reported 40 % that very day.
    assert rows[1]["status"] == "not_started"
    assert rows[3]["status"] == "in_progress"
    assert rows[6]["status"] == "overdue"  # no progress either, but past its deadline


def test_a_past_day_shows_what_was_known_then(engine: Engine) -> None:
    rows = by_id(task_board(engine, TaskFilters(as_of=date(2026, 3, 11))).register)
    # On 11/3 assignment 1 is completed (10/3) but confirmed only on 12/3: until confirmed it is
    # open, and its deadline (10/3) is over → overdue, 1 day.
    assert rows[1]["status"] == "overdue"
    assert rows[1]["days_overdue"] == 1
    assert pd.isna(rows[1]["confirmed_at"])
    assert rows[1]["completed_at"] == pd.Timestamp(2026, 3, 10)


def test_unit_task_block(engine: Engine) -> None:
    block = unit_task_block(engine, B, AS_OF)
    # B: on time 2, 4; late 12; overdue 6; not started 8.
    assert block.buckets == buckets(2, 1, 0, 1, 1)
    assert block.overdue["assignment_id"].tolist() == [6]
    assert block.escalations["assignment_id"].tolist() == [6]


def test_task_detail(engine: Engine) -> None:
    detail = task_detail(engine, 2, AS_OF)
    assert detail is not None
    assert detail.row["status"] == "done_on_time"
    assert detail.checkins["progress_pct"].tolist() == [30, 100]
    assert detail.extensions[["state", "old_deadline", "new_deadline"]].values.tolist() == [
        ["approved", pd.Timestamp(2026, 2, 27), pd.Timestamp(2026, 3, 20)]
    ]
    assert detail.not_moving == []  # no stored indicator values
    rejected = task_detail(engine, 3, AS_OF)
    assert rejected is not None and rejected.extensions["state"].tolist() == ["rejected"]
    assert task_detail(engine, 10, AS_OF) is None  # incomplete: nothing to judge
    assert task_detail(engine, 999, AS_OF) is None


def test_filter_options(engine: Engine, leads: dict[str, str]) -> None:
    options = task_filter_options(engine)
    assert options.departments["code"].tolist() == sorted(
        [leads["D1"], leads["D2"]], key=lambda code: leads[code]
    )
    assert options.pillars == ["awareness", "digital_infrastructure"]  # catalog order
    assert options.first_day == START
    # The newest record: the check-in of 2/4.
    assert options.last_day == date(2026, 4, 2)


@pytest.mark.parametrize(
    ("days", "bucket"), [(0, "1-30"), (30, "1-30"), (31, "31-60"), (90, "61-90"), (91, ">90")]
)
def test_ageing_bucket_edges(days: int, bucket: str) -> None:
    assert ageing_bucket(days) == bucket


def series(key: str, values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_key": key,
            "label_vi": key,
            "label_en": key,
            "month": [pd.Timestamp(f"2026-{month}-01") for month in values],
            "value": list(values.values()),
        }
    )


def test_done_but_the_indicator_is_not_moving() -> None:
    confirmed = pd.Series({"confirmed_at": pd.Timestamp(2026, 3, 12)})  # confirmation: March
    indicators = pd.concat(
        [
            # Higher is better: 40 in March, 40 in May (the newest) → not improved.
            series("fibre_household_pct", {"03": 40.0, "04": 45.0, "05": 40.0}),
            # Lower is better: 3 → 2 → improved.
            series("task_overdue_count", {"03": 3.0, "04": 2.0}),
            # Lower is better but no month after March yet → not judged.
            series("security_incidents", {"02": 0.0, "03": 1.0}),
            # Higher is better, 50 → 51 → improved.
            series("dx_steering_meetings", {"03": 50.0, "06": 51.0}),
        ]
    )
    catalog = default_catalog()
    assert not_moving(confirmed, indicators, catalog) == ["fibre_household_pct"]
    unconfirmed = pd.Series({"confirmed_at": pd.NaT})
    assert not_moving(unconfirmed, indicators, catalog) == []


def test_overdue_assignments_gathered_per_task_longest_first() -> None:
    register = pd.DataFrame(
        {
            "assignment_id": [1, 2, 3, 4, 5, 6],
            "task_code": ["T1", "T1", "T2", "T3", "T3", "T4"],
            "title_vi": ["Một", "Một", "Hai", "Ba", "Ba", "Bốn"],
            "title_en": ["One", "One", "Two", "Three", "Three", "Four"],
            "status": ["overdue", "overdue", "overdue", "overdue", "in_progress", "done_late"],
            "days_overdue": pd.array([10, 40, 40, 5, pd.NA, pd.NA], dtype="Int64"),
        }
    )
    per_task = overdue_by_task(register)
    # T1: two overdue, longest 40; T2: one, 40 (fewer assignees, after T1); T3: only one of its
    # two is overdue, 5 days; T4 is done: not listed.
    assert per_task["task_code"].tolist() == ["T1", "T2", "T3"]
    assert per_task["assignees"].tolist() == [2, 1, 1]
    assert per_task["days_overdue"].tolist() == [40, 40, 5]
    assert per_task["title_en"].tolist() == ["One", "Two", "Three"]
    assert overdue_by_task(register[register["status"] != "overdue"]).empty
