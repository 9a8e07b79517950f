"""The Steering Committee's meetings: agendas as stored, and conclusions that become tasks.

An agenda is built by the metrics layer (``metrics.meetings``) and stored here whole, with the
figures each item showed (JSON text): a past meeting's agenda must read the same after the data
behind it changed. A conclusion (kết luận) recorded on an item becomes an Action-Plan task in
the same transaction — a ``Task`` with one ``TaskAssignment`` for the owner unit — recorded as an
import batch of kind "tasks", so the data version moves and every page (and the score, which
counts task measures) sees the new task as it sees any other task load.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select

from common.workcalendar import VIETNAM_TZ
from data.aggregate import as_dates
from data.db import exclusive_write
from data.models import (
    Department,
    ImportBatch,
    Meeting,
    MeetingConclusion,
    MeetingItem,
    Task,
    TaskAssignment,
    Unit,
)

TASK_CODE_PREFIX = "KL"  # kết luận: KL-<yyyymmdd>-<n>
PLAN_ITEM = "KL-BCĐ"  # the register's plan item of every meeting conclusion
AUTHORITY = "Ban Chỉ đạo tỉnh (kết luận cuộc họp ngày {day})"
EXPECTED_OUTPUT = "Báo cáo kết quả thực hiện kết luận của Ban Chỉ đạo"
SOURCE_NAME = "Kết luận cuộc họp ngày {day}: {title}"
IMPORT_KIND = "tasks"

# Column widths (data.models), checked before writing so a long text gets a message, not a
# database error.
TEXT_MAX = 300
NAME_MAX = 120
TITLE_MAX = 200


def vietnam_now() -> datetime:
    """Đắk Lắk's wall-clock time, naive like every timestamp in the database."""
    return datetime.now(VIETNAM_TZ).replace(tzinfo=None, microsecond=0)


# --- errors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One bad input: the argument's name, a short reason code and a sentence for people."""

    field: str
    reason: str  # empty | too_long | unknown | before_meeting | missing
    message: str


class InvalidConclusion(ValueError):
    """The conclusion was not recorded (nothing was written); ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))

    @property
    def fields(self) -> list[str]:
        return [p.field for p in self.problems]


class InvalidMeeting(ValueError):
    """The meeting was not stored; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))


# --- storing a meeting and its agenda ----------------------------------------------------------


@dataclass(frozen=True)
class NewItem:
    """An agenda item to store: its kind (``data.models.MEETING_ITEM_KINDS``), the unit and
    assignment it is about (or None) and its figures (JSON-serialisable)."""

    kind: str
    unit_code: str | None
    assignment_id: int | None
    figures: dict[str, Any]


def _text_problems(field: str, value: str, limit: int) -> list[Problem]:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return [Problem(field, "empty", "must not be empty")]
    if len(text) > limit:
        return [Problem(field, "too_long", f"at most {limit} characters, got {len(text)}")]
    return []


def meeting_problems(*, held_on: object, title: str, created_by: str) -> list[Problem]:
    """What is wrong with a new meeting's day, title and author (empty when nothing)."""
    problems = [
        *_text_problems("title", title, TITLE_MAX),
        *_text_problems("created_by", created_by, NAME_MAX),
    ]
    if not isinstance(held_on, date):
        problems.append(Problem("held_on", "missing", "a meeting day is required"))
    return problems


def insert_meeting(
    engine: Engine,
    *,
    held_on: date,
    title: str,
    period: date,
    created_by: str,
    items: Sequence[NewItem],
) -> int:
    """Store a meeting with its agenda (positions 1, 2, … in the given order), all or nothing;
    the new meeting's id. :class:`InvalidMeeting` names every bad argument."""
    problems = meeting_problems(held_on=held_on, title=title, created_by=created_by)
    if problems:
        raise InvalidMeeting(problems)
    with exclusive_write(engine) as conn:
        meeting_id = int(
            conn.execute(
                insert(Meeting).returning(Meeting.id),
                [
                    {
                        "held_on": held_on,
                        "title": title.strip(),
                        "period": period.replace(day=1),
                        "created_at": vietnam_now(),
                        "created_by": created_by.strip(),
                    }
                ],
            ).scalar_one()
        )
        if items:
            conn.execute(
                insert(MeetingItem),
                [
                    {
                        "meeting_id": meeting_id,
                        "position": position,
                        "kind": item.kind,
                        "unit_code": item.unit_code,
                        "assignment_id": item.assignment_id,
                        "figures": json.dumps(item.figures, ensure_ascii=False, sort_keys=True),
                    }
                    for position, item in enumerate(items, start=1)
                ],
            )
    return meeting_id


