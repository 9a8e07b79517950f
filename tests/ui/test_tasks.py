"""The tasks page's tables, cards and exports, built from small hand-made boards: statuses in
words and symbols, vi-VN days and numbers, formula text neutralised, filters above the rows."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from common.spreadsheet import neutralise_formulas
from metrics import default_catalog
from metrics.task_board import TaskBucket, TaskFilterOptions, TaskFilters
from ui.export import Words, csv_bytes, xlsx_bytes
from ui.tasks import (
    ageing_table,
    as_of_choices,
    as_of_for_period,
    bucket_cards,
    confirmation_text,
    deadline_text,
    department_table,
    escalation_table,
    extension_table,
    filter_lines,
    incomplete_table,
    leader_table,
    missing_text,
    not_moving_text,
    overdue_share_card,
    plain,
    register_table,
    status_text,
    task_export,
    task_picker_options,
    timeline_data,
    timeline_figure,
    trend_data,
    trend_figure,
)

VI, EN = Words("vi"), Words("en")
EVIL = '=HYPERLINK("http://evil","x")'
AS_OF = date(2026, 6, 30)
EXPORTED = datetime(2026, 7, 1, 8, 30)


def register_row(**values: object) -> dict[str, object]:
    """One register row with every documented column; ``values`` override the defaults."""
    row: dict[str, object] = {
        "assignment_id": 1,
        "task_id": 1,
        "task_code": "NV-I.2",
        "plan_item": "I.2",
        "pillar": "awareness",
        "title_vi": "Ban hành kế hoạch chuyển đổi số",
        "title_en": "Issue the digital transformation plan",
        "lead_code": "SKHCN",
        "lead_short_vi": "Sở KH&CN",
        "lead_short_en": "DOST",
        "responsible_leader": "Nguyễn Văn An",
        "responsible_name": "Trần Thị Bình",
        "responsible_title": "Chủ tịch UBND xã",
        "coordinators_vi": "Sở Nội vụ",
        "coordinators_en": "DOHA",
        "unit_code": "24211",
        "unit_name": "Xã Ea Súp",
        "start_date": date(2026, 1, 5),
        "original_deadline": date(2026, 3, 16),
        "deadline": date(2026, 4, 15),
        "extensions": 1,
        "progress_pct": 60,
        "status": "overdue",
        "days_overdue": 76,
        "ageing": "61-90",
        "last_checkin": date(2026, 5, 20),
        "evidence_ref": None,
        "completed_at": None,
        "confirmed_at": None,
        "escalated": False,
        "escalated_at": None,
        "escalated_by": None,
        "escalation_note": None,
        "indicator_keys": ["dx_plan_issued"],
    }
    row.update(values)
    return row


def small_register() -> pd.DataFrame:
    """Three assignments: Ea Súp's, escalated and overdue; the lead department's own, done on
    time, whose evidence reference is formula text; Tuy Hòa's, not started."""
    return pd.DataFrame(
        [
            register_row(
                assignment_id=11,
                escalated=True,
                escalated_at=date(2026, 5, 1),
                escalated_by="Trần Thị Bình",
                escalation_note="Thiếu kinh phí",
            ),
            register_row(
                assignment_id=12,
                unit_code=pd.NA,
                unit_name=pd.NA,
                responsible_name="Lê Văn Cường",
                responsible_title="Phó Giám đốc Sở",
                original_deadline=date(2026, 4, 15),
                extensions=0,
                progress_pct=100,
                status="done_on_time",
                days_overdue=pd.NA,
                ageing=pd.NA,
                evidence_ref=EVIL,
                completed_at=date(2026, 4, 10),
                confirmed_at=date(2026, 4, 14),
            ),
            register_row(
                assignment_id=13,
                unit_code="22015",
                unit_name="Phường Tuy Hòa",
                deadline=date(2026, 9, 30),
                original_deadline=date(2026, 9, 30),
                extensions=0,
                progress_pct=0,
                status="not_started",
                days_overdue=pd.NA,
                ageing=pd.NA,
                last_checkin=pd.NaT,
            ),
        ]
    )


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- statuses and cards --------------------------------------------------------------------------


