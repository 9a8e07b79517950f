"""The single-case reads: the open-case lists in their two orders, the map's grid cells, one
case's record with its reporter masked. On SQLite and PostgreSQL, with eight hand-made cases
whose expected lists and cells are worked out below from the dates and coordinates.

The lists and the map read the open cases as the counts' refresh stores them
(``feedback_open_cases``, each with its state at the as-of instant); the states there are the
metrics layer's to compute (``tests/metrics/test_feedback_stats.py`` checks them), so here they
are written as given in :data:`STORED_STATES`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, insert, select

from data.feedback_records import (
    RecordFilters,
    case_record,
    newest_change_at,
    open_case_list,
    open_case_points,
)
from data.models import FeedbackCase, FeedbackOpenCase, FeedbackStatusChange
from tests.data.feedback_rows import add_cases
from tests.data.feedback_rows import case as _case

UNIT_A = "22015"  # Phường Tuy Hòa
UNIT_B = "24373"  # Xã Ea Kar
CITIZEN = "Chờ người dân bổ sung thông tin"  # the on-hold reason that stops the clock
# The open cases' states as the refresh stored them; the closed ones C1–C3 are not stored.
STORED_STATES = {
    "O4": "open_within",
    "O1": "open_overdue",
    "O2": "paused",
    "O3": "open_overdue",
    "O5": "open_within",
}
NAME, PHONE, ADDRESS = "Nguyễn Văn An", "0912345612", "Thôn 3, xã Ea Kar"
REPORTER = ("reporter_name", "reporter_phone", "reporter_address")


def case(code: str, unit: str, received: datetime, status: str, **extra: Any) -> dict[str, Any]:
    """A row with every column the cases below set (one INSERT needs the same keys in all)."""
    nullable = ("accepted_at", "status_reason", "lat", "lon", *REPORTER)
    unset: dict[str, Any] = {**dict.fromkeys(nullable, None), "reopen_count": 0}
    return _case(code, unit, received, status, **{**unset, **extra})


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


# code: (row, history as (changed_at, to_status, note)). The last change of each open case:
#   O4 reopened 15/3 · O1 in progress 20/3 · O2 on hold 25/3 · O3 no history: its receipt 5/3
#   · O5 assigned 7/3.
CASES: dict[str, tuple[dict[str, Any], list[tuple[datetime, str, str | None]]]] = {
    "O4": (
        case(
            "O4", UNIT_B, at(2, 1, 8), "reopened", accepted_at=at(2, 1, 9), due_at=at(3, 29, 10),
            lat=13.1012, lon=109.2999, reopen_count=1,
        ),
        [
            (at(2, 1, 8), "received", None),
            (at(2, 1, 9), "accepted", None),
            (at(2, 10, 9), "resolved", None),
            (at(3, 15, 10), "reopened", "Người dân báo chưa khắc phục"),
        ],
    ),
    "O1": (
        case(
            "O1", UNIT_A, at(3, 2, 9), "in_progress", accepted_at=at(3, 2, 10),
            due_at=at(3, 9, 9), lat=12.6831, lon=108.0456,
        ),
        [
            (at(3, 2, 9), "received", None),
            (at(3, 2, 10), "accepted", None),
            (at(3, 20, 8), "in_progress", None),
        ],
    ),
    "O2": (
        case(
            "O2", UNIT_A, at(3, 3, 9), "on_hold", accepted_at=at(3, 3, 10), due_at=at(3, 10, 10),
            status_reason=CITIZEN, lat=12.6849, lon=108.0401,
            reporter_name=NAME, reporter_phone=PHONE, reporter_address=ADDRESS,
        ),
        [
            (at(3, 3, 9), "received", "Tiếp nhận qua ứng dụng"),
            (at(3, 3, 10), "accepted", None),
            (at(3, 25, 9), "on_hold", CITIZEN),
        ],
    ),
    # Not accepted yet, no deadline, no coordinates, and (a gap in the source) no history.
    "O3": (case("O3", UNIT_A, at(3, 5, 8), "received"), []),
    "O5": (
        case(
            "O5", UNIT_A, at(3, 6, 8), "assigned", accepted_at=at(3, 6, 9), due_at=at(3, 20, 9),
            category_group="Môi trường", category="Rác thải", lat=12.6952, lon=108.0456,
        ),
        [(at(3, 6, 8), "received", None), (at(3, 7, 14), "assigned", None)],
    ),
    # Closed cases, older than every open one and in O1's map cell: never listed or counted.
    "C1": (
        case("C1", UNIT_A, at(1, 10, 8), "resolved", resolved_at=at(1, 12, 8), lat=12.6831,
             lon=108.0456),
        [(at(1, 10, 8), "received", None), (at(1, 12, 8), "resolved", None)],
    ),
    "C2": (case("C2", UNIT_A, at(1, 11, 8), "rejected", lat=12.6831, lon=108.0456), []),
    "C3": (case("C3", UNIT_A, at(1, 11, 9), "duplicate", lat=12.6831, lon=108.0456), []),
}  # fmt: skip


def _add(conn: Connection) -> None:
    add_cases(conn, [row for row, _history in CASES.values()])
    ids = {code: id_ for code, id_ in conn.execute(select(FeedbackCase.case_code, FeedbackCase.id))}
    conn.execute(
        FeedbackCase.__table__.update()
        .where(FeedbackCase.id == ids["C3"])
        .values(duplicate_of_id=ids["C1"])
    )
    changes = [
        {"case_id": ids[code], "changed_at": when, "from_status": None, "to_status": to, "note": n}
        for code, (_row, history) in CASES.items()
        for when, to, n in history
    ]
    conn.execute(insert(FeedbackStatusChange), changes)
    stored = [
        {
            "case_id": ids[code],
            "state": state,
            **{k: CASES[code][0][k] for k in ("unit_code", "category_group", "category")},
            **{k: CASES[code][0][k] for k in ("received_at", "lat", "lon")},
        }
        for code, state in STORED_STATES.items()
    ]
    conn.execute(insert(FeedbackOpenCase), stored)


@pytest.fixture
def engine(migrated_engine: Engine) -> Engine:
    with migrated_engine.begin() as conn:
        _add(conn)
    return migrated_engine


def codes(engine: Engine, order: str, limit: int = 10, **kwargs: Any) -> list[str]:
    filters = RecordFilters(**kwargs.pop("filters", {}))
    frame = open_case_list(engine, filters, order, limit, **kwargs)  # type: ignore[arg-type]
    return frame["case_code"].tolist()


def test_oldest_open_cases_first_and_no_closed_one(engine: Engine) -> None:
    # Received: O4 1/2, O1 2/3, O2 3/3, O3 5/3, O5 6/3; C1–C3 are older but closed.
    assert codes(engine, "received") == ["O4", "O1", "O2", "O3", "O5"]
    assert codes(engine, "received", limit=2) == ["O4", "O1"]


def test_least_recently_updated_first(engine: Engine) -> None:
    # Last changes: O3 5/3 (its receipt), O5 7/3, O4 15/3, O1 20/3, O2 25/3.
    assert codes(engine, "updated") == ["O3", "O5", "O4", "O1", "O2"]
    # One case: the three oldest (O4, O1, O2) were all updated by 15/3 at the latest, yet the
    # answer is O3, outside them — the pruning must still find it.
    assert codes(engine, "updated", limit=1) == ["O3"]


def test_the_list_columns_and_the_last_change(engine: Engine) -> None:
    frame = open_case_list(engine, RecordFilters(unit_code=UNIT_A), "updated", 10)
    assert list(frame.columns) == [
        "case_code", "unit_code", "category_group", "category", "severity", "status",
        "received_at", "due_at", "last_changed_at", "state",
    ]  # fmt: skip
    row = frame.set_index("case_code").loc["O3"]
    assert row["last_changed_at"] == at(3, 5, 8)  # no history: the receipt
    assert frame.set_index("case_code").loc["O2", "last_changed_at"] == at(3, 25, 9)
    o1 = frame.set_index("case_code").loc["O1"]
    assert (o1["status"], o1["due_at"], o1["state"]) == ("in_progress", at(3, 9, 9), "open_overdue")


def test_filters_by_unit_and_category(engine: Engine) -> None:
    assert codes(engine, "received", filters={"unit_code": UNIT_B}) == ["O4"]
    assert codes(engine, "received", filters={"category_group": "Môi trường"}) == ["O5"]
    assert codes(engine, "updated", filters={"category": "Đèn đường", "unit_code": UNIT_A}) == [
        "O3",
        "O1",
        "O2",
    ]


def test_the_state_filter_reads_the_stored_states(engine: Engine) -> None:
    overdue = {"state": "open_overdue"}
    assert codes(engine, "received", filters=overdue) == ["O1", "O3"]
    # Least recently updated among them: O3 (its receipt 5/3) before O1 (20/3).
    assert codes(engine, "updated", filters=overdue) == ["O3", "O1"]
    assert codes(engine, "received", filters={"state": "paused"}) == ["O2"]
    within = {"state": "open_within", "unit_code": UNIT_A}
    assert codes(engine, "received", filters=within) == ["O5"]


def test_an_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="state"):
        RecordFilters(state="resolved_on_time")


def test_the_lists_read_only_what_the_refresh_stored(engine: Engine) -> None:
    # A case whose status is open but that the refresh did not store as open (it came in
    # after the counts were computed) waits for the next refresh, so the lists agree with the
    # counts beside them.
    with engine.begin() as conn:
        add_cases(conn, [case("O6", UNIT_A, at(1, 5, 8), "received")])
    assert codes(engine, "received", limit=1) == ["O4"]


def test_points_are_grid_cells_of_the_open_cases(engine: Engine) -> None:
    points = open_case_points(engine, RecordFilters(), 0.01)
    # 0.01° cells: O1 (12.6831, 108.0456) and O2 (12.6849, 108.0401) share row 1268, column
    # 10804, centre (12.685, 108.045); O5 (12.6952) is in row 1269; O4 in (1310, 10929). O3 has
    # no coordinates; C1–C3 are closed. Overdue as stored: O1 (O2 is paused, O3 has no spot).
    assert points.to_dict("records") == [
        {"lat": 12.685, "lon": 108.045, "cases": 2, "overdue": 1},
        {"lat": 12.695, "lon": 108.045, "cases": 1, "overdue": 0},
        {"lat": 13.105, "lon": 109.295, "cases": 1, "overdue": 0},
    ]
    # 0.1° cells: O1, O2 and O5 fall in (126, 1080), centre (12.65, 108.05).
    coarse = open_case_points(engine, RecordFilters(), 0.1)
    assert coarse.to_dict("records") == [
        {"lat": 12.65, "lon": 108.05, "cases": 3, "overdue": 1},
        {"lat": 13.15, "lon": 109.25, "cases": 1, "overdue": 0},
    ]


def test_points_filters(engine: Engine) -> None:
    assert newest_change_at(engine) == at(3, 25, 9)  # O2's hold: the newest change
    points = open_case_points(engine, RecordFilters(unit_code=UNIT_A, state="paused"), 0.1)
    assert points.to_dict("records") == [{"lat": 12.65, "lon": 108.05, "cases": 1, "overdue": 0}]
    assert open_case_points(engine, RecordFilters(category="Không có"), 0.1).empty
    with pytest.raises(ValueError, match="cell_degrees"):
        open_case_points(engine, RecordFilters(), 0)


def test_case_record_masks_the_reporter_and_gives_the_history(engine: Engine) -> None:
    record = case_record(engine, "O2")
    assert record is not None
    case = record.case
    assert case["reporter_name_masked"] == "Ng*** V** A"
    assert case["reporter_phone_masked"] == "09******12"
    assert case["reporter_address_masked"] == "***, xã Ea Kar"
    assert not {"reporter_name", "reporter_phone", "reporter_address"} & set(case)
    assert not [v for v in case.values() if isinstance(v, str) and ("Văn An" in v or "345" in v)]
    assert (case["case_code"], case["status"], case["status_reason"]) == ("O2", "on_hold", CITIZEN)
    history = record.history
    assert history["changed_at"].tolist() == [at(3, 3, 9), at(3, 3, 10), at(3, 25, 9)]
    assert history["to_status"].tolist() == ["received", "accepted", "on_hold"]
    notes = [None if pd.isna(note) else note for note in history["note"]]
    assert notes == ["Tiếp nhận qua ứng dụng", None, CITIZEN]


def test_case_record_names_the_original_of_a_duplicate(engine: Engine) -> None:
    duplicate = case_record(engine, "C3")
    assert duplicate is not None and duplicate.case["duplicate_of_code"] == "C1"
    assert duplicate.history.empty
    assert duplicate.case["reporter_name_masked"] is None  # anonymous stays anonymous
    assert case_record(engine, "NO-SUCH-CASE") is None


def test_an_unknown_order_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="order"):
        open_case_list(engine, RecordFilters(), "newest", 10)  # type: ignore[arg-type]
