"""Meeting mode: the agenda of a Steering Committee meeting, built from the data.

The agenda is read through the metrics layer's own public functions, so a meeting shows what
the pages show: the scorecard (:func:`metrics.api.scorecard`) for bands and composites, the
task board (:func:`metrics.task_board.task_board`) for every task's status, the feedback board
(:func:`metrics.feedback_board.feedback_board`) for cases past their deadline and the
infrastructure board (:func:`metrics.infra_board.infra_board`) for the units that will miss the
2030 5G target. Items come in this order (each list :data:`TOP` long at most):

1. **follow-up** of the previous meeting's conclusions: each conclusion's task with its status
   now, the task board's five-way status judged at the meeting day (the tasks page's rule);
2. **turned red**: units red in the meeting's month and not red in the comparison month (the
   previous meeting's month, or the month before when there is no earlier meeting, or the
   previous meeting looked at the same month or a later one), lowest composite first;
3. **dropped most**: the largest falls of the composite between the two months (units that
   turned red are already on the agenda and are not listed twice);
4. **longest overdue tasks**, longest first (escalated ones come next, in their own list);
5. **open escalations** ("vượt thẩm quyền", not yet done), longest-standing first;
6. **feedback past deadline**: the units with most open cases past their deadline;
7. **will miss the 2030 5G target**: units whose centre will still lack 5G, stuck longest first.

Tasks already followed up (item 1) are not listed again in 4 and 5. Every item stores its
figures as plain JSON values (numbers, text, ISO dates), so the stored agenda of a past meeting
does not change when the data does. The texts are the interface's (``meeting.item.<kind>.*``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from common.periods import add_months
from data.meetings import (
    InvalidMeeting,
    MeetingHeader,
    NewItem,
    Problem,
    StoredMeeting,
    insert_meeting,
    list_meetings,
    meeting_conclusions,
    meeting_problems,
    previous_meeting,
    read_meeting,
)
from data.tasks import task_date_span
from metrics.api import UnknownPeriod, available_periods, scorecard
from metrics.bands import Band
from metrics.feedback_board import FeedbackFilters, NoFeedbackStats, feedback_board
from metrics.infra_board import InfraFilters, infra_board
from metrics.task_board import TaskBucket, TaskFilters, task_board

TOP = 5  # the longest list of one kind on an agenda: a meeting has an hour, not a day


class ItemKind(StrEnum):
    """What an agenda item is about, in agenda order (``data.models.MEETING_ITEM_KINDS``)."""

    FOLLOW_UP = "follow_up"
    TURNED_RED = "turned_red"
    DROPPED = "dropped"
    OVERDUE_TASK = "overdue_task"
    ESCALATION = "escalation"
    FEEDBACK_OVERDUE = "feedback_overdue"
    WILL_MISS_5G = "will_miss_5g"


@dataclass(frozen=True)
class AgendaItem:
    """One item: its kind, the unit and assignment it is about (None when not one), and the
    figures it shows (plain JSON values; dates as ISO text)."""

    kind: ItemKind
    unit_code: str | None
    assignment_id: int | None
    figures: dict[str, Any]

    @property
    def title_key(self) -> str:
        return f"meeting.item.{self.kind.value}.title"

    @property
    def why_key(self) -> str:
        return f"meeting.item.{self.kind.value}.why"


@dataclass(frozen=True)
class AgendaSources:
    """What an agenda is built from, read once (:func:`read_sources`); the rest is pure.

    ``now`` / ``before`` — scorecards of the meeting's month and the comparison month (None
    when that month has no stored scores); ``register`` — the task board's register at the
    meeting day; ``feedback_by_unit`` — the feedback board's per-unit table (None without
    feedback counts); ``will_miss`` — the infrastructure board's will-miss table (None without
    any site); ``conclusions`` — the previous meeting's conclusions (``data.meetings``).
    """

    period: date
    baseline: date
    as_of: date
    now: pd.DataFrame | None
    before: pd.DataFrame | None
    register: pd.DataFrame
    feedback_by_unit: pd.DataFrame | None
    will_miss: pd.DataFrame | None
    previous: MeetingHeader | None
    conclusions: pd.DataFrame


# --- plain values for the stored figures -------------------------------------------------------


def plain(value: Any) -> Any:
    """A frame's cell as a JSON value: None for NaN/NA/NaT, ISO text for a day, int/float/str."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if not isinstance(value, str) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _figures(**values: Any) -> dict[str, Any]:
    return {key: plain(value) for key, value in values.items()}