def test_every_status_has_its_symbol_and_words_in_both_languages() -> None:
    assert [status_text(b, VI) for b in TaskBucket] == [
        "✓ Hoàn thành đúng hạn",
        "◷ Hoàn thành trễ hạn",
        "► Chưa hoàn thành – trong hạn",
        "✕ Chưa hoàn thành – quá hạn",
        "○ Chưa triển khai",
    ]
    assert status_text("overdue", EN) == "✕ Open, overdue"


def test_bucket_cards_count_and_share_in_vietnamese_with_colour_and_symbol() -> None:
    buckets = {
        TaskBucket.DONE_ON_TIME: 3,
        TaskBucket.DONE_LATE: 1,
        TaskBucket.IN_PROGRESS: 2,
        TaskBucket.OVERDUE: 2,
        TaskBucket.NOT_STARTED: 0,
    }
    cards = bucket_cards(buckets, VI)
    # 8 assignments: 3/8 = 37,5 %, 1/8 = 12,5 %, 2/8 = 25,0 % twice, 0/8 = 0,0 %.
    assert [c.share for c in cards] == [
        "37,5% tổng số",
        "12,5% tổng số",
        "25,0% tổng số",
        "25,0% tổng số",
        "0,0% tổng số",
    ]
    assert [c.count for c in cards] == ["3", "1", "2", "2", "0"]
    assert cards[0].label == "✓ Hoàn thành đúng hạn"
    assert cards[0].markdown == ":green[✓ Hoàn thành đúng hạn]"
    assert cards[1].markdown.startswith(":orange[◷")
    assert cards[2].markdown.startswith(":blue[►")
    assert cards[3].markdown.startswith(":red[✕")
    assert cards[4].markdown.startswith(":gray[○")


def test_bucket_counts_use_thousands_separators_and_an_empty_board_has_no_share() -> None:
    big = bucket_cards({TaskBucket.OVERDUE: 1234, TaskBucket.DONE_ON_TIME: 766}, VI)
    assert big[3].count == "1.234"
    assert big[3].share == "61,7% tổng số"  # 1234 / 2000 = 61,7 %
    assert bucket_cards({}, VI)[0].share == "– tổng số"


# --- the register ---------------------------------------------------------------------------------


def test_register_has_the_documented_columns_typed_days_and_statuses_in_words() -> None:
    table = register_table(small_register(), default_catalog(), VI)
    frame = table.frame
    assert list(frame.columns) == [
        "Mã nhiệm vụ",
        "Mục kế hoạch",
        "Trụ cột",
        "Nhiệm vụ",
        "Đơn vị chủ trì",
        "Lãnh đạo phụ trách",
        "Đơn vị phối hợp",
        "Đơn vị thực hiện",
        "Người chịu trách nhiệm",
        "Hạn hoàn thành",
        "Số lần gia hạn",
        "Tiến độ (%)",
        "Tình trạng",
        "Số ngày quá hạn",
        "Vượt thẩm quyền",
        "Cập nhật gần nhất",
        "Minh chứng",
    ]
    first = frame.iloc[0]
    assert first["Trụ cột"] == "Nhận thức số"
    assert first["Hạn hoàn thành"] == date(2026, 4, 15)  # a day, so the column sorts
    assert first["Tình trạng"] == "✕ Chưa hoàn thành – quá hạn"
    assert first["Người chịu trách nhiệm"] == "Trần Thị Bình (Chủ tịch UBND xã)"
    assert first["Vượt thẩm quyền"] == "Có"
    assert frame.iloc[1]["Đơn vị thực hiện"] == "Cấp tỉnh (đơn vị chủ trì)"
    assert frame.iloc[2]["Cập nhật gần nhất"] is None
    # Missing text is blank and what is not overdue is 0 days: a table writes "None" otherwise.
    assert frame.iloc[2]["Minh chứng"] == ""
    assert frame.iloc[2]["Vượt thẩm quyền"] == ""
    assert frame.iloc[2]["Số ngày quá hạn"] == 0
    config = table.column_config()
    assert config["Hạn hoàn thành"]["type_config"]["format"] == "DD/MM/YYYY"
    assert config["Cập nhật gần nhất"]["type_config"]["format"] == "DD/MM/YYYY"


