"""Loading operators' site stage changes from CSV: read, checked row by row and site by site,
located by point in polygon, all or nothing.

SQLite and PostgreSQL (``migrated_engine``). The location layer is the reference boundaries
(``../shared/geo/communes.geojson``); the points are the registry's unit centres, each inside its
unit (checked below), and Pleiku (Gia Lai), outside the province:

* Buôn Ma Thuột (24133): 12.7009, 108.0222
* Tân Lập (24121): 12.6579, 108.1068
* Ea Knuếc (24505): 12.6943, 108.198; the old commune code 24517 (Hòa Đông, merged into it in
  2025) is not in the registry
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from data.indicators import RowProblem
from data.models import (
    ImportBatch,
    InfraSite,
    InfraSiteStatusChange,
    InfraSiteUnchecked,
)
from data.queries import data_version
from geo.routing import load_routing_boundaries, route_points
from geo.site_import import main, moves_back, parse_day, problem_text
from metrics.site_pipeline import regressions
from tests.data.test_site_load import changes, counts
from tests.geo.conftest import REFERENCE

pytestmark = pytest.mark.skipif(not REFERENCE.exists(), reason="needs ../shared/geo")

NOW = datetime(2026, 11, 25, 12, 0)  # every change below is dated on or before this day
HEADER = (
    "site_code,operator,technology,unit_code,lat,long,serves_centre,population_covered,"
    "changed_at,to_status,note\n"
)
BMT = "12.7009,108.0222"  # Buôn Ma Thuột's centre
TAN_LAP = "12.6579,108.1068"
EA_KNUEC = "12.6943,108.198"
PLEIKU = "13.9833,108.0"
LANDLORD = "Chủ đất thu hồi mặt bằng, trạm phải dỡ bỏ và tìm vị trí mới"
NO_POWER = "Chưa có lưới điện tại vị trí trạm"

# Three sites in Buôn Ma Thuột and Tân Lập; A's rows are out of day order in the file, and its
# days are written both ways; C steps back (on air → built) with its reason.
GOOD = HEADER + (
    f"VTL-24133-5G-001,Viettel,5G,24133,{BMT},có,8200,20/09/2026,on_air,\n"  # line 2
    f"VTL-24133-5G-001,viettel,5g,24133,{BMT},yes,8200,2026-03-02,planned,\n"  # line 3
    f"VTL-24133-5G-001,Viettel,5G,24133,{BMT},1,8200,15/05/2026,permitted,\n"  # line 4
    f"VNP-24121-4G-001,VNPT,4G,24121,{TAN_LAP},không,1500,01/04/2026,planned,\n"  # line 5
    f"VNP-24121-4G-001,VNPT,4G,24121,{TAN_LAP},no,1500,10/06/2026,power_ready,\n"  # line 6
    f"VNP-24121-4G-001,VNPT,4G,24121,{TAN_LAP},false,1500,01/08/2026,blocked,{NO_POWER}\n"
    f"MBF-24133-5G-002,MobiFone,5G,24133,{BMT},0,3000,01/02/2026,planned,\n"  # line 8
    f"MBF-24133-5G-002,MobiFone,5G,24133,{BMT},0,3000,01/07/2026,on_air,\n"  # line 9
    f'MBF-24133-5G-002,MobiFone,5G,24133,{BMT},0,3000,05/10/2026,built,"{LANDLORD}"\n'
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(engine: Engine, path: Path, *extra: str) -> int:
    return main(
        [str(path), "--by", "Lê Thị Hoa", "--boundaries", str(REFERENCE), *extra],
        engine=engine,
        now=NOW,
    )


def sites(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = conn.execute(select(InfraSite.__table__)).mappings().all()
    return {row["site_code"]: row for row in rows}


def history(engine: Engine, code: str) -> list[tuple[Any, ...]]:
    """The site's stored changes: changed_at, from_status, to_status, note."""
    return [change[1:] for change in changes(engine) if change[0] == code]


