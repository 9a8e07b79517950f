"""The stored feedback counts of one chunk, on eight cases worked out by hand.

Rules of the test table: acceptance within 8 working hours, a normal answer within 5 working
days; "Chờ người dân bổ sung" is the only hold that stops the clock. Working calendar: Monday
to Friday, 07:30–11:30 and 13:30–17:00 (7.5 h a day, so 5 working days from Monday 09:00 end
on the next Monday 09:00, and 8 working hours from Monday 08:00 are 3.5 + 3.5 h on Monday and
1 h on Tuesday: 08:30). No public holiday falls between 2 March and 3 April 2026.

Periods: March 2026, whose states stand for its end E = 1 April 00:00, and April, the month
holding the data's as-of instant, Friday 3 April 2026 12:00.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from common.workcalendar import WorkCalendar
from data.feedback_stats import (
    COUNT_COLUMNS,
    DataChangedWhileReading,
    StatsFilters,
    read_stats,
    read_weekly,
    stats_periods,
    stats_state,
)
from data.models import FeedbackCase, FeedbackOpenCase, FeedbackStatusChange, ImportBatch
from metrics.feedback_cases import AnswerTime, DeadlineTable
from metrics.feedback_stats import (
    ChunkCounts,
    compute_all_feedback_stats,
    compute_feedback_stats,
    data_as_of,
    feedback_stats_current,
    period_instants,
    refresh_feedback_stats,
    stats_periods_for,
)

MAR, APR = date(2026, 3, 1), date(2026, 4, 1)
AS_OF = datetime(2026, 4, 3, 12)
CITIZEN = "Chờ người dân bổ sung"
WEATHER = "Chờ thời tiết"
TABLE = DeadlineTable(
    accept=AnswerTime(hours=8),
    by_severity={
        "urgent": AnswerTime(hours=4),
        "normal": AnswerTime(days=5),
        "complex": AnswerTime(days=15),
    },
    pause_reasons=(CITIZEN,),
)
CAL = WorkCalendar()
A = ("22015", "Hạ tầng", "Đèn đường")
B = ("22045", "Môi trường", "Rác thải")


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour)


# id, group (unit, group, category), received, accepted, evidence, rating
CASES = [
    # 1: accepted after 1 h, due Mon 9/3 09:00, resolved Thu 5/3: on time, evidence, 5★.
    (1, A, at(3, 2, 8), at(3, 2, 9), True, 5),
    # 2: received Mon 9/3 08:00, acceptance due Tue 10/3 08:30 (7 h on Monday + 1 h), accepted
    #    Wed 11/3 09:00: late. Answer due Wed 18/3 09:00, resolved Fri 20/3 15:00: late; 2★.
    (2, A, at(3, 9, 8), at(3, 11, 9), False, 2),
    # 3: due Mon 23/3 09:00, resolved Thu 19/3 (on time), reopened Mon 30/3 10:00: a new round,
    #    due Mon 6/4 10:00; resolved again Thu 2/4 10:00 (on time), with evidence, 4★.
    (3, A, at(3, 16, 8), at(3, 16, 9), True, 4),
    # 4: due Mon 30/3 09:00; on hold waiting on the citizen from Thu 26/3 10:00 to Thu 2/4
    #    10:00 (5 working days, begun before the deadline): due Mon 6/4 09:00.
    (4, A, at(3, 23, 8), at(3, 23, 9), False, None),
    # 5: rejected two hours after receipt, never accepted.
    (5, A, at(3, 24, 8), None, False, None),
    # 6: unit B, received Thu 2/4 08:00, acceptance due Fri 3/4 08:30, not accepted by the as-of.
    (6, B, at(4, 2, 8), None, False, None),
    # 7: due Mon 9/3 09:00; on hold waiting for the weather from Fri 6/3 10:00, never resumed:
    #    not a pause, so the clock ran on.
    (7, A, at(3, 2, 8), at(3, 2, 9), False, None),
    # 8: marked duplicate of another case the day after it was accepted.
    (8, A, at(3, 10, 8), at(3, 10, 9), False, None),
]
HISTORY = [
    (1, at(3, 2, 8), "received", None),
    (1, at(3, 2, 9), "accepted", None),
    (1, at(3, 5, 10), "resolved", None),
    (2, at(3, 9, 8), "received", None),
    (2, at(3, 11, 9), "accepted", None),
    (2, datetime(2026, 3, 20, 15), "resolved", None),
    (3, at(3, 16, 8), "received", None),
    (3, at(3, 16, 9), "accepted", None),
    (3, at(3, 19, 10), "resolved", None),
    (3, at(3, 30, 10), "reopened", None),
    (3, at(4, 2, 10), "resolved", None),
    (4, at(3, 23, 8), "received", None),
    (4, at(3, 23, 9), "accepted", None),
    (4, at(3, 23, 10), "in_progress", None),
    (4, at(3, 26, 10), "on_hold", CITIZEN),
    (4, at(4, 2, 10), "in_progress", None),
    (5, at(3, 24, 8), "received", None),
    (5, at(3, 24, 10), "rejected", None),
    (6, at(4, 2, 8), "received", None),
    (7, at(3, 2, 8), "received", None),
    (7, at(3, 2, 9), "accepted", None),
    (7, at(3, 6, 10), "on_hold", WEATHER),
    (8, at(3, 10, 8), "received", None),
    (8, at(3, 10, 9), "accepted", None),
    (8, at(3, 11, 10), "duplicate", None),
]


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    cases = pd.DataFrame(
        [
            {
                "id": number,
                "received_at": received,
                "accepted_at": accepted,
                "severity": "normal",
                "unit_code": key[0],
                "category_group": key[1],
                "category": key[2],
                "has_evidence": evidence,
                "satisfaction": np.nan if rating is None else float(rating),
            }
            for number, key, received, accepted, evidence, rating in CASES
        ]
    )
    cases["accepted_at"] = pd.to_datetime(cases["accepted_at"])
    history = pd.DataFrame(HISTORY, columns=["case_id", "changed_at", "to_status", "note"])
    return cases, history


@pytest.fixture(scope="module")
def computed() -> ChunkCounts:
    cases, history = frames()
    return compute_feedback_stats(cases, history, [MAR, APR], AS_OF, table=TABLE, calendar=CAL)


def row(stats: pd.DataFrame, period: date, key: tuple[str, str, str]) -> dict[str, int]:
    hit = stats[
        (stats["period"] == period)
        & (stats["unit_code"] == key[0])
        & (stats["category_group"] == key[1])
        & (stats["category"] == key[2])
    ]
    assert len(hit) == 1, (period, key)
    return {column: int(hit.iloc[0][column]) for column in COUNT_COLUMNS}


def counts(**given: int) -> dict[str, int]:
    """Every count column: the ones given, 0 for the rest."""
    unknown = set(given) - set(COUNT_COLUMNS)
    assert not unknown, unknown
    return {column: given.get(column, 0) for column in COUNT_COLUMNS}


def test_the_instants_are_month_ends_or_the_as_of() -> None:
    assert period_instants([MAR, APR], AS_OF) == [datetime(2026, 4, 1), AS_OF]
    # Every month from the first case's to the one holding the as-of.
    assert stats_periods_for(at(2, 27, 9), AS_OF) == [date(2026, 2, 1), MAR, APR]
    # One second after the newest change: a state "strictly before" it includes that change.
    assert data_as_of(datetime(2026, 4, 3, 11, 59, 59)) == AS_OF


def test_march_as_it_stood_at_its_end(computed: ChunkCounts) -> None:
    stats = computed.stats
    # At 1 April 00:00: case 3 is open again since its reopening and due 6/4 → within; case 4
    # is on hold waiting on the citizen → paused; case 7 is past its 9/3 deadline (the weather
    # hold stops nothing) → overdue. 1, 2 resolved; 5 rejected; 8 duplicate; 6 not received.
    # Ages (whole days since receipt): 3 → 15 d 16 h, 4 → 8 d 16 h, 7 → 29 d 16 h: all 8–30.
    # Flows in March: received 1, 2, 3, 4, 5, 7, 8 = 7; accepted late: case 2;
    # resolutions: 1 (5/3, on time), 2 (20/3, late), 3's first (19/3, on time) = 3, 2 on time;
    # evidence, ratings only on a case's last resolution: case 1 (evidence, 5★) and case 2
    # (2★): with evidence 1, rated 2, satisfied 1 (case 3's first resolution is not its last).
    # Reopened: case 3; rejected: case 5; duplicate: case 8.
    assert row(stats, MAR, A) == counts(
        open_within=1,
        open_overdue=1,
        paused=1,
        age_8_30=3,
        received=7,
        accepted_late=1,
        resolved=3,
        resolved_on_time=2,
        resolved_with_evidence=1,
        rated=2,
        satisfied=1,
        reopened=1,
        rejected=1,
        duplicate=1,
    )


def test_the_as_of_month_as_known_now(computed: ChunkCounts) -> None:
    stats = computed.stats
    # At 3 April 12:00 (not the month's end, which lies ahead): case 4 resumed on 2/4 and its
    # deadline moved by the 5 working days on hold to 6/4 09:00 → within (without the pause it
    # would be overdue since 30/3); case 7 → overdue; case 3 resolved again on 2/4.
    # Ages: 4 → 11 d 4 h (8–30), 7 → 32 d 4 h (31–90).
    # Flows: case 3's second resolution, on time (due 6/4), its last: evidence, 4★ satisfied.
    assert row(stats, APR, A) == counts(
        open_within=1,
        open_overdue=1,
        age_8_30=1,
        age_31_90=1,
        resolved=1,
        resolved_on_time=1,
        resolved_with_evidence=1,
        rated=1,
        satisfied=1,
    )
    # Unit B: case 6, received 2/4 08:00, not accepted by its 3/4 08:30 acceptance deadline →
    # overdue, 1 d 4 h old.
    assert row(stats, APR, B) == counts(open_overdue=1, age_0_7=1, received=1)


def test_only_rows_with_a_count_are_kept(computed: ChunkCounts) -> None:
    stats = computed.stats
    # A in March and April, B in April; B in March had nothing (case 6 not yet received).
    keys = set(zip(stats["period"], stats["unit_code"], strict=True))
    assert keys == {(MAR, A[0]), (APR, A[0]), (APR, B[0])}


def test_opened_and_closed_per_week(computed: ChunkCounts) -> None:
    weekly = computed.weekly
    got = {
        (week, unit): (int(opened), int(closed))
        for week, unit, opened, closed in weekly[
            ["week_start", "unit_code", "opened", "closed"]
        ].itertuples(index=False)
    }
    # Weeks start on Monday. Opened = received; closed = changes into resolved, rejected or
    # duplicate (case 3 closes twice; its reopening opens nothing).
    assert got == {
        (date(2026, 3, 2), A[0]): (2, 1),  # received 1, 7; resolved 1 (Thu 5/3)
        (date(2026, 3, 9), A[0]): (2, 1),  # received 2, 8; 8 duplicate (Wed 11/3)
        (date(2026, 3, 16), A[0]): (1, 2),  # received 3; resolved 3 (19/3) and 2 (Fri 20/3)
        (date(2026, 3, 23), A[0]): (2, 1),  # received 4, 5; 5 rejected (24/3)
        (date(2026, 3, 30), A[0]): (0, 1),  # 3 resolved again (Thu 2/4)
        (date(2026, 3, 30), B[0]): (1, 0),  # received 6 (Thu 2/4)
    }


def test_chunks_add_up_to_the_whole(computed: ChunkCounts) -> None:
    # Counting cases 1–4 and 5–8 apart and adding gives the counts of all eight: every count
    # belongs to one case, which is what lets the refresh work a chunk of ids at a time.
    cases, history = frames()
    parts = []
    for ids in ((1, 2, 3, 4), (5, 6, 7, 8)):
        some = cases[cases["id"].isin(ids)]
        their = history[history["case_id"].isin(ids)]
        parts.append(
            compute_feedback_stats(some, their, [MAR, APR], AS_OF, table=TABLE, calendar=CAL)[0]
        )
    keys = ["period", "unit_code", "category_group", "category"]
    summed = pd.concat(parts).groupby(keys, as_index=False)[list(COUNT_COLUMNS)].sum()
    whole = computed[0].sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(
        summed.sort_values(keys, ignore_index=True)[keys + list(COUNT_COLUMNS)].astype(
            dict.fromkeys(COUNT_COLUMNS, "int64")
        ),
        whole[keys + list(COUNT_COLUMNS)],
        check_dtype=False,
    )


def open_states(open_cases: pd.DataFrame) -> dict[int, str]:
    return dict(zip(open_cases["case_id"].tolist(), open_cases["state"].tolist(), strict=True))


def test_the_open_cases_at_the_as_of_with_their_state() -> None:
    cases, history = frames()
    open_cases = compute_feedback_stats(
        cases, history, [MAR, APR], AS_OF, table=TABLE, calendar=CAL
    ).open_cases
    # At Fri 3/4 12:00: 1, 2, 3 resolved, 5 rejected, 8 duplicate — not open. 4 resumed on 2/4
    # and is due Mon 6/4 09:00: within. 6, not accepted, was due to be by 3/4 08:30: overdue.
    # 7's weather hold never stopped its clock (due 9/3): overdue.
    assert open_states(open_cases) == {4: "open_within", 6: "open_overdue", 7: "open_overdue"}
    six = open_cases.set_index("case_id").loc[6]
    assert (six["unit_code"], six["category_group"], six["category"]) == B
    assert six["received_at"] == at(4, 2, 8)
    assert np.isnan(six["lat"]) and np.isnan(six["lon"])  # no coordinates in these frames


def test_the_open_cases_at_another_instant_include_a_paused_one() -> None:
    cases, history = frames()
    # At Tue 31/3 12:00 (March's states stand for an instant after it: computed apart): 3 was
    # reopened on 30/3 (new round due 6/4): within; 4 is on hold waiting on the citizen:
    # paused; 7 overdue; 6 is not received yet.
    noon = datetime(2026, 3, 31, 12)
    open_cases = compute_feedback_stats(
        cases, history, [MAR], noon, table=TABLE, calendar=CAL
    ).open_cases
    assert open_states(open_cases) == {3: "open_within", 4: "paused", 7: "open_overdue"}


def test_no_case_gives_empty_frames() -> None:
    cases, history = frames()
    stats, weekly, open_cases = compute_feedback_stats(
        cases.iloc[:0], history.iloc[:0], [MAR, APR], AS_OF, table=TABLE, calendar=CAL
    )
    assert stats.empty and weekly.empty and open_cases.empty
    assert {"period", *COUNT_COLUMNS} <= set(stats.columns)


# --- the refresh, from a database (SQLite and PostgreSQL) -------------------------------------

LAST_CASE = (9, B, datetime(2026, 4, 3, 11, 59, 59))  # the newest instant: as-of 12:00:00


def seeded(engine: Engine) -> Engine:
    """The eight cases and their history as rows, plus case 9 (unit B, received at 11:59:59 on
    3 April): the data's as-of is then exactly :data:`AS_OF`."""
    cases, history = frames()
    rows = [
        {
            "id": int(c.id),
            "case_code": f"PA-{c.id}",
            "channel": "app",
            "category_group": c.category_group,
            "category": c.category,
            "is_question": False,
            "severity": "normal",
            "description": "…",
            "unit_code": c.unit_code,
            "received_at": c.received_at.to_pydatetime(),
            "accepted_at": None if pd.isna(c.accepted_at) else c.accepted_at.to_pydatetime(),
            "status": "received",
            "response_evidence_ref": "Ảnh" if c.has_evidence else None,
            "satisfaction": None if np.isnan(c.satisfaction) else int(c.satisfaction),
        }
        for c in cases.itertuples()
    ]
    number, key, received = LAST_CASE
    rows.append(
        {
            **rows[-1],
            "id": number,
            "case_code": "PA-9",
            "unit_code": key[0],
            "category_group": key[1],
            "category": key[2],
            "received_at": received,
            "accepted_at": None,
            "response_evidence_ref": None,
            "satisfaction": None,
        }
    )
    changes = [
        {
            "case_id": int(h.case_id),
            "changed_at": h.changed_at,
            "to_status": h.to_status,
            "note": h.note,
        }
        for h in history.itertuples()
    ] + [{"case_id": number, "changed_at": received, "to_status": "received", "note": None}]
    with engine.begin() as conn:
        conn.execute(insert(FeedbackCase), rows)
        conn.execute(insert(FeedbackStatusChange), changes)
    return engine


