"""Operational measures read from a real database, on SQLite and on PostgreSQL.

Two units get a handful of rows: A (22015, Phường Tuy Hòa) and B (22045, Phường Bình Kiến).
Their populations are set to 10,000 and 20,000 so "per 10,000 people" is easy to check by hand.
Measured periods: March, April and May 2026 (E = 1 April, 1 May, 1 June at 00:00).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select, update

from data.measures import last_ended_month, operational_periods
from data.models import (
    Department,
    FeedbackCase,
    IndicatorValue,
    InfraSite,
    InfraSiteStatusChange,
    Task,
    TaskAssignment,
    Unit,
)
from metrics.feedback_cases import AnswerTime, DeadlineTable
from metrics.feedback_stats import refresh_feedback_stats
from metrics.operational import operational_inputs, operational_measures
from tests.data.feedback_rows import add_status_changes, case
from tests.reference import OPERATIONAL_KEYS, registry_count, registry_rows

A, B = "22015", "22045"
MAR, APR, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


# The feedback rules of these tests (the declared file may differ): accepted within 8 working
# hours, answered within 5 working days of acceptance (working days Monday–Friday, 7.5 h).
RULES = DeadlineTable(
    accept=AnswerTime(hours=8),
    by_severity={s: AnswerTime(days=5) for s in ("urgent", "normal", "complex")},
)


@pytest.fixture(autouse=True)
def fixed_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("metrics.feedback_stats.default_deadline_table", lambda: RULES)


CASES = [
    # c1: accepted Mon 30/3 09:30, due Mon 6/4 09:30; resolved Thu 2/4: on time, evidence, 5★.
    case(
        "C1",
        A,
        at(3, 30, 9),
        "resolved",
        accepted_at=at(3, 30, 9, 30),
        response_evidence_ref="Ảnh (3 ảnh)",
        satisfaction=5,
    ),
    # c2: accepted Tue 24/3 09:00, due Tue 31/3 09:00, resolved late exactly at 00:00 on 1 April:
    # still open (and overdue) at the end of March, resolved in April; no evidence, 2★.
    case("C2", A, at(3, 24, 8), "resolved", accepted_at=at(3, 24, 9), satisfaction=2),
    # c3: accepted Fri 10/4 09:00, due Fri 17/4 09:00, still being handled: overdue from then on.
    case("C3", A, at(4, 10, 8), "in_progress", accepted_at=at(4, 10, 9)),
    # c4: rejected two hours after receipt: counts nowhere.
    case("C4", A, at(4, 11, 8), "rejected", accepted_at=None),
    # c5: marked duplicate two hours after it was accepted: nobody's backlog.
    case("C5", A, at(4, 12, 8), "duplicate", accepted_at=at(4, 13, 8)),
    # c6: accepted Tue 14/4 08:30, due Tue 21/4 08:30, resolved at that very minute (on time),
    # with evidence, not rated.
    case(
        "C6",
        A,
        at(4, 14, 8),
        "resolved",
        accepted_at=at(4, 14, 8, 30),
        response_evidence_ref="CV 12/UBND-VP",
    ),
    # c7: the newest case (B): received Saturday 2 May 08:00, not yet accepted. The data's
    # as-of is one second later: May is measured at that instant.
    case("C7", B, at(5, 2, 8), "received", accepted_at=None),
]
HISTORY = [
    ("C1", at(3, 30, 9), None, "received"),
    ("C1", at(3, 30, 9, 30), "received", "accepted"),
    ("C1", at(4, 2, 10), "accepted", "resolved"),
    ("C2", at(3, 24, 8), None, "received"),
    ("C2", at(3, 24, 9), "received", "accepted"),
    ("C2", at(4, 1, 0), "accepted", "resolved"),
    ("C3", at(4, 10, 8), None, "received"),
    ("C3", at(4, 10, 9), "received", "accepted"),
    ("C3", at(4, 10, 10), "accepted", "in_progress"),
    ("C4", at(4, 11, 8), None, "received"),
    ("C4", at(4, 11, 10), "received", "rejected"),
    ("C5", at(4, 12, 8), None, "received"),
    ("C5", at(4, 13, 8), "received", "accepted"),
    ("C5", at(4, 13, 10), "accepted", "duplicate"),
    ("C6", at(4, 14, 8), None, "received"),
    ("C6", at(4, 14, 8, 30), "received", "accepted"),
    ("C6", at(4, 21, 8, 30), "accepted", "resolved"),
    ("C7", at(5, 2, 8), None, "received"),
]


def seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(Unit).where(Unit.code == A).values(population=10_000))
        conn.execute(update(Unit).where(Unit.code == B).values(population=20_000))
        conn.execute(insert(FeedbackCase), CASES)
        add_status_changes(conn, HISTORY)
        department = conn.execute(select(Department.id).limit(1)).scalar_one()
        for number, deadline in ((1, date(2026, 3, 31)), (2, date(2026, 5, 10))):
            conn.execute(
                insert(Task).values(
                    id=number,
                    code=f"KH01-{number}",
                    plan_item="1",
                    title_vi="Nhiệm vụ",
                    title_en="Task",
                    lead_department_id=department,
                    responsible_leader="X",
                    assigning_authority="BCĐ",
                    start_date=date(2026, 1, 1),
                    deadline=deadline,
                    expected_output="Báo cáo",
                    indicator_keys="task_on_time_pct",
                )
            )
        conn.execute(
            insert(TaskAssignment),
            [
                # A, task 1: completed on its deadline (31 March), confirmed 3 April.
                assignment(1, A, date(2026, 3, 31), "done", date(2026, 3, 31), date(2026, 4, 3)),
                # B, task 1: due 15 April, completed late on 20 April, confirmed 22 April.
                assignment(1, B, date(2026, 4, 15), "done", date(2026, 4, 20), date(2026, 4, 22)),
                # The lead department's own part (no unit): never counted for a unit.
                assignment(1, None, date(2026, 3, 1), "in_progress", None, None),
                # A, task 2: due 10 May, not done.
                assignment(2, A, date(2026, 5, 10), "in_progress", None, None),
            ],
        )
        conn.execute(
            insert(InfraSite),
            [
                site(
                    "S1", A, "5G", True, date(2026, 4, 30), 6_000
                ),  # A's centre, last day of April
                site("S2", A, "4G", False, date(2026, 3, 1), 9_000),  # 4G: not 5G coverage
                site("S3", A, "5G", False, None, 8_000, status="permitted"),  # not on air
                site("S4", B, "5G", False, date(2026, 3, 31), 25_000),  # more than B's people
            ],
        )
        # The measures read the sites' dated history (metrics.site_pipeline), as the page does:
        # each site planned on 1 September 2025, then on air on its day (S3 only permitted).
        ids = {code: id_ for code, id_ in conn.execute(select(InfraSite.site_code, InfraSite.id))}
        stages = {"S1": date(2026, 4, 30), "S2": date(2026, 3, 1), "S4": date(2026, 3, 31)}
        changes = [(code, date(2025, 9, 1), "planned") for code in ("S1", "S2", "S3", "S4")]
        changes += [(code, day, "on_air") for code, day in stages.items()]
        changes.append(("S3", date(2026, 2, 1), "permitted"))
        conn.execute(
            insert(InfraSiteStatusChange),
            [{"site_id": ids[c], "changed_at": d, "to_status": s} for c, d, s in changes],
        )


def assignment(
    task: int,
    unit: str | None,
    deadline: date,
    state: str,
    completed: date | None,
    confirmed: date | None,
) -> dict[str, Any]:
    return {
        "task_id": task,
        "unit_code": unit,
        "responsible_name": "Y",
        "responsible_title": "Chủ tịch",
        "deadline": deadline,
        "state": state,
        "progress_pct": 100 if state == "done" else 40,
        "completed_at": completed,
        "confirmed_at": confirmed,
    }


def site(
    code: str,
    unit: str,
    technology: str,
    centre: bool,
    on_air: date | None,
    covered: int,
    status: str = "on_air",
) -> dict[str, Any]:
    return {
        "site_code": code,
        "unit_code": unit,
        "operator": "Viettel",
        "technology": technology,
        "serves_centre": centre,
        "lat": 13.0,
        "lon": 109.3,
        "status": status,
        "planned_at": date(2025, 9, 1),
        "on_air_at": on_air,
        "population_covered": covered,
    }


@pytest.fixture
def measures(migrated_engine: Engine) -> pd.DataFrame:
    seed(migrated_engine)
    refresh_feedback_stats(migrated_engine)  # the stored counts the feedback measures read
    return operational_measures(operational_inputs(migrated_engine), [MAR, APR, MAY])


def values(measures: pd.DataFrame, unit: str, key: str) -> list[float | None]:
    """March, April, May; None where the measure does not apply."""
    rows = measures[(measures["unit_code"] == unit) & (measures["indicator_key"] == key)]
    rows = rows.sort_values("period")
    assert rows["period"].tolist() == [MAR, APR, MAY]
    return [
        round(v, 4) if applies else None
        for v, applies in zip(rows["value"], rows["applicable"], strict=True)
    ]


def test_feedback_measures(measures: pd.DataFrame) -> None:
    # March's window (Jan–Mar) holds no resolution: c2 was resolved at 00:00 on 1 April.
    # April and May: c1, c2, c6 resolved. On time: c1, c6 → 2/3. Evidence: c1, c6 → 2/3.
    # Rated: c1 (5★), c2 (2★) → 1/2 satisfied. (Each is its case's only, so last, resolution.)
    assert values(measures, A, "feedback_on_time_pct") == [None, 66.6667, 66.6667]
    assert values(measures, A, "feedback_evidence_pct") == [None, 66.6667, 66.6667]
    assert values(measures, A, "feedback_satisfaction_pct") == [None, 50.0, 50.0]
    # Backlog at 1 April: c2 (due 31 March, resolved only at that instant) → 1 per 10,000.
    # At 1 May and at the as-of (2 May 08:00:01): c3 (overdue since 17 April) → 1; c5 is a
    # duplicate, c4 rejected.
    assert values(measures, A, "feedback_backlog_per_10k") == [1.0, 1.0, 1.0]
    assert values(measures, B, "feedback_on_time_pct") == [None, None, None]
    assert values(measures, B, "feedback_backlog_per_10k") == [0.0, 0.0, 0.0]


def test_task_measures(measures: pd.DataFrame) -> None:
    # A: March: task 1 due, confirmed only on 3 April → 0 %, 1 overdue. April: on time → 100 %.
    # May: task 2 due 10 May, open → 1/2 = 50 %, 1 overdue.
    assert values(measures, A, "task_on_time_pct") == [0.0, 100.0, 50.0]
    assert values(measures, A, "task_overdue_count") == [1.0, 0.0, 1.0]
    # B: nothing due in March; from April its one task, completed late → 0 %, never overdue at a
    # month end (confirmed 22 April).
    assert values(measures, B, "task_on_time_pct") == [None, 0.0, 0.0]
    assert values(measures, B, "task_overdue_count") == [0.0, 0.0, 0.0]


def test_5g_measures(measures: pd.DataFrame) -> None:
    # A: the centre site is on air from 30 April: 6,000 / 10,000 = 60 % from April; the 4G and
    # the not-yet-on-air sites count for nothing.
    assert values(measures, A, "centre_5g_on_air") == [0.0, 1.0, 1.0]
    assert values(measures, A, "population_5g_pct") == [0.0, 60.0, 60.0]
    # B: 25,000 covered of 20,000 people from 31 March → capped at 100 %; not its centre.
    assert values(measures, B, "centre_5g_on_air") == [0.0, 0.0, 0.0]
    assert values(measures, B, "population_5g_pct") == [100.0, 100.0, 100.0]


def test_every_registry_unit_is_measured(measures: pd.DataFrame) -> None:
    # Every row of units.csv, each of the eight measures, March–May: once each.
    assert set(measures["unit_code"]) == {row["code"] for row in registry_rows()}
    assert set(measures["indicator_key"]) == OPERATIONAL_KEYS
    assert len(measures) == registry_count() * len(OPERATIONAL_KEYS) * 3
    assert not measures.duplicated(["unit_code", "indicator_key", "period"]).any()
    # A unit with no rows at all: counts are 0, shares do not apply.
    other = "22051"
    assert values(measures, other, "task_overdue_count") == [0.0, 0.0, 0.0]
    assert values(measures, other, "task_on_time_pct") == [None, None, None]


def test_periods_run_from_july_2025_to_the_last_month_before_the_newest_case(
    migrated_engine: Engine,
) -> None:
    assert operational_periods(migrated_engine) == []
    seed(migrated_engine)
    # The newest case arrived on 2 May 2026: May is not over, April is the last month.
    periods = operational_periods(migrated_engine)
    assert periods[0] == date(2025, 7, 1)
    assert periods[-1] == APR
    assert len(periods) == 10  # July 2025 … April 2026
    with migrated_engine.begin() as conn:
        conn.execute(
            insert(IndicatorValue).values(
                unit_code=A,
                indicator_key="fibre_household_pct",
                period=MAY,
                value=50.0,
                source_type="auto",
                reported_at=datetime(2026, 6, 1),
            )
        )
    # A value describing May means May has ended.
    assert operational_periods(migrated_engine)[-1] == MAY


def test_last_ended_month() -> None:
    assert last_ended_month(None, None) is None
    assert last_ended_month(datetime(2026, 1, 3, 8), None) == date(2025, 12, 1)
    assert last_ended_month(datetime(2026, 1, 3, 8), date(2026, 1, 1)) == date(2026, 1, 1)


def test_feedback_is_read_grouped_not_row_by_row(migrated_engine: Engine) -> None:
    seed(migrated_engine)
    refresh_feedback_stats(migrated_engine)
    inputs = operational_inputs(migrated_engine)
    resolved = inputs.feedback_resolved
    resolved = resolved[resolved["resolved"] > 0].set_index("month")
    # A's three resolutions all fall in April: one row.
    assert len(resolved) == 1
    assert resolved.loc[pd.Timestamp(APR), ["resolved", "on_time", "rated"]].tolist() == [3, 2, 2]
    # Overdue at a month's instant: c2 at the end of March (one month), c3 at the end of April
    # (one month) and at the as-of in May, which runs on (NaT).
    spells = inputs.feedback_overdue.sort_values("from_month")
    assert spells["from_month"].tolist() == [pd.Timestamp(m) for m in (MAR, APR, MAY)]
    assert spells["until_month"].tolist()[:2] == [pd.Timestamp(APR), pd.Timestamp(MAY)]
    assert pd.isna(spells["until_month"].iloc[2])
    assert spells["cases"].tolist() == [1, 1, 1]


# --- Feedback backlog as the status history knew it -----------------------------------------------
# Unit A only (10,000 people: one case is 1.0 per 10,000), January to June 2026 (E = 1 February …
# 1 July at 00:00; a month end after the data's as-of instant is judged at the as-of).

JAN_TO_JUN = [date(2026, month, 1) for month in range(1, 7)]
BACKLOG_CASES = [
    # d1: accepted Mon 5/1 09:00, due Mon 12/1 09:00; marked duplicate on 15 May.
    case("D1", A, at(1, 5, 8), "duplicate", accepted_at=at(1, 5, 9)),
    # d2: rejected on 4 February, before its 9 February deadline.
    case("D2", A, at(2, 2, 8), "rejected", accepted_at=at(2, 2, 9)),
    # d3: accepted Mon 2/3 09:00, due Mon 9/3 09:00, resolved late on 20 April.
    case("D3", A, at(3, 2, 8), "resolved", accepted_at=at(3, 2, 9)),
    # d4: accepted Mon 2/2 09:00, due Mon 9/2 09:00 (before Tết), still being handled.
    case("D4", A, at(2, 2, 8), "in_progress", accepted_at=at(2, 2, 9)),
]
BACKLOG_HISTORY = [
    ("D1", at(1, 5, 8), None, "received"),
    ("D1", at(1, 5, 9), "received", "in_progress"),
    ("D1", at(5, 15, 10), "in_progress", "duplicate"),
    ("D2", at(2, 2, 8), None, "received"),
    ("D2", at(2, 2, 9), "received", "accepted"),
    ("D2", at(2, 4, 10), "accepted", "rejected"),
    ("D3", at(3, 2, 8), None, "received"),
    ("D3", at(3, 2, 9), "received", "in_progress"),
    ("D3", at(4, 20, 10), "in_progress", "resolved"),
    ("D4", at(2, 2, 8), None, "received"),
    ("D4", at(2, 2, 9), "received", "in_progress"),
]
RECLASSIFIED_ON = at(6, 10, 9)  # "today" in the issue: d4 is marked duplicate


@pytest.fixture
def backlog_engine(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        conn.execute(update(Unit).where(Unit.code == A).values(population=10_000))
        conn.execute(insert(FeedbackCase), BACKLOG_CASES)
        add_status_changes(conn, BACKLOG_HISTORY)
    return migrated_engine


def backlog_of_a(engine: Engine) -> list[float]:
    """A's feedback backlog per 10,000 people at the ends of January … June 2026, from counts
    refreshed just before (``force``: these tests change rows without a new import batch)."""
    refresh_feedback_stats(engine, force=True)
    measures = operational_measures(operational_inputs(engine), JAN_TO_JUN)
    rows = measures[
        (measures["unit_code"] == A) & (measures["indicator_key"] == "feedback_backlog_per_10k")
    ].sort_values("period")
    assert rows["period"].tolist() == JAN_TO_JUN
    return [round(v, 4) for v in rows["value"]]


def test_feedback_backlog_follows_the_status_history(backlog_engine: Engine) -> None:
    # The data's as-of: one second after d1's change on 15 May 10:00; June's end is judged then.
    # Month ends       Jan Feb Mar Apr May Jun
    # d1 (to 15 May)    1   1   1   1   .   .   duplicate on 15 May: gone at the as-of
    # d2                .   .   .   .   .   .   rejected before its deadline: never overdue
    # d3 (to 20 Apr)    .   .   1   .   .   .   open at 1 April, resolved by 1 May
    # d4 (open)         .   1   1   1   1   1   received 2 February: not there at 1 February
    assert backlog_of_a(backlog_engine) == [1.0, 2.0, 3.0, 2.0, 1.0, 1.0]


def test_a_reclassification_today_does_not_rewrite_last_spring(backlog_engine: Engine) -> None:
    before = backlog_of_a(backlog_engine)
    with backlog_engine.begin() as conn:
        conn.execute(
            update(FeedbackCase).where(FeedbackCase.case_code == "D4").values(status="duplicate")
        )
        add_status_changes(conn, [("D4", RECLASSIFIED_ON, "in_progress", "duplicate")])
    after = backlog_of_a(backlog_engine)
    # January … May ended before 10 June: unchanged. June, now the as-of month (10 June
    # 09:00:01), loses d4.
    assert after[:5] == before[:5] == [1.0, 2.0, 3.0, 2.0, 1.0]
    assert (before[5], after[5]) == (1.0, 0.0)