# --- reading meetings --------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingHeader:
    id: int
    held_on: date
    title: str
    period: date
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class StoredMeeting:
    """A meeting as stored.

    ``items`` — item_id, position, kind, unit_code (None when the item is not about one unit),
    assignment_id, figures (dict, as stored), in agenda order.
    ``conclusions`` — conclusion_id, item_id, text, task_id, task_code, owner_unit_code,
    owner_unit_name, leader_name, leader_title, deadline (date), created_at, created_by, in the
    order recorded.
    """

    header: MeetingHeader
    items: pd.DataFrame
    conclusions: pd.DataFrame


def _as_day(value: object) -> date:
    """A DATE column's value (SQLite may hand back text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _instant(value: object) -> datetime:
    """A DATETIME column's value (SQLite may hand back text)."""
    if isinstance(value, datetime):
        return value
    return pd.Timestamp(str(value)).to_pydatetime()


def _header(row: Any) -> MeetingHeader:
    return MeetingHeader(
        id=int(row.id),
        held_on=_as_day(row.held_on),
        title=str(row.title),
        period=_as_day(row.period),
        created_at=_instant(row.created_at),
        created_by=str(row.created_by),
    )


def list_meetings(engine: Engine) -> list[MeetingHeader]:
    """Every meeting, the newest first (by day, then as created)."""
    query = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())
    with engine.connect() as conn:
        return [_header(row) for row in conn.execute(query)]


def previous_meeting(
    engine: Engine, on_or_before: date, *, before_id: int | None = None
) -> MeetingHeader | None:
    """The newest meeting held on or before ``on_or_before`` (a meeting earlier the same day
    counts); with ``before_id``, only meetings created before that one (its own predecessor)."""
    query = select(Meeting).where(Meeting.held_on <= on_or_before)
    if before_id is not None:
        query = query.where(Meeting.id < before_id)
    query = query.order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else _header(row)


def read_meeting(engine: Engine, meeting_id: int) -> StoredMeeting | None:
    """One meeting with its items and conclusions; None for an unknown id."""
    with engine.connect() as conn:
        row = conn.execute(select(Meeting).where(Meeting.id == meeting_id)).first()
        if row is None:
            return None
        items = pd.read_sql(
            select(
                MeetingItem.id.label("item_id"),
                MeetingItem.position,
                MeetingItem.kind,
                MeetingItem.unit_code,
                MeetingItem.assignment_id,
                MeetingItem.figures,
            )
            .where(MeetingItem.meeting_id == meeting_id)
            .order_by(MeetingItem.position),
            conn,
        )
        conclusions = _conclusions(conn, [meeting_id])
    items["figures"] = items["figures"].map(json.loads)
    items["assignment_id"] = items["assignment_id"].astype("Int64")
    items["unit_code"] = items["unit_code"].astype(object).where(items["unit_code"].notna(), None)
    return StoredMeeting(_header(row), items, conclusions)


def meeting_conclusions(engine: Engine, meeting_id: int) -> pd.DataFrame:
    """The conclusions recorded at one meeting (columns as in :class:`StoredMeeting`)."""
    with engine.connect() as conn:
        return _conclusions(conn, [meeting_id])


