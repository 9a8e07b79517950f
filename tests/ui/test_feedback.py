"""The feedback page's table builders: a short list of open cases shows each case's deadline
state by its symbol and words, in a column of its own."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from ui.export import Words
from ui.feedback import case_list_table

VI, EN = Words("vi"), Words("en")
AS_OF = datetime(2026, 11, 21, 12)


def cases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "case_code": ["PA-1", "PA-2"],
            "unit_code": ["22015", "24373"],
            "category_group": ["Hạ tầng", "Hạ tầng"],
            "category": ["Đèn đường", "Đèn đường"],
            "severity": ["normal", "urgent"],
            "status": ["in_progress", "on_hold"],
            "received_at": [datetime(2026, 11, 1, 8), datetime(2026, 11, 11, 8)],
            "due_at": [datetime(2026, 11, 7, 8), datetime(2026, 11, 28, 8)],
            "last_changed_at": [datetime(2026, 11, 2, 8), datetime(2026, 11, 20, 12)],
            "state": ["open_overdue", "paused"],
        }
    )


@pytest.mark.parametrize("words", [VI, EN], ids=["vi", "en"])
def test_the_list_has_one_column_per_heading_and_the_deadline_state(words: Words) -> None:
    table = case_list_table(cases(), {"22015": "Phường Tuy Hòa"}, AS_OF, words)
    frame = table.frame
    assert frame.columns.is_unique  # two headings alike would silently drop a column
    column = words.t("feedback.col.deadline_state")
    assert frame[column].tolist() == [
        f"✕ {words.t('feedback.state.open_overdue')}",
        f"‖ {words.t('feedback.state.paused')}",
    ]
    # Days open at 21/11 12:00: PA-1 since 1/11 08:00 → 20; PA-2 since 11/11 → 10.
    assert frame[words.t("feedback.col.days_open")].tolist() == [20, 10]
    assert frame[words.t("feedback.col.unit")].tolist() == ["Phường Tuy Hòa", "24373"]


def test_the_ageing_table_gives_each_bucket_its_share_of_the_open_cases() -> None:
    from ui.feedback import ageing_table

    ageing = pd.DataFrame({"bucket": ["age_0_7", "age_31_90"], "cases": [3, 1]})
    frame = ageing_table(ageing, VI).frame
    # Four buckets in order, the empty ones as zeros; 3 of 4 open cases are a week old or less.
    assert frame["Đang mở"].tolist() == [3, 0, 1, 0]
    assert frame["Tỷ lệ trong số đang mở (%)"].tolist() == [75.0, 0.0, 25.0, 0.0]
    nothing = ageing_table(pd.DataFrame({"bucket": [], "cases": []}), VI).frame
    assert nothing["Đang mở"].tolist() == [0, 0, 0, 0]
    assert nothing["Tỷ lệ trong số đang mở (%)"].isna().all()  # no share of nothing
