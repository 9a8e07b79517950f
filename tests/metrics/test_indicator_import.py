"""Loading indicator values: the CSV command, and what a revision does to the stored scores and
to a published month. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from data.indicators import NewIndicatorValue, read_revisions, record_indicator_values
from data.models import (
    PUBLICATION_TABLES,
    ImportBatch,
    IndicatorValue,
    IndicatorValueRevision,
)
from data.queries import read_unit_snapshots, read_units
from metrics.catalog import Catalog, default_catalog
from metrics.indicator_import import (
    importable_keys,
    main,
    parse_moment,
    parse_month,
    parse_number,
)
from metrics.publication import publish_period, published_vs_current, verify_period
from metrics.snapshots import refresh_snapshots, snapshots_current
from tests.metrics.conftest import FIXTURES
from tests.reference import OPERATIONAL_KEYS, catalog_keys

SMALL = FIXTURES / "small_catalog.yaml"
OCTOBER = date(2026, 10, 1)
HEADER = (  # written out: the columns the command documents, in its order
    "unit_code,indicator_key,period,value,source_type,"
    "evidence_ref,verified_by,verified_at,reported_at"
)


def counts(engine: Engine) -> tuple[int, int, int]:
    """(import batches, indicator values, revisions) stored."""
    with engine.connect() as conn:
        batches, values, revisions = (
            int(conn.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (ImportBatch, IndicatorValue, IndicatorValueRevision)
        )
    return batches, values, revisions


def write_csv(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def codes(migrated_engine: Engine) -> list[str]:
    return [str(c) for c in read_units(migrated_engine)["code"].iloc[:2]]


# --- the command -------------------------------------------------------------------------------


def test_a_csv_is_loaded_and_a_later_correction_is_kept_as_a_revision(
    migrated_engine: Engine, codes: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = codes
    october = write_csv(
        tmp_path,
        "bao-cao-10-2026.csv",
        HEADER,
        f"{first},online_dossier_pct,10/2026,63.15,self_reported,,,,05/11/2026 08:30",
        f"{first},dx_plan_issued,10/2026,1,verified,QĐ 12/QĐ-UBND,Sở KH&CN,20/11/2026,",
        f"{second},online_dossier_pct,10/2026,58,self_reported,,,,05/11/2026",
    )
    assert main([str(october), "--by", "Nguyễn Văn A"], engine=migrated_engine) == 0
    out = capsys.readouterr().out
    assert (
        "Đã ghi tệp bao-cao-10-2026.csv (lô nhập số 1): 3 giá trị mới, 0 giá trị điều chỉnh" in out
    )
    assert counts(migrated_engine) == (1, 3, 0)
    with migrated_engine.connect() as conn:
        plan = conn.execute(
            select(IndicatorValue.__table__).where(IndicatorValue.indicator_key == "dx_plan_issued")
        ).one()
    assert (plan.verified_by, plan.verified_at) == ("Sở KH&CN", datetime(2026, 11, 20))
    assert plan.evidence_ref == "QĐ 12/QĐ-UBND"

    # The province re-checks the first unit's online dossiers: 63.15 → 64.21 (decimal comma, as
    # a Vietnamese spreadsheet writes it, in a semicolon-separated file). The other rows again.
    correction = write_csv(
        tmp_path,
        "dieu-chinh.csv",
        HEADER.replace(",", ";"),
        f"{first};online_dossier_pct;10/2026;64,21;self_reported;;;;10/12/2026 14:00",
        f"{first};dx_plan_issued;10/2026;1;verified;QĐ 12/QĐ-UBND;Sở KH&CN;20/11/2026;",
        f"{second};online_dossier_pct;10/2026;58;self_reported;;;;05/11/2026",
    )
    argv = [str(correction), "--by", "Trần Thị B", "--reason", "Đối chiếu lại với Cổng DVC"]
    assert main(argv, engine=migrated_engine) == 0
    out = capsys.readouterr().out
    assert "(lô nhập số 2): 0 giá trị mới, 1 giá trị điều chỉnh, 2 giá trị không đổi" in out
    assert counts(migrated_engine) == (2, 3, 1)
    revision = read_revisions(migrated_engine, first, OCTOBER).iloc[0]
    assert (revision["old_value"], revision["new_value"]) == (63.15, 64.21)
    assert (revision["revised_by"], revision["reason"]) == (
        "Trần Thị B",
        "Đối chiếu lại với Cổng DVC",
    )
    assert (revision["batch_id"], revision["source_name"]) == (2, "dieu-chinh.csv")
    assert revision["new_reported_at"] == datetime(2026, 12, 10, 14, 0)

    # The same file once more: nothing changes and no batch is made.
    assert main(argv, engine=migrated_engine) == 0
    assert "cả 3 giá trị đều trùng số liệu đã lưu" in capsys.readouterr().out
    assert counts(migrated_engine) == (2, 3, 1)


def test_a_bad_file_writes_nothing_and_names_file_line_and_column(
    migrated_engine: Engine, codes: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = codes
    bad = write_csv(
        tmp_path,
        "loi.csv",
        HEADER,
        f"{first},online_dossier_pct,10/2026,63.15,self_reported,,,,",  # line 2: good
        f"{first},dx_plan_issued,2026-10,abc,self_reported,,,,",  # 3: month and value unreadable
        "99999,online_dossier_pct,10/2026,50,self_reported,,,,",  # 4: no such unit
        f"{first},task_on_time_pct,10/2026,50,auto,,,,",  # 5: computed from the task records
        f"{first},dx_plan_issued,10/2026,1,verified,,,,",  # 6: verified without who and when
        f"{first},online_dossier_pct,10/2026,70,self_reported,,,,",  # 7: repeats line 2
        f"{first},dx_plan_issued,09/2026,1,self_reported,,,31/09/2026,",  # 8: no 31 September
    )
    assert main([str(bad), "--by", "Nguyễn Văn A"], engine=migrated_engine) == 2
    out = capsys.readouterr().out.splitlines()
    # Every problem, by line: the text that cannot be read (lines 3 and 8) and what the data
    # layer refuses in the rows that could (4 to 7): 2 + 1 + 1 + 2 + 1 + 1 = 8.
    assert out == [
        "Tệp loi.csv: 8 lỗi, không ghi số liệu nào:",
        "loi.csv, dòng 3, cột period: “2026-10” không phải là tháng dạng MM/YYYY (vd. 10/2026)",
        "loi.csv, dòng 3, cột value: “abc” không phải là số (vd. 64,21 hoặc 64.21, không dùng dấu"
        " phân cách hàng nghìn)",
        "loi.csv, dòng 4, cột unit_code: “99999” không phải mã của một trong 102 xã, phường",
        "loi.csv, dòng 5, cột indicator_key: “task_on_time_pct” không phải chỉ số nhập được: không"
        " có trong danh mục, hoặc được tính tự động từ số liệu nhiệm vụ, phản ánh, trạm 5G",
        "loi.csv, dòng 6, cột verified_by: số liệu đã thẩm định (verified) phải ghi người"
        " thẩm định",
        "loi.csv, dòng 6, cột verified_at: số liệu đã thẩm định (verified) phải ghi ngày thẩm định",
        "loi.csv, dòng 7, cột indicator_key: trùng đơn vị, chỉ số và kỳ với dòng 2",
        "loi.csv, dòng 8, cột verified_at: “31/09/2026” không phải là ngày dạng dd/mm/yyyy",
    ]
    assert counts(migrated_engine) == (0, 0, 0)


def test_missing_and_unknown_columns_refuse_the_file(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_value = write_csv(tmp_path, "a.csv", "unit_code,indicator_key,period,source_type", "x,y,z,w")
    assert main([str(no_value), "--by", "A"], engine=migrated_engine) == 2
    assert "Tệp a.csv thiếu cột bắt buộc: value. Không ghi số liệu nào." in capsys.readouterr().out
    misspelt = write_csv(tmp_path, "b.csv", HEADER.replace("evidence_ref", "evidence"), "")
    assert main([str(misspelt), "--by", "A"], engine=migrated_engine) == 2
    assert "Tệp b.csv có cột không dùng được: evidence" in capsys.readouterr().out
    empty = write_csv(tmp_path, "c.csv", HEADER)
    assert main([str(empty), "--by", "A"], engine=migrated_engine) == 2
    assert "Tệp c.csv không có dòng số liệu nào." in capsys.readouterr().out
    assert main([str(tmp_path / "none.csv"), "--by", "A"], engine=migrated_engine) == 2
    assert "Không đọc được tệp none.csv" in capsys.readouterr().out
    assert main([str(empty), "--by", "  "], engine=migrated_engine) == 2
    assert counts(migrated_engine) == (0, 0, 0)


def test_messages_in_english_on_request(
    migrated_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_csv(tmp_path, "bad.csv", HEADER, "99999,online_dossier_pct,10/2026,5,auto,,,,")
    assert main([str(bad), "--by", "A", "--lang", "en"], engine=migrated_engine) == 2
    assert capsys.readouterr().out.splitlines() == [
        "The file bad.csv: 1 problem(s), nothing was written:",
        "bad.csv, line 2, column unit_code: “99999” is not the code of one of the 102 communes"
        " and wards",
    ]


def test_fields_are_read_as_the_dashboard_writes_them() -> None:
    assert parse_number("64.21") == 64.21
    assert parse_number("64,21") == 64.21
    assert parse_number("-3") == -3.0
    for unreadable in ("1.234,5", "1,234.5", "nan", "inf", "", "12 %"):
        assert parse_number(unreadable) is None, unreadable
    assert parse_month("10/2026") == OCTOBER
    assert parse_month("7/2025") == date(2025, 7, 1)
    assert parse_month("13/2026") is None
    assert parse_month("10/26") is None
    assert parse_moment("05/11/2026 08:30") == datetime(2026, 11, 5, 8, 30)
    assert parse_moment("05/11/2026") == datetime(2026, 11, 5)
    assert parse_moment("2026-11-05") is None


def test_only_indicators_not_computed_from_records_can_be_loaded(migrated_engine: Engine) -> None:
    # The catalog file's keys less the eight measures computed from tasks, feedback and 5G sites.
    expected = set(catalog_keys()) - OPERATIONAL_KEYS
    assert importable_keys(migrated_engine, default_catalog()) == expected


# --- what a revision does to the scores --------------------------------------------------------


def load(engine: Engine, code: str, values: dict[str, float], **options: Any) -> int | None:
    """Store October values of ``code`` through the write path; the batch id."""
    rows = [
        NewIndicatorValue(
            unit_code=code,
            indicator_key=key,
            period=OCTOBER,
            value=value,
            source_type="self_reported",
            reported_at=datetime(2026, 10, 25, 10, 0),
            evidence_ref=f"BC-{key}",
        )
        for key, value in values.items()
    ]
    settings = {"source_name": "test.csv", "imported_by": "Nguyễn Văn A", **options}
    return record_indicator_values(
        engine, rows, known_keys={"online", "incidents", "backlog", "meetings", "plan"}, **settings
    ).batch_id


# gov (weight 6): online 60 of target 80 → 3 × 60/80 = 2,25; incidents 1 → step 0,5;
#   backlog 2,5 (worst 5, target 0) → 2 × 2,5/5 = 1,0  ⇒ 3,75 of 6 = 62,5 %
# society (weight 4): meetings 4 by October, paced 4 × 12/10 = 4,8 ≥ 4 → 2; plan 1 → 2 ⇒ 100 %
# composite = (62,5 × 6 + 100 × 4) / 10 = 77,5
FIRST_VALUES = {"online": 60, "incidents": 1, "backlog": 2.5, "meetings": 4, "plan": 1}


def october_composite(engine: Engine, code: str) -> float:
    units = read_unit_snapshots(engine, OCTOBER).set_index("unit_code")
    return float(units.at[code, "composite"])


def test_a_revision_makes_the_stored_scores_stale_and_a_refresh_re_scores_it(
    migrated_engine: Engine, codes: list[str], small_catalog: Catalog
) -> None:
    code = codes[0]
    load(migrated_engine, code, FIRST_VALUES)
    refresh_snapshots(migrated_engine, small_catalog)
    assert october_composite(migrated_engine, code) == pytest.approx(77.5, abs=1e-9)
    assert snapshots_current(migrated_engine, small_catalog)

    # online 60 → 70: 3 × 70/80 = 2,625; gov 2,625 + 0,5 + 1 = 4,125 of 6 = 68,75 %;
    # composite = (68,75 × 6 + 100 × 4) / 10 = (412,5 + 400) / 10 = 81,25.
    load(migrated_engine, code, {"online": 70}, reason="số liệu Cổng DVC")
    assert not snapshots_current(migrated_engine, small_catalog)  # a new batch: new data version
    result = refresh_snapshots(migrated_engine, small_catalog)  # not forced: it sees the change
    assert result.rebuilt
    assert october_composite(migrated_engine, code) == pytest.approx(81.25, abs=1e-9)


def _published_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(table.c.id))]
            for table in PUBLICATION_TABLES
        }


def test_a_late_value_after_publication_moves_only_the_provisional_figure(
    migrated_engine: Engine, codes: list[str], small_catalog: Catalog
) -> None:
    code = codes[0]
    load(migrated_engine, code, FIRST_VALUES)
    publish_period(migrated_engine, OCTOBER, by="Ban Chỉ đạo", catalog_file=SMALL)
    frozen = _published_rows(migrated_engine)
    assert frozen["published_unit_scores"]  # something was frozen to compare

    # A late correction for October through the write path: online 60 → 80 → 3 points;
    # gov 3 + 0,5 + 1 = 4,5 of 6 = 75 %; composite = (75 × 6 + 100 × 4) / 10 = 85.
    load(migrated_engine, code, {"online": 80}, imported_by="Trần Thị B")
    refresh_snapshots(migrated_engine, small_catalog)
    assert october_composite(migrated_engine, code) == pytest.approx(85.0, abs=1e-9)

    assert _published_rows(migrated_engine) == frozen  # every published row, every column
    both = published_vs_current(migrated_engine, OCTOBER)
    assert both is not None
    mine = both.set_index("unit_code").loc[code]
    assert mine["composite_published"] == pytest.approx(77.5, abs=1e-9)
    assert mine["composite_current"] == pytest.approx(85.0, abs=1e-9)
    assert verify_period(migrated_engine, OCTOBER).identical  # still what its frozen inputs give
    assert len(read_revisions(migrated_engine, code, OCTOBER)) == 1
