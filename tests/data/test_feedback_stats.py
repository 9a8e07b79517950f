"""The stored feedback counts on SQLite and PostgreSQL: the case chunks read back as the
metrics layer takes them, the replace is all or nothing, and the reads sum in the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from data.feedback_stats import (
    COUNT_COLUMNS,
    DataChangedWhileReading,
    StatsFilters,
    StatsState,
    case_id_span,
    first_received,
    newest_instant,
    read_case_chunk,
    read_stats,
    read_weekly,
    stats_periods,
    stats_state,
    write_feedback_stats,
)
from data.models import FeedbackOpenCase, FeedbackStat, FeedbackStatusChange
from tests.data.feedback_rows import (
    add_cases,
    add_status_changes,
    case,
    no_open_cases,
    open_cases_frame,
)

A, B = "22015", "22045"  # Phường Tuy Hòa, Phường Bình Kiến
MAR, APR = date(2026, 3, 1), date(2026, 4, 1)
STATE = StatsState(7, "a" * 64, datetime(2026, 4, 3, 12), datetime(2026, 4, 3, 13))


def stat(period: date, unit: str, category: str, **counts: int) -> dict[str, object]:
    group = "Hạ tầng" if category in ("Đèn đường", "Đường hư hỏng") else "Môi trường"
    return {
        "period": period,
        "unit_code": unit,
        "category_group": group,
        "category": category,
        **{c: counts.get(c, 0) for c in COUNT_COLUMNS},
    }


STATS = pd.DataFrame(
    [
        stat(MAR, A, "Đèn đường", open_overdue=2, open_within=1, received=5, resolved=4),
        stat(MAR, A, "Đường hư hỏng", open_overdue=1, received=2, resolved=1),
        stat(MAR, B, "Rác thải", open_within=3, received=3),
        stat(APR, A, "Đèn đường", open_overdue=1, received=1, resolved=2, resolved_on_time=1),
        stat(APR, B, "Rác thải", paused=1, received=4, satisfied=1, rated=2),
    ]
)
WEEKLY = pd.DataFrame(
    [
        (date(2026, 3, 23), A, "Hạ tầng", "Đèn đường", 2, 1),
        (date(2026, 3, 23), B, "Môi trường", "Rác thải", 1, 0),
        (date(2026, 3, 30), A, "Hạ tầng", "Đèn đường", 1, 3),
        (date(2026, 4, 6), A, "Hạ tầng", "Đường hư hỏng", 0, 1),
    ],
    columns=["week_start", "unit_code", "category_group", "category", "opened", "closed"],
)


@pytest.fixture
def stored(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        add_cases(conn, [case("PA-OPEN", A, datetime(2026, 4, 1, 8), "in_progress", lat=12.68)])
    open_cases = open_cases_frame(migrated_engine, {"PA-OPEN": "open_overdue"})
    write_feedback_stats(migrated_engine, STATS, WEEKLY, STATE, open_cases)
    return migrated_engine


def stored_open(engine: Engine) -> list[tuple[object, ...]]:
    columns = (FeedbackOpenCase.state, FeedbackOpenCase.received_at, FeedbackOpenCase.lat)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(*columns))]


def test_the_state_and_the_periods_read_back(stored: Engine) -> None:
    assert stats_state(stored) == STATE
    assert stats_periods(stored) == [MAR, APR]


def test_sums_are_grouped_in_the_database(stored: Engine) -> None:
    by_unit = read_stats(stored, StatsFilters(period=MAR), ["unit_code"])
    # March: A = 2 categories (overdue 2 + 1, received 5 + 2); B = one row.
    assert by_unit["unit_code"].tolist() == [A, B]
    assert by_unit["open_overdue"].tolist() == [3, 0]
    assert by_unit["received"].tolist() == [7, 3]
    assert by_unit["open_within"].tolist() == [1, 3]
    assert str(by_unit["received"].dtype) == "int64"


def test_filters_narrow_the_rows(stored: Engine) -> None:
    # A's street lights over March and April: received 5 + 1, resolved 4 + 2.
    lights = read_stats(stored, StatsFilters(unit_code=A, category="Đèn đường"), ["period"])
    assert lights["period"].tolist() == [MAR, APR]
    assert lights["received"].tolist() == [5, 1]
    both = read_stats(stored, StatsFilters(periods=(MAR, APR), category_group="Hạ tầng"), [])
    assert both[["received", "resolved"]].values.tolist() == [[8, 7]]  # 5 + 2 + 1; 4 + 1 + 2
    by_category = read_stats(stored, StatsFilters(period=APR), ["category_group", "category"])
    assert by_category[["category", "paused", "rated"]].values.tolist() == [
        ["Đèn đường", 0, 0],
        ["Rác thải", 1, 2],
    ]


def test_nothing_matching_gives_zeros_not_missing(stored: Engine) -> None:
    totals = read_stats(stored, StatsFilters(unit_code="22051"), [])
    assert len(totals) == 1 and int(totals[list(COUNT_COLUMNS)].sum(axis=1).iloc[0]) == 0
    assert read_stats(stored, StatsFilters(unit_code="22051"), ["period"]).empty
    with pytest.raises(ValueError, match="cannot group"):
        read_stats(stored, StatsFilters(), ["severity"])


def test_weeks_from_a_monday_on(stored: Engine) -> None:
    weeks = read_weekly(stored, StatsFilters(), since=date(2026, 3, 30))
    # 30/3: A's lights only (1 opened, 3 closed); 6/4: A's roads (0, 1).
    assert weeks.values.tolist() == [[date(2026, 3, 30), 1, 3], [date(2026, 4, 6), 0, 1]]
    of_b = read_weekly(stored, StatsFilters(unit_code=B), since=date(2026, 3, 1))
    assert of_b.values.tolist() == [[date(2026, 3, 23), 1, 0]]
    until = read_weekly(stored, StatsFilters(), since=date(2026, 3, 1), until=date(2026, 3, 23))
    assert until.values.tolist() == [[date(2026, 3, 23), 3, 1]]  # A 2 + B 1 opened


def test_a_new_write_replaces_every_row(stored: Engine) -> None:
    newer = StatsState(8, "b" * 64, datetime(2026, 4, 10, 9), datetime(2026, 4, 10, 10))
    assert stored_open(stored) == [("open_overdue", datetime(2026, 4, 1, 8), 12.68)]
    write_feedback_stats(stored, STATS.iloc[:1], WEEKLY.iloc[:0], newer, no_open_cases())
    assert stats_state(stored) == newer
    assert stored_open(stored) == []
    assert stats_periods(stored) == [MAR]
    assert read_stats(stored, StatsFilters(), [])["received"].tolist() == [5]
    assert read_weekly(stored, StatsFilters(), since=date(2020, 1, 1)).empty


def test_a_failing_write_leaves_the_old_rows(stored: Engine) -> None:
    # The last weekly row names a unit that does not exist: the foreign key fails after the old
    # rows were deleted and the new counts inserted, so the transaction rolls all of it back.
    broken = pd.concat([WEEKLY, WEEKLY.iloc[:1].assign(unit_code="99999")], ignore_index=True)
    newer = StatsState(8, "b" * 64, datetime(2026, 4, 10, 9), datetime(2026, 4, 10, 10))
    with pytest.raises(Exception):  # noqa: B017 — the driver's IntegrityError, either database
        write_feedback_stats(stored, STATS.iloc[:1], broken, newer, no_open_cases())
    assert stats_state(stored) == STATE
    assert len(stored_open(stored)) == 1
    with stored.connect() as conn:
        assert conn.execute(select(func.count()).select_from(FeedbackStat)).scalar_one() == 5
    assert read_stats(stored, StatsFilters(), [])["received"].tolist() == [15]  # 5+2+3+1+4


def test_nothing_stored_yet(migrated_engine: Engine) -> None:
    assert stats_state(migrated_engine) is None
    assert stats_periods(migrated_engine) == []
    assert case_id_span(migrated_engine) is None
    assert newest_instant(migrated_engine) is None
    assert first_received(migrated_engine) is None


# --- the case chunks ------------------------------------------------------------------------


def cases_engine(engine: Engine) -> Engine:
    with engine.begin() as conn:
        add_cases(
            conn,
            [
                case(
                    "F1",
                    A,
                    datetime(2026, 3, 2, 8, 15, 30),
                    "resolved",
                    accepted_at=datetime(2026, 3, 2, 9),
                    resolved_at=datetime(2026, 3, 5, 10),
                    response_evidence_ref="Ảnh (2 ảnh)",
                    satisfaction=4,
                    lat=12.6831,
                    lon=108.0456,
                ),
                case(
                    "F2",
                    B,
                    datetime(2026, 3, 3, 8),
                    "on_hold",
                    severity="urgent",
                    accepted_at=None,
                    lat=None,
                    lon=None,
                ),
                case(
                    "F3",
                    A,
                    datetime(2026, 3, 4, 8),
                    "received",
                    accepted_at=None,
                    lat=None,
                    lon=None,
                ),
            ],
        )
        add_status_changes(
            conn,
            [
                ("F1", datetime(2026, 3, 2, 8, 15, 30), None, "received"),
                ("F1", datetime(2026, 3, 2, 9), "received", "accepted"),
                ("F1", datetime(2026, 3, 5, 10), "accepted", "resolved"),
                ("F2", datetime(2026, 3, 3, 8), None, "received"),
                # Two changes at the same instant: they keep the order they were recorded in.
                ("F2", datetime(2026, 3, 3, 9), "received", "accepted"),
                ("F2", datetime(2026, 3, 3, 9), "accepted", "on_hold"),
                ("F3", datetime(2026, 3, 4, 8), None, "received"),
                ("F3", datetime(2026, 3, 6, 11, 0, 1), "received", "accepted"),
            ],
        )
    return engine


def test_a_chunk_reads_the_cases_and_their_history(migrated_engine: Engine) -> None:
    engine = cases_engine(migrated_engine)
    first, last = case_id_span(engine) or (0, 0)
    assert last - first == 2
    assert newest_instant(engine) == datetime(2026, 3, 6, 11, 0, 1)
    assert first_received(engine) == datetime(2026, 3, 2, 8, 15, 30)
    cases, history = read_case_chunk(engine, first, first + 1)  # F1 and F2 only
    assert cases["id"].tolist() == [first, first + 1]
    assert cases["received_at"].tolist() == [
        pd.Timestamp(2026, 3, 2, 8, 15, 30),
        pd.Timestamp(2026, 3, 3, 8),
    ]
    assert cases["accepted_at"].iloc[0] == pd.Timestamp(2026, 3, 2, 9)
    assert pd.isna(cases["accepted_at"].iloc[1])
    assert cases["unit_code"].astype(str).tolist() == [A, B]
    assert cases["severity"].astype(str).tolist() == ["normal", "urgent"]
    assert cases["category_group"].astype(str).tolist() == ["Hạ tầng", "Hạ tầng"]
    assert cases["has_evidence"].tolist() == [True, False]
    assert cases["satisfaction"].iloc[0] == 4 and pd.isna(cases["satisfaction"].iloc[1])
    assert (cases["lat"].iloc[0], cases["lon"].iloc[0]) == (12.6831, 108.0456)
    assert pd.isna(cases["lat"].iloc[1]) and pd.isna(cases["lon"].iloc[1])
    # F3's history is not part of the chunk; F2's two 09:00 changes keep their order.
    assert history["case_id"].tolist() == [first] * 3 + [first + 1] * 3
    assert history["to_status"].astype(str).tolist() == [
        "received",
        "accepted",
        "resolved",
        "received",
        "accepted",
        "on_hold",
    ]
    assert history["changed_at"].iloc[4] == history["changed_at"].iloc[5]
    # Only a hold's note is read: the feedback_rows helper writes no note, so none here.
    assert history["note"].isna().all()


def test_a_hold_brings_its_reason(migrated_engine: Engine) -> None:
    engine = cases_engine(migrated_engine)
    with engine.begin() as conn:
        conn.execute(
            FeedbackStatusChange.__table__.update()
            .where(FeedbackStatusChange.to_status.in_(["on_hold", "accepted"]))
            .values(note="Chờ người dân bổ sung")
        )
    first, last = case_id_span(engine) or (0, 0)
    _, history = read_case_chunk(engine, first, last)
    notes = dict(zip(history["to_status"].astype(str), history["note"], strict=False))
    assert notes["on_hold"] == "Chờ người dân bổ sung"
    # An accepted change's note is not a reason for anything: not read.
    assert history.loc[history["to_status"] == "accepted", "note"].isna().all()


def test_a_hold_without_its_note_row_means_the_data_moved(
    migrated_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The holds and their notes are two reads; if a load committed between them they disagree,
    # and the chunk says so instead of pairing a note with the wrong hold.
    engine = cases_engine(migrated_engine)
    import data.feedback_stats as module

    real = module._fetch

    def no_notes(conn: Any, sql: str, params: tuple[int, int]) -> list[Any]:
        return [] if sql.startswith("SELECT note") else real(conn, sql, params)

    monkeypatch.setattr(module, "_fetch", no_notes)
    first, last = case_id_span(engine) or (0, 0)
    with pytest.raises(DataChangedWhileReading):
        read_case_chunk(engine, first, last)
