"""Operational measures from small hand-made compact frames (no database).

Unit "A" has 20,000 people and unit "B" 40,000, so "per 10,000 people" is cases / 2 for A and
cases / 4 for B. Every expected value is worked out in the comment next to it.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from metrics.operational import (
    MEASURE_COLUMNS,
    MonthGrid,
    OperationalInputs,
    month_index,
    operational_measures,
    totals_at_month_ends,
)
from tests.reference import OPERATIONAL_KEYS

FEB, MAR, APR, MAY, JUN, JUL = (date(2026, m, 1) for m in range(2, 8))
NaT = pd.NaT


def frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def inputs(
    *,
    resolved: list[tuple] = (),
    overdue: list[tuple] = (),
    tasks: list[tuple] = (),
    extensions: list[tuple] = (),
    sites: list[tuple] = (),
) -> OperationalInputs:
    return OperationalInputs(
        populations=frame(["unit_code", "population"], [("A", 20_000), ("B", 40_000)]),
        feedback_resolved=frame(
            ["unit_code", "month", "resolved", "on_time", "with_evidence", "rated", "satisfied"],
            list(resolved),
        ),
        feedback_overdue=frame(["unit_code", "from_month", "until_month", "cases"], list(overdue)),
        task_assignments=task_frame(tasks),
        task_extensions=frame(["assignment_id", "decided_at", "new_deadline"], list(extensions)),
        sites_5g=site_history(list(sites)),
    )


HISTORY_COLUMNS = [
    "site_id",
    "unit_code",
    "serves_centre",
    "population_covered",
    "changed_at",
    "to_status",
]


def site_history(sites: list[tuple]) -> pd.DataFrame:
    """(unit, serves_centre, population, [(day, stage), …]) per site, numbered 1, 2, …; or the
    short form (unit, serves_centre, on-air day, population): planned on 5 January, then on air."""
    rows = []
    for number, site in enumerate(sites, start=1):
        if len(site) == 4 and isinstance(site[2], date):
            unit, centre, on_air, people = site
            changes = [(date(2026, 1, 5), "planned"), (on_air, "on_air")]
        else:
            unit, centre, people, changes = site
        rows += [(number, unit, centre, people, day, stage) for day, stage in changes]
    return frame(HISTORY_COLUMNS, rows)


def task_frame(tasks: list[tuple]) -> pd.DataFrame:
    """(unit, original deadline, completed, confirmed) rows, numbered 1, 2, … as assignment_id;
    the current deadline is left as the original (the measures do not read it)."""
    rows = [
        (number, unit, deadline, deadline, *rest)
        for number, (unit, deadline, *rest) in enumerate(tasks, start=1)
    ]
    columns = ["assignment_id", "unit_code", "deadline", "original_deadline"]
    return frame([*columns, "completed_at", "confirmed_at"], rows)


def series(measures: pd.DataFrame, unit: str, key: str) -> dict[date, float]:
    rows = measures[(measures["unit_code"] == unit) & (measures["indicator_key"] == key)]
    return dict(zip(rows["period"], rows["value"], strict=True))


def applicable(measures: pd.DataFrame, unit: str, key: str) -> dict[date, bool]:
    rows = measures[(measures["unit_code"] == unit) & (measures["indicator_key"] == key)]
    return dict(zip(rows["period"], rows["applicable"], strict=True))


def assert_values(actual: dict[date, float], expected: dict[date, float | None]) -> None:
    """``None`` in ``expected`` means "not applicable" (NaN)."""
    assert actual.keys() == expected.keys()
    for period, want in expected.items():
        if want is None:
            assert math.isnan(actual[period]), period
        else:
            assert actual[period] == pytest.approx(want), period


# --- the primitive ------------------------------------------------------------------------


def test_month_index_counts_months_and_keeps_missing_values() -> None:
    got = month_index([date(2026, 3, 31), datetime(2026, 4, 1, 0, 0), None])
    assert got[:2].tolist() == [2026 * 12 + 2, 2026 * 12 + 3]
    assert math.isnan(got[2])


def test_totals_count_from_start_up_to_but_not_including_stop() -> None:
    grid = MonthGrid(units=["A", "B"], periods=[MAR, JUN])
    mar, apr = 2026 * 12 + 2, 2026 * 12 + 3
    got = totals_at_month_ends(
        grid,
        pd.Series(["A", "A", "A", "B", "Z"]),
        np.array([mar, apr, 2025 * 12, mar, mar]),
        np.array([apr, np.nan, 2025 * 12 + 3, mar - 5, np.nan]),
        np.array([1.0, 2.0, 4.0, 8.0, 16.0]),
    )
    # A: weight 1 counts in March only (stops at April); weight 2 from April on (June: yes);
    # weight 4 started and stopped in 2025, before the grid. → March 1, June 2.
    # B: a stop before its start (confirmed before it fell due) → never counts. Z is unknown.
    assert got.tolist() == [[1.0, 2.0], [0.0, 0.0]]


# --- the shape of the frame ---------------------------------------------------------------


def test_frame_has_one_row_per_unit_indicator_and_period() -> None:
    measures = operational_measures(inputs(), [MAR, APR])
    assert list(measures.columns) == MEASURE_COLUMNS
    assert set(measures["indicator_key"]) == OPERATIONAL_KEYS
    # Every unit × indicator × period once: 2 units (A, B) × the 8 keys × 2 months.
    assert len(measures) == 2 * len(OPERATIONAL_KEYS) * 2
    assert not measures.duplicated(["unit_code", "indicator_key", "period"]).any()
    assert set(measures["source_type"]) == {"auto"}
    assert all(type(p) is date for p in measures["period"])
    march = measures[measures["period"] == MAR]
    # Measured at the end of March: 00:00 on 1 April.
    assert set(march["reported_at"]) == {pd.Timestamp(2026, 4, 1)}
    # Not applicable ⇔ no value.
    assert (measures["value"].isna() == ~measures["applicable"]).all()


def test_no_periods_give_an_empty_frame() -> None:
    measures = operational_measures(inputs(), [])
    assert measures.empty
    assert list(measures.columns) == MEASURE_COLUMNS


def test_a_unit_with_nothing_recorded() -> None:
    measures = operational_measures(inputs(), [MAR])
    # Shares need something to count: not applicable. Counts are simply 0.
    for key in (
        "task_on_time_pct",
        "feedback_on_time_pct",
        "feedback_satisfaction_pct",
        "feedback_evidence_pct",
    ):
        assert applicable(measures, "A", key) == {MAR: False}
    for key in (
        "task_overdue_count",
        "feedback_backlog_per_10k",
        "centre_5g_on_air",
        "population_5g_pct",
    ):
        assert series(measures, "A", key) == {MAR: 0.0}
        assert applicable(measures, "A", key) == {MAR: True}


# --- feedback -----------------------------------------------------------------------------


RESOLVED = [
    # unit, month, resolved, on_time, with_evidence, rated, satisfied — the stored counts of
    # the resolutions in the month (evidence and rating on a case's last resolution)
    ("A", pd.Timestamp(MAR), 2, 2, 1, 2, 1),  # two on time; one with evidence; 5★ and 2★
    ("A", pd.Timestamp(APR), 1, 0, 1, 0, 0),  # resolved late, with evidence, not rated
]


def test_feedback_shares_over_the_three_months_ending_with_the_period() -> None:
    measures = operational_measures(inputs(resolved=RESOLVED), [FEB, MAR, APR, MAY, JUN, JUL])
    # Windows: Feb → Dec–Feb (nothing); Mar → Jan–Mar (2 cases); Apr, May → the 3 cases;
    # Jun → Apr–Jun (the late case only); Jul → May–Jul (nothing).
    assert_values(
        series(measures, "A", "feedback_on_time_pct"),
        # Mar 2/2; Apr, May 2/3; Jun 0/1.
        {FEB: None, MAR: 100.0, APR: 200 / 3, MAY: 200 / 3, JUN: 0.0, JUL: None},
    )
    assert_values(
        series(measures, "A", "feedback_evidence_pct"),
        # Mar 1/2; Apr, May 2/3; Jun 1/1.
        {FEB: None, MAR: 50.0, APR: 200 / 3, MAY: 200 / 3, JUN: 100.0, JUL: None},
    )
    assert_values(
        series(measures, "A", "feedback_satisfaction_pct"),
        # Only March's two ratings exist (1 of 2 satisfied): 50 % while March is in the window;
        # June's window has a resolved case but no rating: not applicable.
        {FEB: None, MAR: 50.0, APR: 50.0, MAY: 50.0, JUN: None, JUL: None},
    )
    assert not applicable(measures, "A", "feedback_satisfaction_pct")[JUN]
    assert applicable(measures, "A", "feedback_on_time_pct")[JUN]


def test_overdue_backlog_per_10k_people_at_each_month_end() -> None:
    # The stored counts give, per unit and month, the cases open past their deadline at that
    # month's instant, as one-month spells; the month holding the data's as-of instant (here
    # May) runs on: a later month end is judged on the cases as known at the as-of.
    overdue = [
        # unit, from_month, until_month, cases
        ("A", pd.Timestamp(MAR), pd.Timestamp(APR), 1),  # 1 overdue at the end of March
        ("A", pd.Timestamp(APR), pd.Timestamp(MAY), 3),  # 3 at the end of April
        ("A", pd.Timestamp(MAY), NaT, 2),  # 2 at the as-of instant in May
        ("B", pd.Timestamp(FEB), pd.Timestamp(MAR), 4),  # 4 at the end of February, then none
    ]
    measures = operational_measures(inputs(overdue=overdue), [FEB, MAR, APR, MAY, JUN])
    # A (20,000 people): Feb 0; Mar 1 → 0.5; Apr 3 → 1.5; May 2 → 1.0; Jun as May → 1.0.
    assert_values(
        series(measures, "A", "feedback_backlog_per_10k"),
        {FEB: 0.0, MAR: 0.5, APR: 1.5, MAY: 1.0, JUN: 1.0},
    )
    # B (40,000 people): 4 open at the end of February → 1.0, none after.
    assert_values(
        series(measures, "B", "feedback_backlog_per_10k"),
        {FEB: 1.0, MAR: 0.0, APR: 0.0, MAY: 0.0, JUN: 0.0},
    )


# --- tasks --------------------------------------------------------------------------------


TASKS = [
    # unit, deadline, completed_at, confirmed_at
    ("A", date(2026, 3, 15), date(2026, 3, 15), date(2026, 4, 2)),  # on the day; confirmed later
    ("A", date(2026, 3, 31), date(2026, 4, 5), date(2026, 4, 6)),  # done late
    ("A", date(2026, 5, 20), None, None),  # never done
    ("B", date(2026, 12, 31), None, None),  # not due in any period below
]


def test_task_on_time_share_counts_only_confirmed_work() -> None:
    measures = operational_measures(inputs(tasks=TASKS), [FEB, MAR, APR, MAY])
    assert_values(
        series(measures, "A", "task_on_time_pct"),
        # Feb: nothing due. Mar: 2 due (15 and 31 March), neither confirmed before 1 April → 0 %.
        # Apr: the first counts (completed by its deadline, confirmed 2 April) → 1/2.
        # May: the third falls due too → 1/3.
        {FEB: None, MAR: 0.0, APR: 50.0, MAY: 100 / 3},
    )
    assert_values(
        series(measures, "A", "task_overdue_count"),
        # Mar: both March tasks unconfirmed at 1 April → 2. Apr: both confirmed → 0. May: 1.
        {FEB: 0.0, MAR: 2.0, APR: 0.0, MAY: 1.0},
    )


def test_a_unit_with_no_task_due_is_not_applicable() -> None:
    measures = operational_measures(inputs(tasks=TASKS), [FEB, MAR, APR, MAY])
    assert applicable(measures, "B", "task_on_time_pct") == {p: False for p in (FEB, MAR, APR, MAY)}
    assert_values(series(measures, "B", "task_on_time_pct"), dict.fromkeys((FEB, MAR, APR, MAY)))
    # …while its overdue count is a real 0.
    assert series(measures, "B", "task_overdue_count") == {p: 0.0 for p in (FEB, MAR, APR, MAY)}


# --- 5G -----------------------------------------------------------------------------------


SITES = [
    # unit, serves_centre, on_air_at, population_covered
    ("A", False, date(2026, 3, 1), 15_000),  # on air from the first day of March
    ("A", True, date(2026, 4, 15), 12_000),  # the centre site, mid-April
    ("B", False, date(2026, 4, 30), 10_000),  # on the last day of April
]


def test_centre_5g_from_the_month_its_site_goes_on_air() -> None:
    measures = operational_measures(inputs(sites=SITES), [FEB, MAR, APR, MAY])
    assert series(measures, "A", "centre_5g_on_air") == {FEB: 0.0, MAR: 0.0, APR: 1.0, MAY: 1.0}
    # B's only site does not serve its centre.
    assert series(measures, "B", "centre_5g_on_air") == {FEB: 0.0, MAR: 0.0, APR: 0.0, MAY: 0.0}


def test_population_5g_share_is_capped_at_100() -> None:
    measures = operational_measures(inputs(sites=SITES), [FEB, MAR, APR, MAY])
    # A: Feb 0; Mar 15,000 / 20,000 = 75 %; Apr 27,000 / 20,000 → capped at 100 %.
    assert_values(
        series(measures, "A", "population_5g_pct"), {FEB: 0.0, MAR: 75.0, APR: 100.0, MAY: 100.0}
    )
    # B: 10,000 / 40,000 = 25 % from April.
    assert_values(
        series(measures, "B", "population_5g_pct"), {FEB: 0.0, MAR: 0.0, APR: 25.0, MAY: 25.0}
    )


def test_a_centre_that_falls_back_loses_its_5g_until_back_on_air() -> None:
    # A's centre site goes on air on 15 March, a storm takes it back to "built" on 10 May, it is
    # on air again on 20 June. The May end finds it off air; the June end finds it on air.
    # A second site of A is on air for a single day, 30 April, and off again the same day
    # (the later record of the day wins): it never counts at a month's end.
    fallen = [
        (
            "A",
            True,
            12_000,
            [
                (date(2026, 1, 5), "planned"),
                (date(2026, 3, 15), "on_air"),
                (date(2026, 5, 10), "built"),
                (date(2026, 6, 20), "on_air"),
            ],
        ),
        ("A", False, 5_000, [(date(2026, 4, 30), "on_air"), (date(2026, 4, 30), "integrated")]),
    ]
    measures = operational_measures(inputs(sites=fallen), [FEB, MAR, APR, MAY, JUN])
    assert series(measures, "A", "centre_5g_on_air") == {
        FEB: 0.0,
        MAR: 1.0,
        APR: 1.0,
        MAY: 0.0,
        JUN: 1.0,
    }
    # 12,000 of A's 20,000 people = 60 % while on air; the one-day site adds nothing.
    assert_values(
        series(measures, "A", "population_5g_pct"),
        {FEB: 0.0, MAR: 60.0, APR: 60.0, MAY: 0.0, JUN: 60.0},
    )


def test_periods_may_be_given_out_of_order_and_not_contiguous() -> None:
    measures = operational_measures(inputs(sites=SITES), [MAY, FEB])
    assert_values(series(measures, "A", "population_5g_pct"), {FEB: 0.0, MAY: 100.0})


def test_a_task_confirmed_before_it_falls_due() -> None:
    early = [("A", date(2026, 6, 30), date(2026, 5, 8), date(2026, 5, 10))]
    measures = operational_measures(inputs(tasks=early), [MAY, JUN])
    # May: done, but not due yet → not applicable. June: due and done on time → 1/1.
    assert_values(series(measures, "A", "task_on_time_pct"), {MAY: None, JUN: 100.0})
    # Never overdue: confirmed (10 May) before the deadline passed.
    assert series(measures, "A", "task_overdue_count") == {MAY: 0.0, JUN: 0.0}


def test_a_task_extension_counts_from_the_month_it_was_decided() -> None:
    # Due 15 March, not done; moved to 30 June by a decision of 20 April (after the old deadline).
    late = [("A", date(2026, 3, 15), None, None)]
    moved = [(1, date(2026, 4, 20), date(2026, 6, 30))]
    measures = operational_measures(inputs(tasks=late, extensions=moved), [MAR, APR, MAY, JUN])
    # Mar: 15 March still in force at 1 April → overdue, 0 of 1 on time. Apr, May: 30 June in
    # force and not over → not due: 0 overdue, share not applicable. Jun: over at 1 July → 1, 0 %.
    assert series(measures, "A", "task_overdue_count") == {MAR: 1.0, APR: 0.0, MAY: 0.0, JUN: 1.0}
    assert_values(
        series(measures, "A", "task_on_time_pct"), {MAR: 0.0, APR: None, MAY: None, JUN: 0.0}
    )