def test_register_cells_that_look_like_formulas_are_neutralised_for_the_page() -> None:
    shown = neutralise_formulas(register_table(small_register(), default_catalog(), VI).frame)
    assert shown.iloc[1]["Minh chứng"] == "'" + EVIL


def test_register_in_english_uses_the_english_titles_and_leads() -> None:
    frame = register_table(small_register(), default_catalog(), EN).frame
    assert frame.iloc[0]["Task"] == "Issue the digital transformation plan"
    assert frame.iloc[0]["Lead unit"] == "DOST"
    assert frame.iloc[1]["Unit concerned"] == "Province level (lead unit)"


def test_register_export_writes_days_and_numbers_as_the_page_does_and_no_formula() -> None:
    filters = TaskFilters(as_of=AS_OF, department="SKHCN")
    pairs = filter_lines(filters, departments={"SKHCN": "Sở KH&CN"}, pillars={}, units={}, words=VI)
    table = register_table(small_register(), default_catalog(), VI)
    export = task_export(table, "Sổ theo dõi nhiệm vụ", "so", pairs, date(2026, 6, 28), VI)
    lines = read_csv(csv_bytes(export, EXPORTED))
    assert lines[:4] == [
        ["Sổ theo dõi nhiệm vụ"],
        ["Bộ lọc: Thời điểm đánh giá: cuối ngày 30/06/2026; Đơn vị chủ trì: Sở KH&CN"],
        ["Số liệu đến ngày: 28/06/2026"],
        ["Xuất lúc: 08:30 01/07/2026"],
    ]
    headings = lines[5]
    first = dict(zip(headings, lines[6], strict=True))
    assert first["Hạn hoàn thành"] == "15/04/2026"
    assert first["Tiến độ (%)"] == "60%"
    assert first["Số ngày quá hạn"] == "76"
    second = dict(zip(headings, lines[7], strict=True))
    assert second["Minh chứng"] == "'" + EVIL
    assert second["Số ngày quá hạn"] == "0"

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(export, EXPORTED))).active
    assert sheet is not None
    assert sheet["A2"].value == lines[1][0]
    assert sheet["A3"].value == "Số liệu đến ngày: 28/06/2026"
    deadline_col = headings.index("Hạn hoàn thành") + 1
    cell = sheet.cell(row=7, column=deadline_col)  # title (4 lines), blank, headings, row 1
    assert cell.value == datetime(2026, 4, 15)  # a real date in the sheet
    assert cell.number_format == "dd/mm/yyyy"
    evidence = sheet.cell(row=8, column=headings.index("Minh chứng") + 1)
    assert evidence.value == "'" + EVIL and evidence.data_type == "s"


# --- escalations, league tables, ageing, trend ----------------------------------------------------


def test_escalations_say_who_raised_them_since_when_and_for_how_many_days() -> None:
    escalated = small_register().iloc[[0]]
    frame = escalation_table(escalated, AS_OF, VI).frame
    row = frame.iloc[0]
    assert row["Người báo cáo"] == "Trần Thị Bình"
    assert row["Từ ngày"] == date(2026, 5, 1)
    assert row["Số ngày"] == 60  # 1 May → 31 May is 30 days, → 30 June 30 more
    assert row["Nội dung"] == "Thiếu kinh phí"
    assert row["Đơn vị thực hiện"] == "Xã Ea Súp"


def league(share: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_code": ["SKHCN"],
            "lead_short_vi": ["Sở KH&CN"],
            "lead_short_en": ["DOST"],
            "assignments": [4],
            "due": [3],
            "on_time_share": [share],
            "overdue": [1],
            "longest_overdue_days": pd.array([76], dtype="Int64"),
            "escalations": [1],
        }
    )