def _code(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _assignment(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


# --- 1. follow-up of the previous meeting's conclusions ----------------------------------------


def follow_up_items(
    conclusions: pd.DataFrame, register: pd.DataFrame, previous: MeetingHeader | None
) -> list[AgendaItem]:
    """One item per conclusion of the previous meeting, as recorded, with its task's status
    now from the task board's register ("unknown" when the register does not hold it)."""
    if previous is None or conclusions.empty:
        return []
    rows = {int(r["task_id"]): r for r in register.to_dict("records")}
    items = []
    for conclusion in conclusions.to_dict("records"):
        row = rows.get(int(conclusion["task_id"]))
        status = "unknown" if row is None else str(row["status"])
        items.append(
            AgendaItem(
                ItemKind.FOLLOW_UP,
                _code(conclusion["owner_unit_code"]),
                None if row is None else int(row["assignment_id"]),
                _figures(
                    previous_meeting_id=previous.id,
                    previous_held_on=previous.held_on,
                    conclusion=conclusion["text"],
                    task_id=conclusion["task_id"],
                    task_code=conclusion["task_code"],
                    unit_name=conclusion["owner_unit_name"],
                    leader_name=conclusion["leader_name"],
                    leader_title=conclusion["leader_title"],
                    deadline=conclusion["deadline"] if row is None else row["deadline"],
                    status=status,
                    days_overdue=None if row is None else row["days_overdue"],
                    progress_pct=None if row is None else row["progress_pct"],
                ),
            )
        )
    return items


# --- 2. and 3. the score: turned red, dropped most ---------------------------------------------


def _compared(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """unit_code, unit_name, band_now, band_before, composite_now, composite_before, change:
    the units scored in both months."""
    left = now[["unit_code", "full_name", "band", "composite"]].rename(
        columns={"full_name": "unit_name", "band": "band_now", "composite": "composite_now"}
    )
    right = before[["unit_code", "band", "composite"]].rename(
        columns={"band": "band_before", "composite": "composite_before"}
    )
    both = left.merge(right, on="unit_code", how="inner")
    return both.assign(change=both["composite_now"] - both["composite_before"])


def turned_red_items(
    now: pd.DataFrame | None, before: pd.DataFrame | None, period: date, baseline: date
) -> list[AgendaItem]:
    """Units red in ``period`` and not red in ``baseline``, lowest composite first."""
    if now is None or before is None:
        return []
    both = _compared(now, before)
    red = both[(both["band_now"] == Band.RED.value) & (both["band_before"] != Band.RED.value)]
    red = red.sort_values(["composite_now", "unit_code"], na_position="last", kind="stable")
    return [_score_item(ItemKind.TURNED_RED, row, period, baseline) for row in _records(red)]


def dropped_items(
    now: pd.DataFrame | None,
    before: pd.DataFrame | None,
    period: date,
    baseline: date,
    *,
    leave_out: Iterable[str] = (),
    limit: int = TOP,
) -> list[AgendaItem]:
    """The ``limit`` largest falls of the composite from ``baseline`` to ``period`` (a fall is a
    change below 0; ties by unit code), leaving out the units in ``leave_out``. A unit grey in
    either month is not compared: its composite rests on too few indicators to say it fell."""
    if now is None or before is None:
        return []
    both = _compared(now, before).dropna(subset=["change"])
    grey = Band.GREY.value
    both = both[(both["band_now"] != grey) & (both["band_before"] != grey)]
    fell = both[(both["change"] < 0) & ~both["unit_code"].isin(set(leave_out))]
    fell = fell.sort_values(["change", "unit_code"], kind="stable").head(limit)
    return [_score_item(ItemKind.DROPPED, row, period, baseline) for row in _records(fell)]


def _score_item(kind: ItemKind, row: dict[str, Any], period: date, baseline: date) -> AgendaItem:
    return AgendaItem(
        kind,
        str(row["unit_code"]),
        None,
        _figures(
            unit_name=row["unit_name"],
            period=period,
            baseline=baseline,
            composite_now=row["composite_now"],
            composite_before=row["composite_before"],
            change=row["change"],
            band_now=row["band_now"],
            band_before=row["band_before"],
        ),
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


# --- 4. and 5. tasks: longest overdue, open escalations -----------------------------------------

_DONE = {TaskBucket.DONE_ON_TIME.value, TaskBucket.DONE_LATE.value}


def _task_item(kind: ItemKind, row: dict[str, Any], total: int) -> AgendaItem:
    return AgendaItem(
        kind,
        _code(row["unit_code"]),
        int(row["assignment_id"]),
        _figures(
            task_id=row["task_id"],
            task_code=row["task_code"],
            title_vi=row["title_vi"],
            title_en=row["title_en"],
            unit_name=row["unit_name"],
            lead_short_vi=row["lead_short_vi"],
            lead_short_en=row["lead_short_en"],
            responsible_name=row["responsible_name"],
            responsible_title=row["responsible_title"],
            deadline=row["deadline"],
            status=row["status"],
            days_overdue=row["days_overdue"],
            escalated_at=row["escalated_at"],
            escalation_note=row["escalation_note"],
            indicator_keys=list(row["indicator_keys"] or []),
            total=total,
        ),
    )


def overdue_items(
    register: pd.DataFrame, *, leave_out: Iterable[int] = (), limit: int = TOP
) -> list[AgendaItem]:
    """The ``limit`` longest overdue assignments (days overdue, then deadline, then id), not
    escalated (they have their own list) and not in ``leave_out`` (assignment ids)."""
    skip = set(leave_out)
    overdue = register[
        (register["status"] == TaskBucket.OVERDUE.value)
        & ~register["escalated"]
        & ~register["assignment_id"].isin(skip)
    ]
    ordered = overdue.assign(_days=overdue["days_overdue"].astype("float64")).sort_values(
        ["_days", "deadline", "assignment_id"], ascending=[False, True, True], kind="stable"
    )
    return [
        _task_item(ItemKind.OVERDUE_TASK, row, len(ordered))
        for row in _records(ordered.head(limit))
    ]


def escalation_items(
    register: pd.DataFrame, *, leave_out: Iterable[int] = (), limit: int = TOP
) -> list[AgendaItem]:
    """The open escalations (escalated and not done), longest-standing first (undated last),
    leaving out the assignments in ``leave_out``."""
    skip = set(leave_out)
    open_ = register[
        register["escalated"]
        & ~register["status"].isin(_DONE)
        & ~register["assignment_id"].isin(skip)
    ]
    ordered = open_.sort_values(
        ["escalated_at", "assignment_id"], na_position="last", kind="stable"
    )
    return [
        _task_item(ItemKind.ESCALATION, row, len(ordered)) for row in _records(ordered.head(limit))
    ]


# --- 6. feedback past deadline, 7. 5G will-miss ------------------------------------------------


def feedback_items(
    by_unit: pd.DataFrame | None, period: date, *, limit: int = TOP
) -> list[AgendaItem]:
    """The ``limit`` units with most open cases past their deadline (the feedback board's
    order: most overdue, then largest backlog, then code); units with none are not listed."""
    if by_unit is None:
        return []
    late = by_unit[by_unit["open_overdue"] > 0].head(limit)
    return [
        AgendaItem(
            ItemKind.FEEDBACK_OVERDUE,
            str(row["unit_code"]),
            None,
            _figures(
                unit_name=row["unit_name"],
                period=period,
                open_overdue=row["open_overdue"],
                open=row["open"],
                overdue_pct=row["overdue_pct"],
            ),
        )
        for row in _records(late)
    ]


def will_miss_items(will_miss: pd.DataFrame | None, *, limit: int = TOP) -> list[AgendaItem]:
    """The first ``limit`` will-miss units (the infrastructure board's order: stuck longest
    first), each with how many units will miss in all."""
    if will_miss is None:
        return []
    total = len(will_miss)
    return [
        AgendaItem(
            ItemKind.WILL_MISS_5G,
            str(row["unit_code"]),
            None,
            _figures(
                unit_name=row["unit_name"],
                stage=row["stage"],
                since=row["since"],
                days_stuck=row["days_stuck"],
                why_none=row["why_none"],
                forecast_middle=row["forecast_middle"],
                total=total,
            ),
        )
        for row in _records(will_miss.head(limit))
    ]


# --- the agenda ---------------------------------------------------------------------------------


def agenda(sources: AgendaSources) -> list[AgendaItem]:
    """The items in agenda order (see the module's docstring)."""
    follow = follow_up_items(sources.conclusions, sources.register, sources.previous)
    followed = {i.assignment_id for i in follow if i.assignment_id is not None}
    red = turned_red_items(sources.now, sources.before, sources.period, sources.baseline)
    return [
        *follow,
        *red,
        *dropped_items(
            sources.now,
            sources.before,
            sources.period,
            sources.baseline,
            leave_out={i.unit_code for i in red if i.unit_code},
        ),
        *overdue_items(sources.register, leave_out=followed),
        *escalation_items(sources.register, leave_out=followed),
        *feedback_items(sources.feedback_by_unit, sources.period),
        *will_miss_items(sources.will_miss),
    ]


def baseline_period(period: date, previous: MeetingHeader | None) -> date:
    """The month a meeting compares with: the previous meeting's, when it is earlier than
    ``period``; else the month before ``period``."""
    if previous is not None and previous.period < period:
        return previous.period
    return add_months(period, -1)


def _scorecard_or_none(engine: Engine, period: date) -> pd.DataFrame | None:
    try:
        return scorecard(engine, period)
    except UnknownPeriod:
        return None


def _feedback_or_none(engine: Engine, period: date) -> pd.DataFrame | None:
    try:
        return feedback_board(engine, FeedbackFilters(period=period)).by_unit
    except (NoFeedbackStats, ValueError):  # no counts, or none for a month that early
        return None


def _will_miss_or_none(engine: Engine, as_of: date) -> pd.DataFrame | None:
    board = infra_board(engine, InfraFilters(as_of=as_of))
    return board.will_miss if board.has_sites else None


def read_sources(
    engine: Engine, period: date, previous: MeetingHeader | None, as_of: date
) -> AgendaSources:
    """Everything an agenda needs, through the metrics layer's public functions."""
    period = period.replace(day=1)
    baseline = baseline_period(period, previous)
    conclusions = (
        meeting_conclusions(engine, previous.id) if previous is not None else pd.DataFrame()
    )
    return AgendaSources(
        period=period,
        baseline=baseline,
        as_of=as_of,
        now=_scorecard_or_none(engine, period),
        before=_scorecard_or_none(engine, baseline),
        register=task_board(engine, TaskFilters(as_of=as_of)).register,
        feedback_by_unit=_feedback_or_none(engine, period),
        will_miss=_will_miss_or_none(engine, as_of),
        previous=previous,
        conclusions=conclusions,
    )


def newest_task_day(engine: Engine) -> date:
    """The tasks page's "latest" day: the newest day the task records describe (today when
    there are none)."""
    first, last = task_date_span(engine)
    return last or first or date.today()


def build_agenda(
    engine: Engine,
    period: date,
    previous_meeting: MeetingHeader | None,
    as_of: date | None = None,
) -> list[AgendaItem]:
    """The agenda of a meeting on score month ``period`` whose predecessor is
    ``previous_meeting`` (None: the first meeting), tasks and sites judged at the end of
    ``as_of`` (the meeting day; by default the tasks page's latest day)."""
    day = as_of or newest_task_day(engine)
    return agenda(read_sources(engine, period, previous_meeting, day))


def create_meeting(engine: Engine, held_on: date, period: date, title: str, created_by: str) -> int:
    """Build the agenda of a meeting held on ``held_on`` about score month ``period`` and store
    it with the meeting; the new meeting's id. The previous meeting is the newest one held on
    or before ``held_on``. :class:`~data.meetings.InvalidMeeting` names every bad argument
    (a month without stored scores included) before anything is computed or written."""
    problems = meeting_problems(held_on=held_on, title=title, created_by=created_by)
    if not isinstance(period, date) or period.replace(day=1) not in available_periods(engine):
        problems.append(Problem("period", "unknown", f"no scores are stored for {period!r}"))
    if problems:
        raise InvalidMeeting(problems)
    previous = previous_meeting(engine, held_on)
    items = build_agenda(engine, period, previous, as_of=held_on)
    return insert_meeting(
        engine,
        held_on=held_on,
        title=title,
        period=period,
        created_by=created_by,
        items=[NewItem(i.kind.value, i.unit_code, i.assignment_id, i.figures) for i in items],
    )


# --- the stored meetings, for the pages (read as stored: a past agenda does not move) ---------


def meetings(engine: Engine) -> list[MeetingHeader]:
    """Every meeting, the newest first."""
    return list_meetings(engine)


def load_meeting(engine: Engine, meeting_id: int) -> StoredMeeting | None:
    """One meeting with its stored items and the conclusions recorded on them."""
    return read_meeting(engine, meeting_id)


def meeting_before(engine: Engine, meeting: MeetingHeader) -> MeetingHeader | None:
    """The meeting whose conclusions ``meeting`` followed up (the newest one held on or before
    its day and set up before it)."""
    return previous_meeting(engine, meeting.held_on, before_id=meeting.id)
