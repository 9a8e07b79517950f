"""Small feedback fixtures shared by the data tests: case rows and their status history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from data.feedback_stats import OPEN_CASE_COLUMNS
from data.models import FeedbackCase, FeedbackStatusChange


def case(code: str, unit: str, received: datetime, status: str, **extra: Any) -> dict[str, Any]:
    """A feedback_cases row: a broken streetlight reported in the app, normal severity; no
    deadline, resolution, evidence or rating unless ``extra`` gives them."""
    return {
        "case_code": code,
        "channel": "app",
        "category_group": "Hạ tầng",
        "category": "Đèn đường",
        "is_question": False,
        "severity": "normal",
        "description": "Đèn đường hỏng",
        "unit_code": unit,
        "received_at": received,
        "status": status,
        "due_at": None,
        "resolved_at": None,
        "response_evidence_ref": None,
        "satisfaction": None,
        **extra,
    }


def add_cases(conn: Connection, rows: list[dict[str, Any]]) -> None:
    conn.execute(insert(FeedbackCase), rows)


def add_status_changes(
    conn: Connection, changes: list[tuple[str, datetime, str | None, str]]
) -> None:
    """History rows given as (case_code, changed_at, from_status, to_status)."""
    ids = {code: id_ for code, id_ in conn.execute(select(FeedbackCase.case_code, FeedbackCase.id))}
    conn.execute(
        insert(FeedbackStatusChange),
        [
            {"case_id": ids[code], "changed_at": at, "from_status": old, "to_status": new}
            for code, at, old, new in changes
        ],
    )


def open_cases_frame(engine: Engine, states: dict[str, str]) -> pd.DataFrame:
    """The ``feedback_open_cases`` rows the refresh would write, for the stored cases named in
    ``states`` (case_code → state at the as-of instant), in the frame
    ``data.feedback_stats.write_feedback_stats`` takes."""
    columns = ["id", "case_code", "unit_code", "category_group", "category", "received_at"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(*(getattr(FeedbackCase, c) for c in (*columns, "lat", "lon")))
        ).all()
    frame = pd.DataFrame(rows, columns=[*columns, "lat", "lon"])
    frame = frame[frame["case_code"].isin(list(states))]
    frame = frame.assign(state=frame["case_code"].map(states), case_id=frame["id"])
    return no_open_cases() if frame.empty else frame[list(OPEN_CASE_COLUMNS)]


def no_open_cases() -> pd.DataFrame:
    return pd.DataFrame(columns=list(OPEN_CASE_COLUMNS))