def test_department_league_keeps_the_share_a_number_written_vi_vn_in_the_csv() -> None:
    table = department_table(league(200 / 3), VI)  # 2 of 3 due ones on time
    assert table.frame.iloc[0]["Tỷ lệ đúng hạn"] == pytest.approx(66.6667, abs=1e-3)
    assert table.shares == ("Tỷ lệ đúng hạn",)
    export = task_export(table, "x", "x", [], None, VI)
    lines = read_csv(csv_bytes(export, EXPORTED))
    assert lines[1] == ["Bộ lọc: không (toàn bộ)"]
    row = dict(zip(lines[4], lines[5], strict=True))
    assert row["Tỷ lệ đúng hạn"] == "66,7%"
    assert row["Quá hạn lâu nhất (ngày)"] == "76"
    in_english = task_export(department_table(league(200 / 3), EN), "x", "x", [], None, EN)
    headings, values = read_csv(csv_bytes(in_english, EXPORTED))[4:6]
    assert dict(zip(headings, values, strict=True))["On-time share"] == "66.7%"


def test_a_department_with_nothing_due_has_no_share_rather_than_zero() -> None:
    frame = department_table(league(float("nan")), VI).frame
    assert frame.iloc[0]["Tỷ lệ đúng hạn"] is None


def test_ageing_lists_every_bucket_in_order_zeros_included() -> None:
    ageing = pd.DataFrame({"bucket": ["31-60", ">90"], "count": [1, 4]})
    frame = ageing_table(ageing, VI).frame
    assert frame.iloc[:, 0].tolist() == ["1–30 ngày", "31–60 ngày", "61–90 ngày", "Trên 90 ngày"]
    assert frame.iloc[:, 1].tolist() == [0, 1, 0, 4]


def trend(shares: list[float]) -> pd.DataFrame:
    months = [date(2026, 5, 1), date(2026, 6, 1)][: len(shares)]
    return pd.DataFrame(
        {"month": months, "due": [10, 8][: len(shares)], "overdue": [2, 2][: len(shares)]}
    ).assign(overdue_share=shares)


def test_overdue_share_card_shows_the_newest_month_and_the_change_in_points() -> None:
    card = overdue_share_card(trend([20.0, 25.0]), VI)  # 2/10 then 2/8
    assert card.label == "Tỷ lệ quá hạn tháng 06/2026"
    assert card.value == "25,0%"
    assert card.delta == "+5,0 điểm % so với tháng trước"
    falling = overdue_share_card(trend([25.0, 20.0]), VI)
    assert falling.delta == "-5,0 điểm % so với tháng trước"
    assert overdue_share_card(trend([20.0]), VI).delta is None


def test_trend_chart_writes_numbers_as_the_reader_does() -> None:
    data = trend_data(trend([20.0, float("nan")]), VI)
    assert data["month"].tolist() == ["05/2026", "06/2026"]
    assert pd.isna(data["share"][1])  # a month with nothing due draws no point
    assert "20,0%" in data["tooltip"][0]
    assert "20.0%" in trend_data(trend([20.0, 25.0]), EN)["tooltip"][0]
    assert trend_figure(trend([20.0, 25.0]), VI).to_dict()  # a valid Vega-Lite spec


# --- one task in full --------------------------------------------------------------------------


