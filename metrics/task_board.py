"""The task board: every Action-Plan assignment judged at one instant, and the tables built on it.

One computation for the tasks page, the unit dossier's task block and (through
``metrics.tasks``) the score's task indicators: each assignment's :class:`TaskBucket` at the end
of the ``as_of`` day comes from :func:`metrics.tasks.task_status_at` with its extensions, so the
page and the score cannot disagree.

INTERFACE (agreed between the data/metrics work and the page work; keep the names):

* :func:`task_board(engine, filters)` → :class:`TaskBoard`;
* :func:`task_detail(engine, assignment_id, as_of)` → :class:`TaskDetail` | None;
* :func:`unit_task_block(engine, unit_code, as_of)` → :class:`UnitTaskBlock`;
* :func:`task_filter_options(engine)` → :class:`TaskFilterOptions`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from common.periods import month_range
from data.tasks import (
    approved_extensions,
    assignment_checkins,
    assignment_extensions,
    checkin_summary,
    indicator_series,
    task_date_span,
    task_departments,
    task_register,
)
from metrics.catalog import Catalog, Direction, default_catalog
from metrics.monthly import MonthGrid
from metrics.tasks import (
    Extension,
    TaskStatus,
    day_over,
    deadline_in_force,
    end_of_day,
    has_started,
    task_status_at,
    task_totals,
)


class TaskBucket(StrEnum):
    """The five states the page shows, in display order (Vietnam's usual colours)."""

    DONE_ON_TIME = "done_on_time"  # hoàn thành đúng hạn — green
    DONE_LATE = "done_late"  # hoàn thành trễ hạn — orange
    IN_PROGRESS = "in_progress"  # chưa hoàn thành – trong hạn — blue
    OVERDUE = "overdue"  # chưa hoàn thành – quá hạn — red
    NOT_STARTED = "not_started"  # chưa triển khai — grey (open, within deadline, no progress)


AGEING_BUCKETS = ("1-30", "31-60", "61-90", ">90")  # days overdue


@dataclass(frozen=True)
class TaskFilters:
    """What the viewer chose; None = all. ``as_of``: the board is judged at the end of that day."""

    as_of: date
    department: str | None = None  # lead department code (departments.code)
    pillar: str | None = None  # catalog pillar key (a task's pillar: of its first indicator)
    unit: str | None = None  # unit code; assignments of that commune/ward only
    status: TaskBucket | None = None


@dataclass(frozen=True)
class TaskFilterOptions:
    departments: pd.DataFrame  # code, short_vi, short_en, name_vi, name_en (sorted by short_vi)
    pillars: list[str]  # pillar keys that have tasks, catalog order
    first_day: date  # the earliest start date of any task
    last_day: date  # the newest day with data (the demo snapshot's last day)


@dataclass(frozen=True)
class TaskBoard:
    """Everything the page shows for one :class:`TaskFilters`.

    ``register`` — one row per assignment in the filters (communes' and the lead department's
    own, ``unit_code`` NA for the latter), columns:
      assignment_id, task_id, task_code, plan_item, pillar, title_vi, title_en,
      lead_code, lead_short_vi, lead_short_en, responsible_leader (the task's named leader),
      responsible_name, responsible_title (the assignee's), coordinators_vi, coordinators_en
      (short names joined with ", "), unit_code, unit_name (NA for a department's own),
      start_date, original_deadline, deadline (in force at as_of), extensions (approved count),
      progress_pct (latest check-in on or before as_of; 100 once completed), status (TaskBucket
      value), days_overdue (Int64, NA unless overdue), ageing (one of AGEING_BUCKETS or NA),
      last_checkin (date or NaT), evidence_ref, completed_at, confirmed_at, escalated (bool at
      as_of), escalated_at, escalated_by, escalation_note, indicator_keys (list[str]), due (bool:
      the deadline in force is over at as_of — the league tables' denominator).
      ``pillar``: the catalog pillar of the task's first indicator key (None if not catalogued).
      ``days_overdue``: as_of − the deadline in force, in days (0 when the deadline was as_of
      itself: judged at the end of that day it is just over; 0 counts in ageing "1-30").
      ``deadline`` is moved off a day off (``metrics.tasks``), ``original_deadline`` is as
      recorded; records
      completed, confirmed or escalated after as_of show NaT/False, as known then; tasks whose
      start_date is after as_of are not in the board at all.
      Sorted: escalated first, then overdue by days_overdue desc, then deadline.
    ``incomplete`` — records that cannot be judged (no deadline, no responsible leader):
      task_code, title_vi, title_en, unit_code, unit_name, lead_short_vi, lead_short_en,
      missing ("deadline" | "leader" | "deadline,leader"). Never counted in any bucket or share.
    ``buckets`` — count per TaskBucket (all five keys present) over ``register``.
    ``trend`` — month (date, 1st), due (assignments due by that month's end), overdue (open and
      past the deadline in force at the month end), overdue_share (0–100, NaN when due == 0):
      every month from the first task's month to as_of's month, same filters except status.
    ``ageing`` — bucket (AGEING_BUCKETS order), count: overdue assignments by days overdue.
    ``by_department`` — lead_code, lead_short_vi, lead_short_en, assignments, due, on_time_share
      (0–100 of due ones done on time; NaN if none due), overdue, longest_overdue_days (Int64),
      escalations.
    ``by_unit`` — unit_code, unit_name, the same measures (communes' assignments only).
    ``by_leader`` — responsible_name, responsible_title, unit_code, unit_name, lead_short_vi,
      lead_short_en, assignments, due, on_time_share, overdue, longest_overdue_days.
    ``escalations`` — the register's escalated rows (same columns), longest-standing first.
    """

    filters: TaskFilters
    register: pd.DataFrame
    incomplete: pd.DataFrame
    buckets: dict[TaskBucket, int]
    trend: pd.DataFrame
    ageing: pd.DataFrame
    by_department: pd.DataFrame
    by_unit: pd.DataFrame
    by_leader: pd.DataFrame
    escalations: pd.DataFrame
    data_as_of: date = field(default=date.min)  # the newest day the task records describe


@dataclass(frozen=True)
class TaskDetail:
    """One assignment, for the drill-down.

    ``row`` — its register row (as in :class:`TaskBoard`);
    ``checkins`` — checked_at, progress_pct, note, reported_by (oldest first);
    ``extensions`` — requested_at, reason, old_deadline, new_deadline, state, decided_by,
      decided_at (every request, whatever its state);
    ``indicators`` — for the assignment's unit (or, for a department's own, the province's
      median): indicator_key, label_vi, label_en, month, value — each of the task's indicators
      by month from the task's start to as_of;
    ``not_moving`` — indicator keys for which the task is confirmed done and the indicator did
      not improve (in its catalog direction) in the months since the confirmation month.
    """

    row: pd.Series
    checkins: pd.DataFrame
    extensions: pd.DataFrame
    indicators: pd.DataFrame
    not_moving: list[str]


@dataclass(frozen=True)
class UnitTaskBlock:
    """The dossier's task block: the unit's buckets, its overdue tasks, its escalations."""

    buckets: dict[TaskBucket, int]
    overdue: pd.DataFrame  # register rows, longest overdue first
    escalations: pd.DataFrame  # register rows


def task_filter_options(engine: Engine) -> TaskFilterOptions:
    """The choices the page offers: lead departments, pillars with tasks, the span of days."""
    register = task_register(engine)
    pillars_with_tasks = set(_task_pillars(register["indicator_keys"]).dropna())
    first, last = task_date_span(engine)
    today = date.today()
    return TaskFilterOptions(
        departments=task_departments(engine),
        pillars=[p.key for p in default_catalog().pillars if p.key in pillars_with_tasks],
        first_day=first or today,
        last_day=last or first or today,
    )


def task_board(engine: Engine, filters: TaskFilters) -> TaskBoard:
    """The board for ``filters``, every figure judged at the end of ``filters.as_of``.

    ``buckets``, ``ageing`` and the league tables count the register's rows (all filters
    applied, status included); ``trend`` applies every filter but the status.
    """
    register, incomplete = _judged(engine, filters)
    chosen = _with_status(register, filters.status)
    _, last = task_date_span(engine)
    return TaskBoard(
        filters=filters,
        register=_register_order(chosen),
        incomplete=incomplete,
        buckets=_bucket_counts(chosen),
        trend=_trend(register, engine, filters.as_of),
        ageing=_ageing(chosen),
        by_department=_league(chosen, DEPARTMENT_KEYS),
        by_unit=_league(chosen[chosen["unit_code"].notna()], UNIT_KEYS),
        by_leader=_league(_leader_rows(chosen), LEADER_KEYS),
        escalations=_escalations(chosen),
        data_as_of=last or filters.as_of,
    )


def task_detail(engine: Engine, assignment_id: int, as_of: date) -> TaskDetail | None:
    """One assignment's drill-down at the end of ``as_of``; None for an unknown id (or an
    incomplete record, which has no status to show)."""
    register, _ = _judged(engine, TaskFilters(as_of=as_of), only=assignment_id)
    rows = register[register["assignment_id"] == assignment_id]
    if rows.empty:
        return None
    row = rows.iloc[0]
    indicators = _indicator_trend(engine, row, as_of)
    return TaskDetail(
        row=row,
        checkins=assignment_checkins(engine, assignment_id),
        extensions=assignment_extensions(engine, assignment_id),
        indicators=indicators,
        not_moving=not_moving(row, indicators, default_catalog()),
    )


def unit_task_block(engine: Engine, unit_code: str, as_of: date) -> UnitTaskBlock:
    """The dossier's block: the board of one unit's assignments."""
    board = task_board(engine, TaskFilters(as_of=as_of, unit=unit_code))
    overdue = board.register[board.register["status"] == TaskBucket.OVERDUE.value]
    return UnitTaskBlock(
        buckets=board.buckets,
        overdue=overdue.sort_values("days_overdue", ascending=False, kind="stable").reset_index(
            drop=True
        ),
        escalations=board.escalations,
    )


# --- the register judged at one instant --------------------------------------------------------

DEPARTMENT_KEYS = ["lead_code", "lead_short_vi", "lead_short_en"]
UNIT_KEYS = ["unit_code", "unit_name"]
LEADER_KEYS = [
    "responsible_name",
    "responsible_title",
    "unit_code",
    "unit_name",
    "lead_short_vi",
    "lead_short_en",
]
_DONE = (TaskBucket.DONE_ON_TIME.value, TaskBucket.DONE_LATE.value)


def _task_pillars(indicator_keys: pd.Series) -> pd.Series:
    """A task's pillar: the catalog pillar of its first indicator key (NA when that key is not
    in the catalog or the task names none)."""
    pillar_of = {i.key: i.pillar for i in default_catalog().indicators}
    first = indicator_keys.fillna("").map(lambda text: text.split(",")[0].strip())
    return first.map(pillar_of).astype(object).where(lambda p: p.notna(), None)


def _filtered(frame: pd.DataFrame, filters: TaskFilters) -> pd.DataFrame:
    """The rows of the chosen lead department, pillar and unit (every one when None)."""
    keep = pd.Series(True, index=frame.index)
    if filters.department is not None:
        keep &= frame["lead_code"] == filters.department
    if filters.pillar is not None:
        keep &= frame["pillar"] == filters.pillar
    if filters.unit is not None:
        keep &= frame["unit_code"] == filters.unit
    return frame[keep]


def _with_status(register: pd.DataFrame, status: TaskBucket | None) -> pd.DataFrame:
    if status is None:
        return register
    return register[register["status"] == TaskBucket(status).value]


def _judged(
    engine: Engine, filters: TaskFilters, only: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the register judged at the end of ``as_of``, the incomplete records), both with the
    department, pillar and unit filters applied (and only assignment ``only`` when given).
    Tasks not yet started at ``as_of`` are left out: they were not issued then."""
    records = task_register(engine)
    if only is not None:
        records = records[records["assignment_id"] == only]
    records["pillar"] = _task_pillars(records["indicator_keys"])
    records["indicator_keys"] = records["indicator_keys"].fillna("").map(_keys)
    issued = records["start_date"] <= pd.Timestamp(filters.as_of)
    records = _filtered(records[issued], filters)
    incomplete = _incomplete(records[records["incomplete"]])
    complete = records[~records["incomplete"]].drop(columns="incomplete")
    extensions = _extensions_by_assignment(approved_extensions(engine))
    checkins = {
        int(row["assignment_id"]): row
        for row in checkin_summary(engine, filters.as_of).to_dict("records")
    }
    judged = _judge(complete, extensions, checkins, filters.as_of)
    return judged, incomplete


def _keys(text: str) -> list[str]:
    return [key.strip() for key in text.split(",") if key.strip()]


def _extensions_by_assignment(extensions: pd.DataFrame) -> dict[int, list[Extension]]:
    """The approved extensions of each assignment, in the order decided."""
    grouped: dict[int, list[Extension]] = {}
    for assignment, decided, new_deadline in zip(
        extensions["assignment_id"].tolist(),
        extensions["decided_at"].dt.date.tolist(),
        extensions["new_deadline"].dt.date.tolist(),
        strict=True,
    ):
        grouped.setdefault(int(assignment), []).append(Extension(decided, new_deadline))
    return grouped


def _day(value: Any) -> date | None:
    """A frame's date cell as a ``date`` (None for NaT/None)."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _known_by(value: Any, as_of: date) -> date | None:
    """A dated event as known at the end of ``as_of``: None if it happens later."""
    day = _day(value)
    return day if day is not None and day <= as_of else None


def _judge(
    records: pd.DataFrame,
    extensions: dict[int, list[Extension]],
    checkins: dict[int, dict[Hashable, Any]],
    as_of: date,
) -> pd.DataFrame:
    """Each complete record's state at the end of ``as_of``, with the register's columns."""
    at = end_of_day(as_of)
    rows = []
    for record in records.to_dict("records"):
        assignment = int(record["assignment_id"])
        approved = extensions.get(assignment, [])
        completed = _known_by(record["completed_at"], as_of)
        confirmed = _known_by(record["confirmed_at"], as_of)
        original = _day(record["original_deadline"])
        assert original is not None  # complete records have a deadline
        checkin = checkins.get(assignment)
        first_progress = None if checkin is None else _day(checkin["first_progress_at"])
        started = has_started(first_progress, completed, at)
        status = task_status_at(original, completed, confirmed, at, approved, started)
        deadline = deadline_in_force(original, approved, at)
        days_overdue = (as_of - deadline).days if status is TaskStatus.OVERDUE else None
        escalated_at = _day(record["escalated_at"])
        progress = 0 if checkin is None else int(checkin["progress_pct"])
        rows.append(
            {
                **record,
                "deadline": deadline,
                "due": day_over(deadline, at),
                "extensions": sum(day_over(e.decided, at) for e in approved),
                "progress_pct": 100 if completed is not None else progress,
                "status": status.value,
                "days_overdue": days_overdue,
                "ageing": None if days_overdue is None else ageing_bucket(days_overdue),
                "last_checkin": None if checkin is None else checkin["last_checkin"],
                "completed_at": completed,
                "confirmed_at": confirmed,
                "escalated": bool(record["escalated"])
                and (escalated_at is None or escalated_at <= as_of),
            }
        )
    return _register_frame(pd.DataFrame(rows, columns=_REGISTER_COLUMNS))


_REGISTER_COLUMNS = [
    "assignment_id",
    "task_id",
    "task_code",
    "plan_item",
    "pillar",
    "title_vi",
    "title_en",
    "lead_code",
    "lead_short_vi",
    "lead_short_en",
    "responsible_leader",
    "responsible_name",
    "responsible_title",
    "coordinators_vi",
    "coordinators_en",
    "unit_code",
    "unit_name",
    "start_date",
    "original_deadline",
    "deadline",
    "extensions",
    "progress_pct",
    "status",
    "days_overdue",
    "ageing",
    "last_checkin",
    "evidence_ref",
    "completed_at",
    "confirmed_at",
    "escalated",
    "escalated_at",
    "escalated_by",
    "escalation_note",
    "indicator_keys",
    "due",
]


def _register_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as datetime64, the counts as (nullable) integers."""
    for column in (
        "start_date",
        "original_deadline",
        "deadline",
        "last_checkin",
        "completed_at",
        "confirmed_at",
        "escalated_at",
    ):
        frame[column] = pd.to_datetime(frame[column])
    frame["days_overdue"] = frame["days_overdue"].astype("Int64")
    frame["extensions"] = frame["extensions"].astype(int)
    frame["progress_pct"] = frame["progress_pct"].astype(int)
    frame["escalated"] = frame["escalated"].astype(bool)
    frame["due"] = frame["due"].astype(bool)
    frame["unit_code"] = frame["unit_code"].astype(object).where(frame["unit_code"].notna(), pd.NA)
    frame["unit_name"] = frame["unit_name"].astype(object).where(frame["unit_name"].notna(), pd.NA)
    return frame


def overdue_by_task(register: pd.DataFrame) -> pd.DataFrame:
    """The register's overdue assignments gathered per task: task_code, title_vi, title_en,
    assignees (how many are overdue on it), days_overdue (the longest of them). Longest first,
    then the most assignees, then the task code: a task late in 30 communes is one line."""
    overdue = register[register["status"] == str(TaskBucket.OVERDUE)]
    per_task = overdue.groupby("task_code", as_index=False, sort=False).agg(
        title_vi=("title_vi", "first"),
        title_en=("title_en", "first"),
        assignees=("assignment_id", "size"),
        days_overdue=("days_overdue", "max"),
    )
    return per_task.sort_values(
        ["days_overdue", "assignees", "task_code"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def ageing_bucket(days_overdue: int) -> str:
    """The ageing bucket of an overdue assignment (a deadline that ended with the day judged,
    0 days, counts in the first)."""
    if days_overdue <= 30:
        return AGEING_BUCKETS[0]
    if days_overdue <= 60:
        return AGEING_BUCKETS[1]
    if days_overdue <= 90:
        return AGEING_BUCKETS[2]
    return AGEING_BUCKETS[3]


def _register_order(register: pd.DataFrame) -> pd.DataFrame:
    """Escalated first, then overdue by days overdue (longest first), then by deadline."""
    order = register.assign(
        _not_escalated=~register["escalated"],
        _overdue_days=register["days_overdue"].fillna(-1).astype(int),
    )
    order = order.sort_values(
        ["_not_escalated", "_overdue_days", "deadline", "assignment_id"],
        ascending=[True, False, True, True],
        kind="stable",
    )
    return order.drop(columns=["_not_escalated", "_overdue_days"]).reset_index(drop=True)


def _incomplete(records: pd.DataFrame) -> pd.DataFrame:
    """The records that cannot be judged, and what each lacks."""
    no_deadline = records["deadline"].isna()
    no_leader = records["responsible_leader"].fillna("").str.strip() == ""
    missing = [
        ",".join(name for name, lacks in (("deadline", d), ("leader", n)) if lacks)
        for d, n in zip(no_deadline, no_leader, strict=True)
    ]
    columns = [
        "task_code",
        "title_vi",
        "title_en",
        "unit_code",
        "unit_name",
        "lead_short_vi",
        "lead_short_en",
    ]
    return records[columns].assign(missing=missing).reset_index(drop=True)


def _bucket_counts(register: pd.DataFrame) -> dict[TaskBucket, int]:
    counts = register["status"].value_counts()
    return {bucket: int(counts.get(bucket.value, 0)) for bucket in TaskBucket}


def _ageing(register: pd.DataFrame) -> pd.DataFrame:
    counts = register["ageing"].value_counts()
    return pd.DataFrame(
        {
            "bucket": list(AGEING_BUCKETS),
            "count": [int(counts.get(bucket, 0)) for bucket in AGEING_BUCKETS],
        }
    )


def _leader_rows(register: pd.DataFrame) -> pd.DataFrame:
    """The register for the accountability table: a commune's leader answers for every task of
    the commune, whichever department leads it, so the lead is kept only for a department's own
    assignments (whose leader belongs to that department)."""
    own = register["unit_code"].isna()
    return register.assign(
        lead_short_vi=register["lead_short_vi"].where(own),
        lead_short_en=register["lead_short_en"].where(own),
    )


def _league(register: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: assignments, due (deadline in force over), on_time_share (of the due ones,
    the share done on time, 0–100; NaN when none is due), overdue, longest_overdue_days,
    escalations — the score's rules (``metrics.tasks``) at the board's instant."""
    measures = register.assign(
        on_time_due=register["due"] & (register["status"] == TaskBucket.DONE_ON_TIME.value),
        is_overdue=register["status"] == TaskBucket.OVERDUE.value,
    )
    grouped = measures.groupby(keys, dropna=False, sort=True)
    table = grouped.agg(
        assignments=("assignment_id", "size"),
        due=("due", "sum"),
        on_time_due=("on_time_due", "sum"),
        overdue=("is_overdue", "sum"),
        longest_overdue_days=("days_overdue", "max"),
        escalations=("escalated", "sum"),
    ).reset_index()
    due = table["due"].astype(float)
    table["on_time_share"] = (100.0 * table["on_time_due"] / due).where(due > 0)
    table["longest_overdue_days"] = table["longest_overdue_days"].astype("Int64")
    columns = [*keys, "assignments", "due", "on_time_share", "overdue", "longest_overdue_days"]
    if keys != LEADER_KEYS:
        columns.append("escalations")
    for column in ("assignments", "due", "overdue", "escalations"):
        table[column] = table[column].astype(int)
    return table[columns]


def _escalations(register: pd.DataFrame) -> pd.DataFrame:
    """The escalated rows, longest-standing first (undated ones last)."""
    escalated = register[register["escalated"]]
    return escalated.sort_values(
        ["escalated_at", "assignment_id"], na_position="last", kind="stable"
    ).reset_index(drop=True)


# --- the monthly trend -------------------------------------------------------------------------


_EVERYONE = "*"  # the trend sums every row of the register as one "unit" of the month grid


def _trend(register: pd.DataFrame, engine: Engine, as_of: date) -> pd.DataFrame:
    """due and overdue at each month end, from the first task's month to ``as_of``'s month (the
    last month judged at ``as_of``, not after it).

    The same rules as :func:`metrics.tasks.task_status_at`: the months before ``as_of``'s month
    are counted by :func:`metrics.tasks.task_totals` (the score's own monthly counts, on the
    register's rows), the last one is the register itself, judged at ``as_of``.
    """
    if register.empty:
        return pd.DataFrame({"month": [], "due": [], "overdue": [], "overdue_share": []}).astype(
            {"due": int, "overdue": int, "overdue_share": float}
        )
    last_month = as_of.replace(day=1)
    months = month_range(register["start_date"].min().date().replace(day=1), last_month)
    rows = []
    earlier = months[:-1]
    if earlier:
        grid = MonthGrid(units=[_EVERYONE], periods=earlier)
        assignments = register[
            ["assignment_id", "original_deadline", "completed_at", "confirmed_at"]
        ].assign(unit_code=_EVERYONE)
        totals = task_totals(assignments, approved_extensions(engine), grid)
        rows = [
            {"month": month, "due": int(due), "overdue": int(overdue)}
            for month, due, overdue in zip(earlier, totals.due[0], totals.overdue[0], strict=True)
        ]
    rows.append(
        {
            "month": last_month,
            "due": int(register["due"].sum()),
            "overdue": int((register["status"] == TaskBucket.OVERDUE.value).sum()),
        }
    )
    trend = pd.DataFrame(rows)
    trend["overdue_share"] = (100.0 * trend["overdue"] / trend["due"]).where(trend["due"] > 0)
    return trend


# --- indicators a task should move -------------------------------------------------------------


def _indicator_trend(engine: Engine, row: pd.Series, as_of: date) -> pd.DataFrame:
    """The task's indicators for the row's unit (the province's median for a department's own
    part) by month, from the task's start month to ``as_of``'s month."""
    catalog = default_catalog()
    keys = [key for key in row["indicator_keys"] if key in {i.key for i in catalog.indicators}]
    columns = ["indicator_key", "label_vi", "label_en", "month", "value"]
    if not keys:
        return pd.DataFrame(columns=columns)
    first = pd.Timestamp(row["start_date"]).date().replace(day=1)
    unit = None if pd.isna(row["unit_code"]) else str(row["unit_code"])
    series = indicator_series(engine, keys, first, as_of.replace(day=1), unit)
    values: pd.DataFrame = series[["indicator_key", "period", "value"]]
    if unit is None:
        values = values.groupby(["indicator_key", "period"], as_index=False).agg(
            value=("value", "median")
        )
    values = values.rename(columns={"period": "month"})
    values["label_vi"] = values["indicator_key"].map(lambda k: catalog.indicator(k).label.vi)
    values["label_en"] = values["indicator_key"].map(lambda k: catalog.indicator(k).label.en)
    return values[columns].sort_values(["indicator_key", "month"]).reset_index(drop=True)


def not_moving(row: pd.Series, indicators: pd.DataFrame, catalog: Catalog) -> list[str]:
    """The task's indicators that did not improve since it was confirmed done.

    Only for a confirmed assignment (``row["confirmed_at"]`` set): an indicator is flagged when
    its value in the newest month after the confirmation month is not better, in its catalog
    direction, than its value in the confirmation month. Without a value in the confirmation
    month, or without a later month, it is not flagged.
    """
    confirmed = _day(row["confirmed_at"])
    if confirmed is None or indicators.empty:
        return []
    confirmation_month = pd.Timestamp(confirmed.replace(day=1))
    flagged = []
    for key, series in indicators.dropna(subset=["value"]).groupby("indicator_key", sort=False):
        by_month = series.set_index(pd.to_datetime(series["month"]))["value"].sort_index()
        later = by_month[by_month.index > confirmation_month]
        if confirmation_month not in by_month.index or later.empty:
            continue
        before, newest = float(by_month[confirmation_month]), float(later.iloc[-1])
        higher = catalog.indicator(str(key)).direction is Direction.HIGHER
        improved = newest > before if higher else newest < before
        if not improved:
            flagged.append(str(key))
    return flagged