def refusal(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_the_points_used_here_lie_in_the_units_said() -> None:
    boundaries = load_routing_boundaries(REFERENCE)
    points = [BMT, TAN_LAP, EA_KNUEC, PLEIKU]
    lat, lon = zip(*(tuple(float(x) for x in p.split(",")) for p in points), strict=True)
    assert list(route_points(lat, lon, boundaries)) == ["24133", "24121", "24505", None]


# --- a good file -------------------------------------------------------------------------------


def test_a_good_file_writes_each_site_with_its_history_by_day_and_one_batch(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = data_version(migrated_engine)
    assert run(migrated_engine, write(tmp_path, "sites.csv", GOOD), "--lang", "en") == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Stored the file sites.csv (import batch 1): 9 row(s) read; 3 site(s) written to their "
        "commune or ward with 9 stage change(s); 0 site(s) need checking; 1 step(s) back along "
        "the pipeline accepted with their reason. The infrastructure figures will be recomputed."
    ]
    assert counts(migrated_engine) == {
        "import_batches": 1,
        "infra_sites": 3,
        "infra_site_status_history": 9,
        "infra_sites_unchecked": 0,
    }
    assert data_version(migrated_engine) > version
    stored = sites(migrated_engine)
    a, b, c = stored["VTL-24133-5G-001"], stored["VNP-24121-4G-001"], stored["MBF-24133-5G-002"]
    # A: planned 02/03, permitted 15/05, on air 20/09 (its first row in the file is the last).
    assert (a["unit_code"], a["operator"], a["technology"]) == ("24133", "Viettel", "5G")
    assert (a["status"], a["planned_at"], a["on_air_at"]) == (
        "on_air",
        date(2026, 3, 2),
        date(2026, 9, 20),
    )
    assert bool(a["serves_centre"]) is True and a["population_covered"] == 8200
    assert (a["lat"], a["lon"], a["blocked_reason"]) == (12.7009, 108.0222, None)
    assert history(migrated_engine, "VTL-24133-5G-001") == [
        (date(2026, 3, 2), None, "planned", None),
        (date(2026, 5, 15), "planned", "permitted", None),
        (date(2026, 9, 20), "permitted", "on_air", None),
    ]
    # B: blocked, with the reason of its last change; never on air.
    assert (b["status"], b["blocked_reason"], b["on_air_at"]) == ("blocked", NO_POWER, None)
    assert bool(b["serves_centre"]) is False and b["planned_at"] == date(2026, 4, 1)
    # C: on air 01/07, then back to built on 05/10 with the reason: built now, no on-air day.
    assert (c["status"], c["on_air_at"], c["blocked_reason"]) == ("built", None, None)
    assert history(migrated_engine, "MBF-24133-5G-002")[-1] == (
        date(2026, 10, 5),
        "on_air",
        "built",
        LANDLORD,
    )
    with migrated_engine.connect() as conn:
        batch = conn.execute(select(ImportBatch.__table__)).mappings().one()
        frame = pd.read_sql(
            select(
                InfraSiteStatusChange.site_id,
                InfraSiteStatusChange.changed_at,
                InfraSiteStatusChange.to_status,
                InfraSiteStatusChange.note,
            ).order_by(InfraSiteStatusChange.id),
            conn,
        )
    assert (batch["kind"], batch["source_name"], batch["imported_by"]) == (
        "infrastructure",
        "sites.csv",
        "Lê Thị Hoa",
    )
    assert batch["row_count"] == 9 and batch["imported_at"] == NOW
    assert {a["batch_id"], b["batch_id"], c["batch_id"]} == {batch["id"]}
    # The rollout rules see the one step back the import accepted, with its reason.
    frame["changed_at"] = pd.to_datetime(frame["changed_at"]).dt.date
    found = regressions(frame)
    assert list(zip(found["from_stage"], found["to_stage"], found["note"], strict=True)) == [
        ("on_air", "built", LANDLORD)
    ]


def test_the_summary_is_in_vietnamese_by_default(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(migrated_engine, write(tmp_path, "tram.csv", GOOD)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Đã ghi tệp tram.csv (lô nhập số 1): đã đọc 9 dòng; 3 trạm đã ghi về xã, phường cùng 9 "
        "mốc trạng thái; 0 trạm cần kiểm tra lại; chấp nhận 1 lần chuyển lùi trạng thái có ghi "
        "lý do. Số liệu hạ tầng số sẽ được tính lại."
    ]


def test_a_semicolon_file_with_decimal_commas_loads_the_same(
    migrated_engine: Engine, tmp_path: Path
) -> None:
    # Excel in Vietnamese settings: ";" between cells, "," as the decimal mark.
    text = (
        HEADER.replace(",", ";")
        + "VTL-24133-5G-001;Viettel;5G;24133;12,7009;108,0222;có;8200;02/03/2026;planned;\n"
        + "VTL-24133-5G-001;Viettel;5G;24133;12.7009;108.0222;có;8200;20/09/2026;on_air;\n"
    )
    assert run(migrated_engine, write(tmp_path, "excel.csv", text)) == 0
    site = sites(migrated_engine)["VTL-24133-5G-001"]
    assert (site["lat"], site["lon"], site["status"]) == (12.7009, 108.0222, "on_air")


# --- where the sites are -----------------------------------------------------------------------


def test_sites_without_a_place_in_their_unit_are_kept_whole_to_be_checked(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEADER + (
        f"OK-1,Viettel,5G,24133,{BMT},có,100,01/03/2026,planned,\n"  # written
        "NOLOC-1,VNPT,4G,24133,,,không,200,01/03/2026,planned,\n"
        "NOLOC-1,VNPT,4G,24133,,,không,200,01/04/2026,site_agreed,\n"
        f"OUT-1,Viettel,5G,24133,{PLEIKU},có,300,01/03/2026,planned,\n"
        f"OLD-1,MobiFone,5G,24517,{EA_KNUEC},không,400,01/03/2026,planned,\n"
        f"ELSE-1,VNPT,5G,24133,{TAN_LAP},có,500,01/03/2026,planned,\n"
        f"ELSE-1,VNPT,5G,24133,{TAN_LAP},có,500,01/05/2026,blocked,{NO_POWER}\n"
    )
    assert run(migrated_engine, write(tmp_path, "mixed.csv", text), "--lang", "en") == 0
    out = capsys.readouterr().out.splitlines()
    assert "7 row(s) read; 1 site(s) written" in out[0]
    assert "with 1 stage change(s); 4 site(s) need checking; 0 step(s) back" in out[0]
    assert out[1] == (
        "Sites that need checking (kept apart, not counted in the coverage): no coordinates: 1; "
        "coordinates outside the province: 1; unit code not one of the 102 communes and wards: "
        "1; coordinates in another commune or ward than the unit code given: 1."
    )
    assert list(sites(migrated_engine)) == ["OK-1"]
    with migrated_engine.connect() as conn:
        rows = (
            conn.execute(
                select(InfraSiteUnchecked.__table__).order_by(InfraSiteUnchecked.site_code)
            )
            .mappings()
            .all()
        )
        batch_id = conn.execute(select(ImportBatch.id)).scalar_one()
    seen = {
        r["site_code"]: (r["reason"], r["stated_unit"], r["located_unit"], r["status"])
        for r in rows
    }
    assert seen == {
        "NOLOC-1": ("no_location", "24133", None, "site_agreed"),
        "OUT-1": ("outside_province", "24133", None, "planned"),
        "OLD-1": ("unknown_unit", "24517", "24505", "planned"),
        "ELSE-1": ("unit_mismatch", "24133", "24121", "blocked"),
    }
    by_code = {r["site_code"]: r for r in rows}
    else_1, noloc = by_code["ELSE-1"], by_code["NOLOC-1"]
    assert json.loads(else_1["history_json"]) == [
        {"changed_at": "2026-03-01", "to_status": "planned", "note": None},
        {"changed_at": "2026-05-01", "to_status": "blocked", "note": NO_POWER},
    ]
    assert (else_1["operator"], else_1["technology"], bool(else_1["serves_centre"])) == (
        "VNPT",
        "5G",
        True,
    )
    assert (else_1["lat"], else_1["lon"]) == (12.6579, 108.1068)
    assert (noloc["lat"], noloc["lon"]) == (None, None)
    assert {r["received_at"] for r in rows} == {NOW}
    assert {r["batch_id"] for r in rows} == {batch_id}


def test_a_site_code_stored_before_is_replaced_whole(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(migrated_engine, write(tmp_path, "first.csv", GOOD)) == 0
    # A again with two changes only, now filed under a unit its point is not in: it moves to
    # the sites to check; the other two sites are left as they were.
    again = HEADER + (
        f"VTL-24133-5G-001,Viettel,5G,24121,{BMT},có,8200,02/03/2026,planned,\n"
        f"VTL-24133-5G-001,Viettel,5G,24121,{BMT},có,8200,01/04/2026,site_agreed,\n"
    )
    capsys.readouterr()
    assert run(migrated_engine, write(tmp_path, "again.csv", again), "--lang", "en") == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "1 site(s) stored by an earlier import were replaced whole by this file's version "
        "(their history too)."
    )
    assert counts(migrated_engine) == {
        "import_batches": 2,
        "infra_sites": 2,
        "infra_site_status_history": 6,  # B's 3 and C's 3; A's 3 are gone
        "infra_sites_unchecked": 1,
    }
    assert history(migrated_engine, "VTL-24133-5G-001") == []


# --- bad input: every problem named, nothing written ------------------------------------------


def test_every_bad_value_is_named_by_file_line_and_column_and_nothing_is_written(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_note = "Vướng mặt bằng " * 14  # 210 characters
    text = HEADER + (
        f"S-02,Vinaphone,5G,24133,{BMT},có,10,01/03/2026,planned,\n"
        f"S-03,Viettel,3G,24133,{BMT},có,10,01/03/2026,planned,\n"
        f"S-04,Viettel,5G,24133,{BMT},có,10,01/03/2026,live,\n"
        f"S-05,Viettel,5G,24133,{BMT},maybe,10,01/03/2026,planned,\n"
        f"S-06,Viettel,5G,24133,{BMT},có,-5,01/03/2026,planned,\n"
        f"S-07,Viettel,5G,24133,{BMT},có,12.5,01/03/2026,planned,\n"
        f"S-08,Viettel,5G,24133,{BMT},có,10,31/02/2026,planned,\n"
        f"S-09,Viettel,5G,24133,{BMT},có,10,01/12/2026,planned,\n"
        "S-10,Viettel,5G,24133,12.7009,,có,10,01/03/2026,planned,\n"
        "S-11,Viettel,5G,24133,abc,108.0222,có,10,01/03/2026,planned,\n"
        "S-12,Viettel,5G,24133,95,108.0222,có,10,01/03/2026,planned,\n"
        f",Viettel,5G,24133,{BMT},có,10,01/03/2026,planned,\n"
        f"S-14,Viettel,5G,24133,{BMT},có,10,01/03/2026,blocked,{long_note}\n"
        f"S-15,Viettel,5G,24133,{BMT},,10,01/03/2026,planned,\n"
        f"S-16,Viettel,5G,24133,{BMT},có,10,01/03/2026,planned,,extra\n"
    )
    assert run(migrated_engine, write(tmp_path, "bad.csv", text), "--lang", "en") == 2
    out = refusal(capsys)
    shown = long_note[:40] + "…"
    assert out == [
        "The file bad.csv: 15 problem(s), nothing was written:",
        "bad.csv, line 2, column operator: operator “Vinaphone” is not Viettel, VNPT or MobiFone",
        "bad.csv, line 3, column technology: technology “3G” is not 4G or 5G",
        "bad.csv, line 4, column to_status: status “live” is not one of planned, site_agreed, "
        "permitted, power_ready, built, integrated, on_air, blocked",
        "bad.csv, line 5, column serves_centre: “maybe” is not yes/no (có/không, 1/0, true/false)",
        "bad.csv, line 6, column population_covered: “-5” is negative: the population covered "
        "must be 0 or more",
        "bad.csv, line 7, column population_covered: “12.5” is not a whole number",
        "bad.csv, line 8, column changed_at: “31/02/2026” is not a day (dd/mm/yyyy or yyyy-mm-dd)",
        "bad.csv, line 9, column changed_at: the day 01/12/2026 lies in the future",
        "bad.csv, line 10, column long: blank while the other coordinate is given: both lat and "
        "long are needed (or neither)",
        "bad.csv, line 11, column lat: “abc” is not a number",
        "bad.csv, line 12, column lat: “95” is not a WGS84 coordinate (latitude −90…90, "
        "longitude −180…180)",
        "bad.csv, line 13, column site_code: required, left blank",
        f"bad.csv, line 14, column note: “{shown}” is longer than 200 characters",
        "bad.csv, line 15, column serves_centre: required, left blank",
        "bad.csv, line 16: more cells than the header has columns",
    ]
    assert counts(migrated_engine) == dict.fromkeys(counts(migrated_engine), 0)


def test_problems_are_in_vietnamese_by_default(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD + f"S-9,Vinaphone,5G,24133,{BMT},có,10,01/03/2026,planned,\n"
    assert run(migrated_engine, write(tmp_path, "loi.csv", text)) == 2
    assert refusal(capsys) == [
        "Tệp loi.csv: 1 lỗi, không ghi dữ liệu nào:",
        "loi.csv, dòng 11, cột operator: nhà mạng “Vinaphone” không hợp lệ (Viettel, VNPT, "
        "MobiFone)",
    ]
    assert counts(migrated_engine)["infra_sites"] == 0  # not even the good sites of the file


def test_the_rows_of_one_site_must_agree_on_the_site(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEADER + (
        f"S-1,Viettel,5G,24133,{BMT},có,8200,01/03/2026,planned,\n"  # line 2: the site
        # line 3: the same values written otherwise (case, yes/no, decimal comma) agree
        'S-1,VIETTEL,5g,24133,"12,7009","108,0222",yes,8200.0,01/04/2026,site_agreed,\n'
        f"S-1,VNPT,5G,24121,{BMT},không,8000,01/05/2026,permitted,\n"  # line 4
        "S-1,Viettel,5G,24133,,,có,8200,01/06/2026,power_ready,\n"  # line 5
    )
    assert run(migrated_engine, write(tmp_path, "s.csv", text), "--lang", "en") == 2
    tail = "of the same site (a site's columns must agree on all its rows)"
    assert refusal(capsys) == [
        "The file s.csv: 6 problem(s), nothing was written:",
        f"s.csv, line 4, column operator: “VNPT” differs from line 2 {tail}",
        f"s.csv, line 4, column unit_code: “24121” differs from line 2 {tail}",
        f"s.csv, line 4, column serves_centre: “không” differs from line 2 {tail}",
        f"s.csv, line 4, column population_covered: “8000” differs from line 2 {tail}",
        f"s.csv, line 5, column lat: blank, unlike line 2 {tail}",
        f"s.csv, line 5, column long: blank, unlike line 2 {tail}",
    ]
    assert counts(migrated_engine)["import_batches"] == 0


def test_a_block_needs_its_reason(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEADER + (
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/03/2026,planned,\n"
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/04/2026,blocked,\n"
    )
    assert run(migrated_engine, write(tmp_path, "b.csv", text), "--lang", "en") == 2
    assert refusal(capsys)[1:] == [
        "b.csv, line 3, column note: a change to “blocked” needs its reason in note"
    ]


def test_a_step_back_needs_its_reason_judged_in_day_order(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEADER + (
        # S-1: on air 01/06, then planned 01/09 with no reason: refused at line 4.
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/03/2026,planned,\n"  # line 2
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/06/2026,on_air,\n"  # line 3
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/09/2026,planned,\n"  # line 4
        # S-2: the file lists on air first, but by day it is planned → on air: no step back.
        f"S-2,Viettel,5G,24133,{BMT},có,10,01/06/2026,on_air,\n"
        f"S-2,Viettel,5G,24133,{BMT},có,10,01/03/2026,planned,\n"
        # S-3: blocked, then planned again: from blocked nothing is a step back.
        f"S-3,Viettel,5G,24133,{BMT},có,10,01/03/2026,permitted,\n"
        f"S-3,Viettel,5G,24133,{BMT},có,10,01/04/2026,blocked,{NO_POWER}\n"
        f"S-3,Viettel,5G,24133,{BMT},có,10,01/05/2026,planned,\n"
    )
    assert run(migrated_engine, write(tmp_path, "r.csv", text), "--lang", "en") == 2
    assert refusal(capsys) == [
        "The file r.csv: 1 problem(s), nothing was written:",
        "r.csv, line 4, column note: a step back along the pipeline (on_air → planned) needs its "
        "reason in note",
    ]


def test_a_step_back_with_its_reason_is_accepted_and_counted(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEADER + (
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/03/2026,planned,\n"
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/06/2026,on_air,\n"
        f'S-1,Viettel,5G,24133,{BMT},có,10,01/09/2026,planned,"{LANDLORD}"\n'
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/10/2026,site_agreed,\n"
        f"S-1,Viettel,5G,24133,{BMT},có,10,01/11/2026,planned,Vị trí mới bị phản đối\n"
    )
    assert run(migrated_engine, write(tmp_path, "r.csv", text), "--lang", "en") == 0
    assert "2 step(s) back along the pipeline accepted" in capsys.readouterr().out
    site = sites(migrated_engine)["S-1"]
    assert (site["status"], site["planned_at"], site["on_air_at"]) == (
        "planned",
        date(2026, 3, 1),
        None,
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("sites.xlsx", "x", "The file sites.xlsx: file type “.xlsx” cannot be read; use a .csv"),
        (
            "no_note.csv",
            HEADER.replace(",note", ""),
            "The file no_note.csv lacks the columns: note (see the columns in",
        ),
        (
            "colour.csv",
            HEADER.replace("note", "note,colour"),
            "The file colour.csv has columns that cannot be used: colour (misspelt?",
        ),
        (
            "twice.csv",
            HEADER.replace("note", "note,operator"),
            "The file twice.csv repeats the columns: operator. Nothing was written.",
        ),
        ("empty.csv", HEADER + ",,,,,,,,,,\n\n", "The file empty.csv holds no rows."),
    ],
)
def test_a_file_that_cannot_be_read_as_a_whole_says_why(
    migrated_engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
    message: str,
) -> None:
    assert run(migrated_engine, write(tmp_path, name, text), "--lang", "en") == 2
    assert capsys.readouterr().out.startswith(message)
    assert counts(migrated_engine)["import_batches"] == 0


def test_boundaries_that_cannot_be_used_stop_the_import(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "sites.csv", GOOD)
    missing = tmp_path / "nowhere.geojson"
    code = main(
        [str(path), "--by", "x", "--boundaries", str(missing), "--lang", "en"],
        engine=migrated_engine,
        now=NOW,
    )
    assert code == 2
    assert capsys.readouterr().out.startswith(
        "The detailed boundaries nowhere.geojson cannot be used: file not found"
    )
    assert counts(migrated_engine)["import_batches"] == 0


def test_a_blank_name_is_refused(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "sites.csv", GOOD)
    assert main([str(path), "--by", "  "], engine=migrated_engine, now=NOW) == 2
    assert "(--by)" in capsys.readouterr().out


# --- the pieces --------------------------------------------------------------------------------


def test_days_are_read_day_first_or_iso() -> None:
    assert parse_day("02/03/2026") == date(2026, 3, 2)
    assert parse_day("2/3/2026") == date(2026, 3, 2)
    assert parse_day("2026-03-02") == date(2026, 3, 2)
    assert parse_day("03/02/26") is None
    assert parse_day("2026-03-02T08:00") is None
    assert parse_day("31/02/2026") is None


def test_a_step_back_is_the_rollout_rules_regression() -> None:
    assert moves_back("on_air", "planned") and moves_back("integrated", "built")
    assert not moves_back("planned", "on_air")
    assert not moves_back("blocked", "planned")  # blocked has no place in the order
    assert not moves_back("on_air", "blocked")
    assert not moves_back(None, "planned") and not moves_back("built", "built")
    # The same verdict as metrics.site_pipeline.regressions on a site's history.
    steps = ["planned", "on_air", "blocked", "planned", "built", "site_agreed", "site_agreed"]
    frame = pd.DataFrame(
        {
            "site_id": 1,
            "changed_at": [date(2026, 1, day) for day in range(1, len(steps) + 1)],
            "to_status": steps,
            "note": None,
        }
    )
    ours = [i for i in range(1, len(steps)) if moves_back(steps[i - 1], steps[i])]
    theirs = regressions(frame)
    assert [steps[i] for i in ours] == list(theirs["to_stage"]) == ["site_agreed"]


def test_every_problem_message_formats_in_both_languages() -> None:
    from i18n import table

    keys = [key for key in table() if key.startswith("site_import.problem.")]
    assert len(keys) >= 20
    for key in keys:
        for lang in ("vi", "en"):
            problem = RowProblem(3, "note", key.rsplit(".", 1)[1], "x", 2)
            text = problem_text(problem, "a.csv", lang)
            assert text.startswith("a.csv, ") and "{" not in text
