"""The texts of meeting items, from stored figures, in both languages (vi-VN numbers and
dd/mm/yyyy dates), and the refused arguments in the reader's words."""

from __future__ import annotations

from data.meetings import Problem
from ui.export import Words
from ui.meeting import figure_rows, item_texts, problem_text

VI, EN = Words("vi"), Words("en")

DROPPED = {
    "unit_name": "Phường Tuy Hòa",
    "period": "2026-10-01",
    "baseline": "2026-09-01",
    "composite_now": 61.2,
    "composite_before": 79.5,
    "change": -18.3,
    "band_now": "yellow",
    "band_before": "green",
}
FOLLOW_UP = {
    "previous_held_on": "2026-11-20",
    "conclusion": "Lắp trạm 5G",
    "task_code": "KL-20261120-1",
    "unit_name": "Xã Ea Súp",
    "deadline": "2026-12-31",
    "status": "overdue",
    "days_overdue": 1234,
    "progress_pct": 40,
}


def test_a_fall_of_the_composite_reads_in_points_with_the_readers_separators() -> None:
    title, why = item_texts("dropped", DROPPED, VI)
    assert title == "Phường Tuy Hòa giảm 18,3 điểm"  # a fall, in points, decimal comma
    assert why == (
        "Điểm tổng hợp từ 79,5 (tháng 09/2026) xuống 61,2 (tháng 10/2026); xếp loại hiện nay: Vàng."
    )
    title_en, _ = item_texts("dropped", DROPPED, EN)
    assert title_en == "Phường Tuy Hòa dropped 18.3 points"


def test_a_follow_up_names_the_conclusion_its_deadline_and_status_now() -> None:
    title, why = item_texts("follow_up", FOLLOW_UP, VI)
    assert title == "Kết luận KL-20261120-1 · Xã Ea Súp"
    assert "Kết luận ngày 20/11/2026: Lắp trạm 5G" in why
    assert "hạn 31/12/2026" in why
    assert "Chưa hoàn thành – quá hạn 1.234 ngày" in why  # vi thousands with "."
    assert "tiến độ 40%" in why


def test_a_task_no_longer_in_the_register_says_so() -> None:
    _, why = item_texts("follow_up", {**FOLLOW_UP, "status": "unknown", "days_overdue": None}, VI)
    assert "không còn trong sổ theo dõi" in why


def test_the_figures_table_lists_the_stored_figures_formatted() -> None:
    rows = figure_rows(DROPPED, VI)
    shown = dict(zip(rows.iloc[:, 0], rows.iloc[:, 1], strict=True))
    assert shown["Kỳ đánh giá"] == "tháng 10/2026"
    assert shown["Điểm tổng hợp kỳ so sánh"] == "79,5"
    assert shown["Xếp loại kỳ so sánh"] == "Xanh"
    assert shown["Thay đổi (điểm)"] == "-18,3"


def test_a_refused_argument_is_named_in_words() -> None:
    assert problem_text(Problem("deadline", "before_meeting", "x"), VI) == (
        "Hạn hoàn thành: trước ngày họp."
    )
    assert problem_text(Problem("owner_unit_code", "unknown", "x"), EN) == (
        "Owner unit: not one of the 102 units."
    )
    assert problem_text(Problem("mystery", "odd", "x"), EN) == "mystery: invalid value."


REFUSALS = [  # every (argument, reason) data.meetings and metrics.meetings can refuse
    *[
        (f, r)
        for f in ("text", "leader_name", "leader_title", "recorded_by")
        for r in ("empty", "too_long")
    ],
    *[(f, r) for f in ("title", "created_by") for r in ("empty", "too_long")],
    ("deadline", "missing"),
    ("deadline", "before_meeting"),
    ("held_on", "missing"),
    ("item_id", "unknown"),
    ("owner_unit_code", "unknown"),
    ("lead_department_code", "unknown"),
    ("period", "unknown"),
]


def test_every_refusal_has_its_own_words() -> None:
    for field, reason in REFUSALS:
        for words in (VI, EN):
            text = problem_text(Problem(field, reason, "x"), words)
            assert "invalid value" not in text and "không hợp lệ" not in text, (field, reason)


def test_a_unit_without_a_site_says_why_there_is_no_forecast() -> None:
    figures = {"unit_name": "Xã Ia Rvê", "why_none": "no_site", "total": 12, "stage": None}
    title, why = item_texts("will_miss_5g", figures, VI)
    assert title == "Xã Ia Rvê: trung tâm xã chưa có 5G"
    assert why == (
        "Dự báo: Chưa có trạm 5G nào phục vụ trung tâm trong kế hoạch. "
        "Tổng số xã, phường có nguy cơ: 12."
    )
    with_date = {**figures, "forecast_middle": "2031-02-03", "stage": "permitted"}
    assert item_texts("will_miss_5g", with_date, VI)[1].startswith("Dự báo: 03/02/2031; ")