def test_extensions_show_old_to_new_and_the_decision_in_words() -> None:
    # The real data's types: datetime64 days, and no decision yet on a pending request.
    extensions = pd.DataFrame(
        {
            "requested_at": pd.to_datetime(["2026-03-02", "2026-04-20", "2026-06-01"]),
            "reason": ["Chờ kinh phí", "Chờ thiết bị", "Mưa lũ"],
            "old_deadline": pd.to_datetime(["2026-03-16", "2026-04-15", "2026-04-15"]),
            "new_deadline": pd.to_datetime(["2026-04-15", "2026-05-30", "2026-07-31"]),
            "state": ["approved", "rejected", "pending"],
            "decided_by": ["Phó Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh", None],
            "decided_at": pd.to_datetime(["2026-03-10", "2026-04-25", None]),
        }
    )
    frame = extension_table(extensions, VI).frame
    assert frame["Ngày đề nghị"].tolist() == ["02/03/2026", "20/04/2026", "01/06/2026"]
    assert frame["Hạn cũ → hạn mới"].tolist() == [
        "16/03/2026 → 15/04/2026",
        "15/04/2026 → 30/05/2026",
        "15/04/2026 → 31/07/2026",
    ]
    assert frame["Kết quả"].tolist() == ["Đồng ý", "Không đồng ý", "Chờ quyết định"]
    assert frame["Người quyết định"].tolist()[2] == ""
    assert frame["Ngày quyết định"].tolist() == ["10/03/2026", "25/04/2026", "–"]


def test_done_counts_only_once_confirmed_and_the_drill_down_says_which() -> None:
    rows = small_register()
    assert confirmation_text(rows.iloc[1], VI) == (
        "Hoàn thành ngày 10/04/2026, đơn vị giao việc xác nhận ngày 14/04/2026"
    )
    unconfirmed = rows.iloc[0].copy()
    unconfirmed["completed_at"] = date(2026, 6, 2)
    assert "chưa xác nhận" in confirmation_text(unconfirmed, VI)
    assert confirmation_text(rows.iloc[2], VI) == "Chưa hoàn thành"


def test_a_moved_deadline_names_the_original_and_the_extensions() -> None:
    rows = small_register()
    assert deadline_text(rows.iloc[0], VI) == ("15/04/2026 (hạn ban đầu 16/03/2026, gia hạn 1 lần)")
    assert deadline_text(rows.iloc[2], VI) == "30/09/2026"


def test_the_not_moving_flag_names_the_indicators_by_their_labels() -> None:
    text = not_moving_text(["dx_plan_issued"], default_catalog(), VI)
    assert text == "Đã hoàn thành nhưng chỉ số chưa chuyển biến: Ban hành kế hoạch CĐS năm."
    assert not_moving_text([], default_catalog(), VI) is None


def test_the_task_picker_keeps_a_chosen_row_beyond_its_cut() -> None:
    register = small_register()
    choices, labels, cut = task_picker_options(register, "13", VI, limit=1)
    assert (choices, cut) == (["11", "13"], True)
    assert labels["11"] == "✕ NV-I.2 · Xã Ea Súp · Ban hành kế hoạch chuyển đổi số"
    assert task_picker_options(register, None, VI, limit=5)[2] is False


def test_plain_text_cannot_become_a_link_or_an_icon_in_markdown() -> None:
    assert plain("[x](http://a) :material/home:") == r"\[x\]\(http\://a\) \:material/home\:"


# --- incomplete records, filters ------------------------------------------------------------------


def test_incomplete_records_say_what_is_missing() -> None:
    incomplete = pd.DataFrame(
        {
            "task_code": ["NV-II.9", "NV-III.1"],
            "title_vi": ["A", "B"],
            "title_en": ["A", "B"],
            "unit_code": [pd.NA, "24211"],
            "unit_name": [pd.NA, "Xã Ea Súp"],
            "lead_short_vi": ["Sở KH&CN", "Sở Nội vụ"],
            "lead_short_en": ["DOST", "DOHA"],
            "missing": ["leader", "deadline,leader"],
        }
    )
    frame = incomplete_table(incomplete, VI).frame
    assert frame["Còn thiếu"].tolist() == [
        "Chưa có lãnh đạo phụ trách",
        "Chưa có hạn hoàn thành; Chưa có lãnh đạo phụ trách",
    ]
    assert missing_text("deadline", EN) == "No deadline"


def options(first: date, last: date) -> TaskFilterOptions:
    departments = pd.DataFrame(
        {
            "code": ["SKHCN"],
            "short_vi": ["Sở KH&CN"],
            "short_en": ["DOST"],
            "name_vi": ["Sở Khoa học và Công nghệ"],
            "name_en": ["Department of Science and Technology"],
        }
    )
    return TaskFilterOptions(departments, ["awareness"], first, last)