def _conclusions(conn: Connection, meeting_ids: list[int]) -> pd.DataFrame:
    query = (
        select(
            MeetingConclusion.id.label("conclusion_id"),
            MeetingConclusion.item_id,
            MeetingConclusion.text,
            MeetingConclusion.task_id,
            Task.code.label("task_code"),
            TaskAssignment.unit_code.label("owner_unit_code"),
            Unit.full_name.label("owner_unit_name"),
            TaskAssignment.responsible_name.label("leader_name"),
            TaskAssignment.responsible_title.label("leader_title"),
            TaskAssignment.deadline,
            MeetingConclusion.created_at,
            MeetingConclusion.created_by,
        )
        .join(MeetingItem, MeetingItem.id == MeetingConclusion.item_id)
        .join(Task, Task.id == MeetingConclusion.task_id)
        .outerjoin(TaskAssignment, TaskAssignment.task_id == Task.id)
        .outerjoin(Unit, Unit.code == TaskAssignment.unit_code)
        .where(MeetingItem.meeting_id.in_(meeting_ids))
        .order_by(MeetingItem.position, MeetingConclusion.id)
    )
    frame = pd.read_sql(query, conn)
    return as_dates(frame, ["deadline"])


# --- a conclusion becomes a task ---------------------------------------------------------------


@dataclass(frozen=True)
class RecordedConclusion:
    conclusion_id: int
    task_id: int
    task_code: str
    assignment_id: int
    batch_id: int  # the import batch: the new data version


def record_conclusion(
    engine: Engine,
    item_id: int,
    text: str,
    owner_unit_code: str,
    leader_name: str,
    leader_title: str,
    deadline: date | None,
    lead_department_code: str,
    recorded_by: str,
) -> RecordedConclusion:
    """Record a conclusion on agenda item ``item_id`` as a new task, in one transaction.

    The task: code ``KL-<meeting day yyyymmdd>-<n>``, the conclusion's text as its title, the
    Steering Committee's meeting as assigning authority, the meeting day as start, ``deadline``,
    ``leader_name`` as responsible leader, led by ``lead_department_code``; the indicator keys of
    the item's task when the item is about one. One assignment for ``owner_unit_code``, not
    started, progress 0, answered for by the leader. :class:`InvalidConclusion` names every bad
    argument and nothing is written.
    """
    problems = [
        *_text_problems("text", text, TEXT_MAX),
        *_text_problems("leader_name", leader_name, NAME_MAX),
        *_text_problems("leader_title", leader_title, NAME_MAX),
        *_text_problems("recorded_by", recorded_by, NAME_MAX),
    ]
    if not isinstance(deadline, date):
        problems.append(Problem("deadline", "missing", "a deadline is required"))
    with exclusive_write(engine) as conn:
        context = _item_context(conn, item_id)
        problems += _reference_problems(conn, context, owner_unit_code, lead_department_code)
        if context is not None and isinstance(deadline, date) and deadline < context.held_on:
            problems.append(
                Problem(
                    "deadline",
                    "before_meeting",
                    f"{deadline.isoformat()} is before the meeting day "
                    f"{context.held_on.isoformat()}",
                )
            )
        if problems:
            raise InvalidConclusion(problems)
        assert context is not None and isinstance(deadline, date)
        return _write_conclusion(
            conn,
            context,
            text=text.strip(),
            owner_unit_code=owner_unit_code,
            leader=(leader_name.strip(), leader_title.strip()),
            deadline=deadline,
            lead_department_code=lead_department_code,
            recorded_by=recorded_by.strip(),
        )


@dataclass(frozen=True)
class _ItemContext:
    item_id: int
    meeting_title: str
    held_on: date
    indicator_keys: str


def _item_context(conn: Connection, item_id: int) -> _ItemContext | None:
    row = conn.execute(
        select(MeetingItem.id, MeetingItem.figures, Meeting.title, Meeting.held_on)
        .join(Meeting, Meeting.id == MeetingItem.meeting_id)
        .where(MeetingItem.id == item_id)
    ).first()
    if row is None:
        return None
    figures = json.loads(row.figures or "{}")
    keys = figures.get("indicator_keys") or []
    return _ItemContext(
        item_id=int(row.id),
        meeting_title=str(row.title),
        held_on=_as_day(row.held_on),
        indicator_keys=",".join(str(k) for k in keys) if isinstance(keys, list) else str(keys),
    )


