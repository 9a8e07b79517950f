"""One case as the case view shows it: its status timeline, its deadline clock, its answer.

INTERFACE: :func:`case_detail(engine, case_code)` → :class:`CaseDetail` | None. The clock comes
from ``metrics.feedback_cases.case_deadlines`` at the data's as-of instant (the same instant
the board's newest period stands for).

The as-of instant is the stored counts' (``data.feedback_stats.stats_state``), so the case view
and the board say the same about a case; before any counts are stored, the newest change in the
data. A case that changed at or after that instant (new data, counts not refreshed yet) is shown
just after its own newest change: a clock before its receipt would have nothing to show, and one
before its newest change would show a status it no longer has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from common.workcalendar import WorkCalendar
from data.feedback_records import CaseRecord, case_record, newest_change_at
from data.feedback_stats import stats_state
from metrics.feedback_cases import CaseState, DeadlineTable, case_deadlines


@dataclass(frozen=True)
class DeadlineClock:
    state: CaseState
    as_of: datetime
    accept_due_at: datetime | None
    due_at: datetime | None
    paused_since: datetime | None
    remaining_seconds: float | None  # working seconds; negative: overdue; None once closed


@dataclass(frozen=True)
class CaseDetail:
    case: dict[str, object]  # as data.feedback_records.CaseRecord.case (reporter masked)
    history: pd.DataFrame  # changed_at, from_status, to_status, note
    clock: DeadlineClock


def case_detail(
    engine: Engine,
    case_code: str,
    *,
    as_of: datetime | None = None,
    table: DeadlineTable | None = None,
    calendar: WorkCalendar | None = None,
) -> CaseDetail | None:
    """The case with that code, its history and its deadline clock; None for an unknown code.

    ``as_of`` (default: the data's as-of instant, see the module), ``table`` and ``calendar``
    (default: the declared ones) are for tests and for callers that already hold them.
    """
    record = case_record(engine, case_code)
    if record is None:
        return None
    instant = _clock_instant(record, as_of or _data_as_of(engine))
    clock = _clock(record, instant, table, calendar)
    return CaseDetail(case=record.case, history=record.history, clock=clock)


def _data_as_of(engine: Engine) -> datetime | None:
    state = stats_state(engine)
    return state.as_of if state is not None else newest_change_at(engine)


def _clock_instant(record: CaseRecord, as_of: datetime | None) -> datetime:
    """``as_of``, unless the case changed at or after it: then just after its newest change."""
    received = _timestamp(record.case["received_at"])
    newest = max([received, *record.history["changed_at"].dropna().tolist()])
    # A state counts the changes strictly before its instant: one second after the newest
    # change is the first instant that shows it.
    just_after = (newest + pd.Timedelta(seconds=1)).to_pydatetime()
    if as_of is None or as_of < just_after:
        return just_after
    return as_of


def _clock(
    record: CaseRecord,
    instant: datetime,
    table: DeadlineTable | None,
    calendar: WorkCalendar | None,
) -> DeadlineClock:
    case = record.case
    case_id = int(str(case["id"]))
    cases = pd.DataFrame(
        {
            "id": [case_id],
            "received_at": [_timestamp(case["received_at"])],
            "accepted_at": [_timestamp(case["accepted_at"])],
            "severity": [case["severity"]],
            "category": [case["category"]],
            "category_group": [case["category_group"]],
        }
    )
    history = record.history.assign(case_id=case_id)[["case_id", "changed_at", "to_status", "note"]]
    row = case_deadlines(cases, history, as_of=instant, table=table, calendar=calendar).iloc[0]
    remaining = row["remaining_seconds"]
    return DeadlineClock(
        state=CaseState(row["state"]),
        as_of=instant,
        accept_due_at=_moment(row["accept_due_at"]),
        due_at=_moment(row["due_at"]),
        paused_since=_moment(row["paused_since"]),
        remaining_seconds=None if pd.isna(remaining) else float(remaining),
    )


def _timestamp(value: Any) -> Any:
    """A pandas timestamp, NaT for a missing one (the frame's missing value)."""
    return pd.Timestamp(value) if value is not None else pd.NaT


def _moment(value: Any) -> datetime | None:
    return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()
