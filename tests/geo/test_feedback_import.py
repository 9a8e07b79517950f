"""Loading Open311 GeoReport v2 feedback records: routed, deadlines computed, all or nothing.

SQLite and PostgreSQL (``migrated_engine``). The routing layer is the reference detailed file;
points are the registry's unit centres (inside their unit: see tests/geo/test_routing.py) and
places clearly outside the province.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from data.demo.feedback_catalog import QUESTION_GROUP as DEMO_QUESTION_GROUP
from data.indicators import RowProblem
from data.models import FeedbackCase, FeedbackStatusChange, FeedbackUnrouted, ImportBatch
from data.queries import data_version
from data.registry import UnitRecord
from geo.feedback_import import QUESTION_GROUP, main, parse_moment, problem_text
from tests.geo.conftest import DETAILED

pytestmark = pytest.mark.skipif(not DETAILED.exists(), reason="needs ../shared/geo")

NOW = datetime(2026, 11, 25, 12, 0)  # Wednesday; every record below happened before it
PAUSE = "Chờ người dân bổ sung thông tin, hình ảnh"  # a declared pause reason
PLEIKU = (13.9833, 108.0)  # Gia Lai: outside the province


def centre(units: list[UnitRecord], code: str) -> tuple[float, float]:
    unit = next(u for u in units if u.code == code)
    return unit.centre_lat, unit.centre_lon


def good_records(units: list[UnitRecord]) -> list[dict[str, Any]]:
    lat, lon = centre(units, "24133")  # Buôn Ma Thuột
    return [
        {  # 1: routed by its coordinates; resolved, with the history built from the times
            "service_request_id": "PAKN-2026-900001",
            "status": "closed",  # Open311's own word: read as resolved
            "status_notes": None,
            "service_name": "Đèn chiếu sáng hư hỏng",
            "service_code": "HT-03",
            "description": "Đèn đường hỏng <script>alert(1)</script> cả tuần",
            "requested_datetime": "2026-11-20T09:00:00+07:00",
            "updated_datetime": "2026-11-25T09:00:00+07:00",
            "expected_datetime": "2026-11-27T10:00:00+07:00",
            "address": "12 Lê Duẩn, phường Buôn Ma Thuột",
            "lat": lat,
            "long": lon,
            "media_url": "https://example.invalid/photo.jpg",
            "channel": "app",
            "category_group": "Hạ tầng kỹ thuật",
            "severity": "bình thường",
            "accepted_at": "2026-11-20T10:00:00+07:00",
            "response_text": "Đã thay bóng đèn.",
            "response_evidence": "photo:after.jpg",
            "satisfaction": 5,
            "reporter_name": "Nguyễn Văn An",
            "reporter_phone": "0912345612",
        },
        {  # 2: no coordinates, stated unit; urgent, a pause waiting on the citizen
            "service_request_id": "PAKN-2026-900002",
            "status": "in_progress",
            "service_name": "Cây xanh gãy đổ, nguy hiểm",
            "description": "Cây đổ chắn ngang đường",
            "requested_datetime": "23/11/2026 07:45",
            "channel": "hotline",
            "category_group": "Môi trường, vệ sinh công cộng",
            "severity": "urgent",
            "unit_code": "24121",  # Tân Lập
            "status_history": [
                {"changed_at": "2026-11-23T07:45:00", "to_status": "received"},
                {"changed_at": "2026-11-23T08:00:00", "to_status": "accepted"},
                {"changed_at": "2026-11-23T09:00:00", "to_status": "on_hold", "note": PAUSE},
                {"changed_at": "2026-11-23T10:00:00", "to_status": "in_progress"},
            ],
        },
        {  # 3: a GPS fix outside the province → unrouted, kept with the reporter masked later
            "service_request_id": "PAKN-2026-900003",
            "status": "open",
            "service_name": "Rác thải sinh hoạt",
            "description": "Rác đổ bừa bãi",
            "requested_datetime": "2026-11-24T20:15:00+07:00",
            "lat": PLEIKU[0],
            "long": PLEIKU[1],
            "channel": "app",
            "category_group": "Môi trường, vệ sinh công cộng",
            "severity": "normal",
            "reporter_name": "Trần Thị Bình",
            "reporter_phone": "0987654321",
        },
    ]


def write_json(folder: Path, name: str, records: list[dict[str, Any]]) -> Path:
    path = folder / name
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_csv(folder: Path, name: str, records: list[dict[str, Any]]) -> Path:
    columns = sorted({key for record in records for key in record})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                k: json.dumps(v) if isinstance(v, list) else ("" if v is None else v)
                for k, v in record.items()
            }
        )
    path = folder / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def run(engine: Engine, path: Path, *extra: str) -> int:
    return main(
        [str(path), "--by", "Lê Thị Hoa", "--boundaries", str(DETAILED), *extra],
        engine=engine,
        now=NOW,
    )


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            model.__tablename__: int(
                conn.execute(select(func.count()).select_from(model)).scalar_one()
            )
            for model in (ImportBatch, FeedbackCase, FeedbackStatusChange, FeedbackUnrouted)
        }


def stored_cases(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = (
            conn.execute(select(FeedbackCase.__table__).order_by(FeedbackCase.case_code))
            .mappings()
            .all()
        )
    return {row["case_code"]: row for row in rows}


# --- a good file -------------------------------------------------------------------------------


def test_a_good_file_routes_two_cases_keeps_one_unrouted_and_makes_one_batch(
    migrated_engine: Engine,
    units: list[UnitRecord],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write_json(tmp_path, "open311-requests.json", good_records(units))
    version_before = data_version(migrated_engine)
    assert run(migrated_engine, path, "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "2 case(s) given to their commune or ward, with 7 status change(s); 1 case(s)" in out
    assert "coordinates outside the province: 1" in out
    # 2 cases with 3 + 4 status changes, 1 unrouted, 1 batch.
    assert counts(migrated_engine) == {
        "import_batches": 1,
        "feedback_cases": 2,
        "feedback_status_history": 7,
        "feedback_unrouted": 1,
    }
    assert data_version(migrated_engine) > version_before  # the scores and counts follow
    with migrated_engine.connect() as conn:
        batch = conn.execute(select(ImportBatch.__table__)).mappings().one()
    assert (batch["kind"], batch["source_name"], batch["imported_by"]) == (
        "feedback",
        "open311-requests.json",
        "Lê Thị Hoa",
    )
    cases = stored_cases(migrated_engine)
    first, second = cases["PAKN-2026-900001"], cases["PAKN-2026-900002"]
    assert first["unit_code"] == "24133" and second["unit_code"] == "24121"
    assert (first["status"], first["severity"], first["channel"]) == ("resolved", "normal", "app")
    assert first["received_at"] == datetime(2026, 11, 20, 9, 0)
    assert first["resolved_at"] == datetime(2026, 11, 25, 9, 0)  # updated_datetime of a closed one
    assert first["reporter_address"] == "12 Lê Duẩn, phường Buôn Ma Thuột"  # Open311 address
    assert first["response_evidence_ref"] == "photo:after.jpg"
    assert first["description"] == "Đèn đường hỏng <script>alert(1)</script> cả tuần"  # as text
    assert first["is_question"] is False or first["is_question"] == 0
    # Hand-computed deadlines (working hours 07:30–11:30 and 13:30–17:00, Monday–Friday):
    # 1: normal = 5 working days from acceptance, Friday 20/11 10:00: Monday 23/11 is day 1,
    # Tuesday 24/11 is a public holiday (Ngày Văn hóa Việt Nam, a day off from 2025), then
    # Wednesday 25 (2), Thursday 26 (3), Friday 27 (4), Monday 30/11 (5) → 30/11 10:00.
    assert first["due_at"] == datetime(2026, 11, 30, 10, 0)
    # 2: urgent = 4 working hours from acceptance, Monday 23/11 08:00: 3,5 h to 11:30, then
    # 0,5 h from 13:30 → 14:00; the hold 09:00–10:00 waited on the citizen (a pause reason)
    # and ended before now: the deadline moves 1 working hour later → 15:00.
    assert second["due_at"] == datetime(2026, 11, 23, 15, 0)
    assert second["reopen_count"] == 0 and second["status"] == "in_progress"
    with migrated_engine.connect() as conn:
        history = conn.execute(
            select(
                FeedbackStatusChange.from_status,
                FeedbackStatusChange.to_status,
                FeedbackStatusChange.note,
            )
            .where(FeedbackStatusChange.case_id == second["id"])
            .order_by(FeedbackStatusChange.changed_at)
        ).all()
        unrouted = conn.execute(select(FeedbackUnrouted.__table__)).mappings().one()
    assert [tuple(h) for h in history] == [
        (None, "received", None),
        ("received", "accepted", None),
        ("accepted", "on_hold", PAUSE),
        ("on_hold", "in_progress", None),
    ]
    assert (unrouted["case_code"], unrouted["reason"], unrouted["stated_unit"]) == (
        "PAKN-2026-900003",
        "outside_province",
        None,
    )
    assert (unrouted["lat"], unrouted["lon"]) == PLEIKU
    assert unrouted["received_at"] == datetime(2026, 11, 24, 20, 15)
    assert unrouted["batch_id"] == batch["id"]


def test_the_same_records_as_csv_load_the_same_way(
    migrated_engine: Engine, units: list[UnitRecord], tmp_path: Path
) -> None:
    path = write_csv(tmp_path, "requests.csv", good_records(units))
    assert run(migrated_engine, path) == 0
    assert counts(migrated_engine)["feedback_cases"] == 2
    assert counts(migrated_engine)["feedback_unrouted"] == 1
    assert stored_cases(migrated_engine)["PAKN-2026-900002"]["due_at"] == datetime(
        2026, 11, 23, 15, 0
    )


# --- bad files: every problem named, nothing written ------------------------------------------


def test_a_file_with_two_errors_names_both_and_writes_nothing(
    migrated_engine: Engine,
    units: list[UnitRecord],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = good_records(units)
    records[1]["severity"] = "rất gấp"
    records[2]["requested_datetime"] = "32/13/2026 08:00"
    path = write_json(tmp_path, "bad.json", records)
    before = counts(migrated_engine)
    assert run(migrated_engine, path, "--lang", "en") == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "The file bad.json: 2 problem(s), nothing was written:"
    assert out[1].startswith("bad.json, record 2, field severity: severity “rất gấp”")
    assert out[2].startswith("bad.json, record 3, field requested_datetime: “32/13/2026 08:00”")
    assert len(out) == 3
    assert counts(migrated_engine) == before  # not even the two good records


def test_csv_problems_are_named_by_line(
    migrated_engine: Engine,
    units: list[UnitRecord],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = good_records(units)
    records[0]["lat"] = ""  # line 2: one coordinate without the other
    records[2]["channel"] = "fax"  # line 4: not a channel (found by the data layer's check)
    path = write_csv(tmp_path, "bad.csv", records)
    assert run(migrated_engine, path, "--lang", "en") == 2
    out = capsys.readouterr().out
    assert "bad.csv, line 2, field lat: missing while the other coordinate is given" in out
    assert "bad.csv, line 4, field channel: channel “fax” is not app" in out
    assert counts(migrated_engine)["import_batches"] == 0


def test_a_case_code_repeated_in_the_file_or_already_stored_is_refused(
    migrated_engine: Engine,
    units: list[UnitRecord],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = good_records(units)
    records[2]["service_request_id"] = records[0]["service_request_id"]
    repeated = write_json(tmp_path, "repeated.json", records)
    assert run(migrated_engine, repeated, "--lang", "en") == 2
    assert (
        "repeated.json, record 3, field service_request_id: the same request id as record/line 1"
        in capsys.readouterr().out
    )
    assert counts(migrated_engine)["import_batches"] == 0

    good = write_json(tmp_path, "good.json", good_records(units))
    assert run(migrated_engine, good) == 0
    stored = counts(migrated_engine)
    version = data_version(migrated_engine)
    capsys.readouterr()
    assert run(migrated_engine, good, "--lang", "en") == 2  # the same file again
    out = capsys.readouterr().out
    assert out.count("is stored already (an earlier load)") == 3  # the unrouted one as well
    assert counts(migrated_engine) == stored and data_version(migrated_engine) == version


def test_every_problem_of_one_record_is_listed_not_only_the_first(
    migrated_engine: Engine,
    units: list[UnitRecord],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    record = {**good_records(units)[1], "colour": "red", "channel": "fax", "status": "assigned"}
    del record["status_history"]  # assigned, with no acceptance time given
    assert run(migrated_engine, write_json(tmp_path, "one.json", [record]), "--lang", "en") == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "The file one.json: 3 problem(s), nothing was written:"
    assert [line.split(":")[0] for line in out[1:]] == [
        "one.json, record 1, field colour",
        "one.json, record 1, field channel",  # found by the reader and the data layer: said once
        "one.json, record 1, field accepted_at",
    ]


def test_every_problem_message_formats_in_both_languages() -> None:
    from i18n import table

    keys = [key for key in table() if key.startswith("feedback.import.problem.")]
    assert len(keys) > 30
    for key in keys:
        for lang in ("vi", "en"):
            problem = RowProblem(1, "f", key.rsplit(".", 1)[1], "x")
            assert problem_text(problem, "a.json", "record", lang)


# --- routing -----------------------------------------------------------------------------------


def test_outside_the_province_an_unknown_unit_or_no_location_goes_unrouted_with_its_reason(
    migrated_engine: Engine, units: list[UnitRecord], tmp_path: Path
) -> None:
    base = good_records(units)[2]
    records = [
        {**base, "service_request_id": "A-1"},  # Pleiku
        {**base, "service_request_id": "A-2", "lat": 13.09, "long": 109.6},  # the sea off Tuy Hòa
        {
            **{k: v for k, v in base.items() if k not in ("lat", "long")},
            "service_request_id": "A-3",
            "unit_code": "24999",
        },
        {
            **{k: v for k, v in base.items() if k not in ("lat", "long")},
            "service_request_id": "A-4",
        },
    ]
    assert run(migrated_engine, write_json(tmp_path, "unrouted.json", records)) == 0
    with migrated_engine.connect() as conn:
        rows = conn.execute(
            select(
                FeedbackUnrouted.case_code, FeedbackUnrouted.reason, FeedbackUnrouted.stated_unit
            ).order_by(FeedbackUnrouted.case_code)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("A-1", "outside_province", None),
        ("A-2", "outside_province", None),
        ("A-3", "unknown_unit", "24999"),
        ("A-4", "no_location", None),
    ]
    assert counts(migrated_engine)["feedback_cases"] == 0


def test_coordinates_win_over_the_stated_unit(
    migrated_engine: Engine,
    units: list[UnitRecord],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    record = {**good_records(units)[0], "unit_code": "24121"}  # says Tân Lập, lies in Buôn Ma Thuột
    assert run(migrated_engine, write_json(tmp_path, "one.json", [record]), "--lang", "en") == 0
    assert "1 case(s) stated another unit" in capsys.readouterr().out
    assert stored_cases(migrated_engine)["PAKN-2026-900001"]["unit_code"] == "24133"


def test_a_duplicate_points_at_the_case_it_repeats(
    migrated_engine: Engine, units: list[UnitRecord], tmp_path: Path
) -> None:
    original = good_records(units)[0]
    duplicate = {
        **original,
        "service_request_id": "PAKN-2026-900009",
        "status": "duplicate",
        "duplicate_of": original["service_request_id"],
        "requested_datetime": "2026-11-20T11:00:00+07:00",
        "updated_datetime": "2026-11-20T14:00:00+07:00",
        "accepted_at": None,
        "satisfaction": None,
    }
    assert run(migrated_engine, write_json(tmp_path, "dup.json", [original, duplicate])) == 0
    cases = stored_cases(migrated_engine)
    assert cases["PAKN-2026-900009"]["duplicate_of_id"] == cases["PAKN-2026-900001"]["id"]
    assert cases["PAKN-2026-900009"]["due_at"] is None  # never accepted: no answer deadline


def test_a_reopened_case_and_open311_closed_with_a_history(
    migrated_engine: Engine, units: list[UnitRecord], tmp_path: Path
) -> None:
    base = {k: v for k, v in good_records(units)[0].items() if k not in ("satisfaction",)}
    reopened = {
        **base,
        "service_request_id": "R-1",
        "status": "reopened",
        "accepted_at": "2026-11-20T10:00:00",
        "resolved_at": "2026-11-23T09:00:00",
        "updated_datetime": "2026-11-25T08:00:00",
    }
    rejected = {
        **base,
        "service_request_id": "R-2",
        "status": "closed",  # the history says how: rejected
        "accepted_at": None,
        "updated_datetime": None,
        "requested_datetime": "2026-11-21T10:00:00",
        "status_history": [
            {"changed_at": "2026-11-21T10:00:00", "to_status": "received"},
            {
                "changed_at": "2026-11-23T08:30:00",
                "to_status": "rejected",
                "note": "Trùng nội dung",
            },
        ],
    }
    assert run(migrated_engine, write_json(tmp_path, "r.json", [reopened, rejected])) == 0
    cases = stored_cases(migrated_engine)
    first, second = cases["R-1"], cases["R-2"]
    # Reopened: received, accepted, resolved 23/11 09:00, reopened 25/11 08:00; the answer
    # clock starts again at the reopening: 5 working days from Wednesday 25/11 08:00 are
    # Thursday 26 (1), Friday 27 (2), Monday 30 (3), Tuesday 1/12 (4), Wednesday 2/12 (5).
    assert (first["status"], first["reopen_count"], first["resolved_at"]) == ("reopened", 1, None)
    assert first["due_at"] == datetime(2026, 12, 2, 8, 0)
    assert (second["status"], second["due_at"], second["accepted_at"]) == ("rejected", None, None)
    with migrated_engine.connect() as conn:
        steps = (
            conn.execute(
                select(FeedbackStatusChange.to_status)
                .where(FeedbackStatusChange.case_id == first["id"])
                .order_by(FeedbackStatusChange.changed_at)
            )
            .scalars()
            .all()
        )
    assert steps == ["received", "accepted", "resolved", "reopened"]


# --- reading the fields ------------------------------------------------------------------------


def test_times_with_an_offset_are_stored_as_vietnam_time() -> None:
    assert parse_moment("2026-11-20T02:00:00Z") == datetime(2026, 11, 20, 9, 0)
    assert parse_moment("2026-11-20T09:00:00+07:00") == datetime(2026, 11, 20, 9, 0)
    assert parse_moment("20/11/2026 09:00") == datetime(2026, 11, 20, 9, 0)
    assert parse_moment("2026-11-20 09:00:00.123456") == datetime(2026, 11, 20, 9, 0)
    assert parse_moment("20.11.2026") is None


def test_the_question_group_is_the_one_the_feedback_texts_use() -> None:
    assert QUESTION_GROUP == DEMO_QUESTION_GROUP
