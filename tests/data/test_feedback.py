"""The feedback queries count by the rules they are given (the metrics layer's), not by rules of
their own: the same cases counted with other thresholds give other counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert

from data.feedback import feedback_overdue_spells, feedback_resolved_by_month
from data.models import FeedbackCase

UNIT = "22015"  # Phường Tuy Hòa


def case(code: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "case_code": code,
        "channel": "app",
        "category_group": "Hạ tầng",
        "category": "Đèn đường",
        "is_question": False,
        "severity": "normal",
        "description": "Đèn đường hỏng",
        "unit_code": UNIT,
        "received_at": datetime(2026, 3, 2, 9),
        "status": status,
        "due_at": datetime(2026, 3, 9, 9),
        "resolved_at": None,
        "satisfaction": None,
        **extra,
    }


RESOLVED = datetime(2026, 3, 5, 10)  # by the deadline (9 March)
CASES = [
    case("R5", "resolved", resolved_at=RESOLVED, satisfaction=5),
    case("R4", "resolved", resolved_at=RESOLVED, satisfaction=4),
    case("R3", "resolved", resolved_at=RESOLVED, satisfaction=3),
    # Open past the 9 March deadline, in three statuses.
    case("OPEN", "in_progress"),
    case("REJ", "rejected"),
    case("DUP", "duplicate"),
]


def seeded(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(insert(FeedbackCase), CASES)
    return engine


def test_satisfied_counts_from_the_threshold_given(migrated_engine: Engine) -> None:
    engine = seeded(migrated_engine)
    four = feedback_resolved_by_month(engine, satisfied_from=4)
    five = feedback_resolved_by_month(engine, satisfied_from=5)
    march = pd.Timestamp(2026, 3, 1)
    assert four[["month", "resolved", "rated", "satisfied"]].values.tolist() == [[march, 3, 3, 2]]
    assert five["satisfied"].tolist() == [1]  # only the 5★ case


def test_backlog_leaves_out_the_statuses_given(migrated_engine: Engine) -> None:
    engine = seeded(migrated_engine)
    usual = feedback_overdue_spells(engine, not_handled=("rejected", "duplicate"))
    only_rejected = feedback_overdue_spells(engine, not_handled=("rejected",))
    assert usual["cases"].sum() == 1  # OPEN
    assert only_rejected["cases"].sum() == 2  # OPEN and DUP
    assert feedback_overdue_spells(engine, not_handled=())["cases"].sum() == 3