def _reference_problems(
    conn: Connection, context: _ItemContext | None, unit_code: str, department_code: str
) -> list[Problem]:
    problems = []
    if context is None:
        problems.append(Problem("item_id", "unknown", "no such agenda item"))
    known_unit = conn.execute(select(Unit.code).where(Unit.code == str(unit_code))).first()
    if not unit_code or known_unit is None:
        problems.append(
            Problem("owner_unit_code", "unknown", f"{unit_code!r} is not one of the units")
        )
    if _department_id(conn, department_code) is None:
        problems.append(
            Problem(
                "lead_department_code",
                "unknown",
                f"{department_code!r} is not a known department",
            )
        )
    return problems


def _department_id(conn: Connection, code: str) -> int | None:
    found = conn.execute(select(Department.id).where(Department.code == str(code))).first()
    return None if found is None else int(found[0])


def next_task_code(conn: Connection, held_on: date) -> str:
    """``KL-<yyyymmdd>-<n>``: one more than the largest n already used for that day."""
    prefix = f"{TASK_CODE_PREFIX}-{held_on:%Y%m%d}-"
    codes = conn.execute(select(Task.code).where(Task.code.like(f"{prefix}%"))).scalars()
    used = [int(m.group(1)) for c in codes if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", c))]
    return f"{prefix}{max(used, default=0) + 1}"


def _write_conclusion(
    conn: Connection,
    context: _ItemContext,
    *,
    text: str,
    owner_unit_code: str,
    leader: tuple[str, str],
    deadline: date,
    lead_department_code: str,
    recorded_by: str,
) -> RecordedConclusion:
    now = vietnam_now()
    day = f"{context.held_on:%d/%m/%Y}"
    code = next_task_code(conn, context.held_on)
    batch_id = _new_batch(conn, day, context.meeting_title, code, recorded_by, now)
    department_id = _department_id(conn, lead_department_code)
    task_id = int(
        conn.execute(
            insert(Task).returning(Task.id),
            [
                {
                    "code": code,
                    "plan_item": PLAN_ITEM,
                    "title_vi": text,
                    "title_en": text,  # recorded in the meeting's language; not translated
                    "lead_department_id": department_id,
                    "responsible_leader": leader[0],
                    "assigning_authority": AUTHORITY.format(day=day),
                    "start_date": context.held_on,
                    "deadline": deadline,
                    "expected_output": EXPECTED_OUTPUT,
                    "indicator_keys": context.indicator_keys,
                    "batch_id": batch_id,
                }
            ],
        ).scalar_one()
    )
    assignment_id = int(
        conn.execute(
            insert(TaskAssignment).returning(TaskAssignment.id),
            [
                {
                    "task_id": task_id,
                    "unit_code": owner_unit_code,
                    "responsible_name": leader[0],
                    "responsible_title": leader[1],
                    "deadline": deadline,
                    "state": "not_started",
                    "progress_pct": 0,
                    "escalated": False,
                }
            ],
        ).scalar_one()
    )
    conclusion_id = int(
        conn.execute(
            insert(MeetingConclusion).returning(MeetingConclusion.id),
            [
                {
                    "item_id": context.item_id,
                    "text": text,
                    "task_id": task_id,
                    "created_at": now,
                    "created_by": recorded_by,
                }
            ],
        ).scalar_one()
    )
    return RecordedConclusion(conclusion_id, task_id, code, assignment_id, batch_id)


def _new_batch(
    conn: Connection, day: str, title: str, code: str, recorded_by: str, now: datetime
) -> int:
    values = {
        "kind": IMPORT_KIND,
        "source_name": SOURCE_NAME.format(day=day, title=title)[:300],
        "imported_by": recorded_by[:NAME_MAX],
        "imported_at": now,
        "row_count": 2,  # the task and its assignment
        "parameters": json.dumps({"task_code": code}, ensure_ascii=False),
    }
    return int(conn.execute(insert(ImportBatch).returning(ImportBatch.id), [values]).scalar_one())


def conclusion_count(engine: Engine) -> int:
    """How many conclusions are stored (a cheap key for caches of meetings)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(MeetingConclusion)).scalar_one())


def departments(engine: Engine) -> pd.DataFrame:
    """Every department a conclusion's task may be led by: code, short_vi, short_en, name_vi,
    name_en, sorted by short_vi."""
    query = select(
        Department.code,
        Department.short_vi,
        Department.short_en,
        Department.name_vi,
        Department.name_en,
    ).order_by(Department.short_vi)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)