def new_batch(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(ImportBatch).values(
                kind="demo",
                source_name="test",
                imported_by="test",
                imported_at=datetime(2026, 4, 3, 13),
                row_count=9,
            )
        )


@pytest.fixture
def refreshed(migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    # The test table instead of the declared file, so the counts above hold whatever the
    # province declares.
    monkeypatch.setattr("metrics.feedback_stats.default_deadline_table", lambda: TABLE)
    engine = seeded(migrated_engine)
    new_batch(engine)
    assert refresh_feedback_stats(engine)
    return engine


def test_the_refresh_stores_what_the_cases_give(refreshed: Engine) -> None:
    state = stats_state(refreshed)
    assert state is not None and state.as_of == AS_OF and state.data_version == 1
    assert stats_periods(refreshed) == [MAR, APR]
    stored = read_stats(
        refreshed, StatsFilters(), ["period", "unit_code", "category_group", "category"]
    )
    # A's rows are those worked out above; B's April row has case 9 too: received 1 s before
    # the as-of, open within its acceptance deadline, 0 days old.
    assert row(stored, MAR, A)["paused"] == 1
    assert row(stored, APR, A) == row(computed_now(), APR, A)
    assert row(stored, APR, B) == counts(open_within=1, open_overdue=1, age_0_7=2, received=2)
    weeks = read_weekly(refreshed, StatsFilters(unit_code=B[0]), since=MAR)
    assert weeks.values.tolist() == [[date(2026, 3, 30), 2, 0]]  # cases 6 and 9
    # The open cases at the as-of, as worked out for the chunk, and case 9 within its
    # acceptance deadline.
    with refreshed.connect() as conn:
        stored_open = conn.execute(
            select(
                FeedbackOpenCase.case_id, FeedbackOpenCase.state, FeedbackOpenCase.unit_code
            ).order_by(FeedbackOpenCase.case_id)
        ).all()
    assert [tuple(r) for r in stored_open] == [
        (4, "open_within", A[0]),
        (6, "open_overdue", B[0]),
        (7, "open_overdue", A[0]),
        (9, "open_within", B[0]),
    ]


def computed_now() -> pd.DataFrame:
    cases, history = frames()
    return compute_feedback_stats(cases, history, [MAR, APR], AS_OF, table=TABLE, calendar=CAL)[0]


def test_the_refresh_is_skipped_while_data_and_rules_are_the_same(
    refreshed: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert feedback_stats_current(refreshed)
    assert not refresh_feedback_stats(refreshed)  # nothing new: nothing computed
    assert refresh_feedback_stats(refreshed, force=True)
    new_batch(refreshed)  # a data load
    assert not feedback_stats_current(refreshed)
    assert refresh_feedback_stats(refreshed)
    assert stats_state(refreshed).data_version == 2  # type: ignore[union-attr]
    # Another deadline table (its content hash): the counts are stale again.
    monkeypatch.setattr(
        "metrics.feedback_stats.default_deadline_table",
        lambda: replace(TABLE, content_hash="edited"),
    )
    assert not feedback_stats_current(refreshed)


def test_a_load_committed_while_reading_starts_the_count_again(
    refreshed: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first read of a chunk finds the data changed under it (a load committed between its
    # two queries): the count starts again and gives the same rows as an undisturbed one.
    import metrics.feedback_stats as module

    real = module.read_case_chunk
    calls = {"n": 0}

    def flaky(engine: Engine, first: int, last: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise DataChangedWhileReading("changed")
        return real(engine, first, last)

    monkeypatch.setattr(module, "read_case_chunk", flaky)
    counts_, as_of = compute_all_feedback_stats(refreshed, table=TABLE)
    stats = counts_.stats
    assert calls["n"] >= 2 and as_of == AS_OF
    assert row(stats, APR, B) == counts(open_within=1, open_overdue=1, age_0_7=2, received=2)


def test_the_stored_state_names_are_the_open_states() -> None:
    # The data layer filters the stored open cases by these names without importing the
    # metrics layer: the two lists must stay the same.
    from data.feedback_records import OPEN_STATE_NAMES
    from metrics.feedback_cases import OPEN_STATES

    assert tuple(state.value for state in OPEN_STATES) == OPEN_STATE_NAMES