def test_as_of_offers_the_newest_day_then_every_complete_month_newest_first() -> None:
    choices = as_of_choices(options(date(2025, 7, 15), date(2026, 11, 20)))
    # 20/11/2026 is not a month's end: November is not complete; July 2025 → October 2026 is
    # 16 months, plus the newest day.
    assert list(choices)[:3] == ["latest", "10/2026", "09/2026"]
    assert list(choices)[-1] == "07/2025"
    assert len(choices) == 17
    assert choices["latest"] == date(2026, 11, 20)
    assert choices["02/2026"] == date(2026, 2, 28)
    assert "11/2026" in as_of_choices(options(date(2025, 7, 15), date(2026, 11, 30)))


def test_the_dossier_judges_a_month_at_its_end_or_at_the_newest_day() -> None:
    known = options(date(2025, 7, 15), date(2026, 11, 20))
    assert as_of_for_period(date(2026, 10, 1), known) == (date(2026, 10, 31), "10/2026")
    assert as_of_for_period(date(2026, 11, 1), known) == (date(2026, 11, 20), "latest")


def test_filter_lines_name_every_chosen_filter_by_its_label() -> None:
    filters = TaskFilters(as_of=AS_OF, pillar="awareness", unit="24211", status=TaskBucket.OVERDUE)
    pairs = filter_lines(
        filters,
        departments={},
        pillars={"awareness": "Nhận thức số"},
        units={"24211": "Xã Ea Súp"},
        words=VI,
    )
    assert pairs == [
        ("Thời điểm đánh giá", "cuối ngày 30/06/2026"),
        ("Trụ cột", "Nhận thức số"),
        ("Xã, phường", "Xã Ea Súp"),
        ("Tình trạng", "✕ Chưa hoàn thành – quá hạn"),
    ]


def test_the_timeline_draws_each_bucket_and_marks_the_deadlines() -> None:
    data = timeline_data(small_register(), AS_OF, VI)
    assert sorted(set(data["status"])) == sorted(
        ["✓ Hoàn thành đúng hạn", "✕ Chưa hoàn thành – quá hạn", "○ Chưa triển khai"]
    )
    overdue = data[data["status"] == "✕ Chưa hoàn thành – quá hạn"].iloc[0]
    assert overdue["label"].startswith("✕ NV-I.2")  # the row label carries the symbol too
    # Open: drawn from the start (05/01/2026) to the day judged (30/06/2026): 176 days.
    assert (overdue["end"] - overdue["start"]).days == 176
    assert not pd.isna(overdue["deadline"])  # the deadline tick
    # Rows keep the register's order (most urgent on top), not the order of the buckets.
    assert data["label"].tolist() == [
        "✕ NV-I.2 · Xã Ea Súp",
        "✓ NV-I.2 · Cấp tỉnh (đơn vị chủ trì)",
        "○ NV-I.2 · Phường Tuy Hòa",
    ]
    spec = timeline_figure(small_register(), AS_OF, VI).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["sort"] == data["label"].tolist()


def test_a_commune_leaders_row_has_no_lead_department() -> None:
    by_leader = pd.DataFrame(
        {
            "responsible_name": ["Hồ Văn Sơn", "Lê Thị Hoa"],
            "responsible_title": ["Chủ tịch UBND xã", "Phó Giám đốc"],
            "unit_code": [pd.NA, pd.NA],
            "unit_name": ["Xã Ea Súp", pd.NA],
            "lead_short_vi": [pd.NA, "Sở KH&CN"],
            "lead_short_en": [pd.NA, "DoST"],
            "assignments": [4, 2],
            "due": [3, 2],
            "on_time_share": [200 / 3, 50.0],
            "overdue": [1, 0],
            "longest_overdue_days": pd.array([25, pd.NA], dtype="Int64"),
        }
    )
    frame = leader_table(by_leader, VI).frame
    assert frame["Đơn vị chủ trì"].tolist() == ["", "Sở KH&CN"]  # never "None"
