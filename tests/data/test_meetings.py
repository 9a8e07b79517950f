"""Meetings on SQLite and PostgreSQL: an agenda stored as it was, and a conclusion recorded as a
task (task + assignment + conclusion in one transaction; bad input writes nothing and says
which argument is wrong)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from data.meetings import (
    InvalidConclusion,
    InvalidMeeting,
    NewItem,
    insert_meeting,
    list_meetings,
    next_task_code,
    previous_meeting,
    read_meeting,
    record_conclusion,
)
from data.models import (
    Department,
    ImportBatch,
    Meeting,
    MeetingConclusion,
    MeetingItem,
    Task,
    TaskAssignment,
)
from data.queries import data_version
from data.tasks import task_register

A, B = "22015", "22045"  # Phường Tuy Hòa and another unit of the registry
HELD_ON = date(2026, 11, 20)
PERIOD = date(2026, 10, 1)


def _meeting(engine: Engine, held_on: date = HELD_ON, title: str = "Họp BCĐ tháng 11") -> int:
    return insert_meeting(
        engine,
        held_on=held_on,
        title=title,
        period=PERIOD,
        created_by="Thư ký BCĐ",
        items=[
            NewItem("turned_red", A, None, {"unit_name": "Phường Tuy Hòa", "composite_now": 48.5}),
            NewItem(
                "overdue_task", B, 17, {"task_code": "KH01-03", "indicator_keys": ["k1", "k2"]}
            ),
        ],
    )


def _department(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(select(Department.code).order_by(Department.code)).scalars().first()
        )


def _item_ids(engine: Engine, meeting_id: int) -> list[int]:
    stored = read_meeting(engine, meeting_id)
    assert stored is not None
    return [int(i) for i in stored.items["item_id"]]


def _counts(engine: Engine) -> tuple[int, int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (Task, TaskAssignment, MeetingConclusion, ImportBatch)
        )


def _record(engine: Engine, item: int, **changes: object) -> object:
    arguments: dict[str, object] = {
        "item_id": item,
        "text": "Hoàn thành lắp đặt trạm 5G tại trung tâm xã trước 31/12",
        "owner_unit_code": B,
        "leader_name": "Lê Thị Hoa",
        "leader_title": "Chủ tịch UBND xã",
        "deadline": date(2026, 12, 31),
        "lead_department_code": _department(engine),
        "recorded_by": "Thư ký BCĐ",
    }
    arguments.update(changes)
    return record_conclusion(engine, **arguments)  # type: ignore[arg-type]


def test_an_agenda_is_stored_in_order_with_its_figures(migrated_engine: Engine) -> None:
    meeting_id = _meeting(migrated_engine)
    stored = read_meeting(migrated_engine, meeting_id)
    assert stored is not None
    assert stored.header.held_on == HELD_ON and stored.header.period == PERIOD
    assert stored.header.title == "Họp BCĐ tháng 11"
    assert stored.items["position"].tolist() == [1, 2]
    assert stored.items["kind"].tolist() == ["turned_red", "overdue_task"]
    assert stored.items["unit_code"].tolist() == [A, B]
    assert stored.items["assignment_id"].tolist() == [pd_na(), 17]
    assert stored.items["figures"].iloc[0] == {"unit_name": "Phường Tuy Hòa", "composite_now": 48.5}
    assert stored.conclusions.empty
    assert read_meeting(migrated_engine, meeting_id + 100) is None


def pd_na() -> object:
    import pandas as pd

    return pd.NA


def test_meetings_are_listed_newest_first_and_know_their_predecessor(
    migrated_engine: Engine,
) -> None:
    first = _meeting(migrated_engine, date(2026, 10, 15), "Tháng 10")
    second = _meeting(migrated_engine, date(2026, 11, 20), "Tháng 11")
    assert [m.id for m in list_meetings(migrated_engine)] == [second, first]
    assert previous_meeting(migrated_engine, date(2026, 11, 1)).id == first  # type: ignore[union-attr]
    assert previous_meeting(migrated_engine, date(2026, 11, 20)).id == second  # type: ignore[union-attr]
    before_second = previous_meeting(migrated_engine, date(2026, 11, 20), before_id=second)
    assert before_second is not None and before_second.id == first
    assert previous_meeting(migrated_engine, date(2026, 10, 14)) is None


def test_a_meeting_without_a_title_is_refused(migrated_engine: Engine) -> None:
    with pytest.raises(InvalidMeeting, match="title"):
        _meeting(migrated_engine, title="  ")
    with migrated_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Meeting)).scalar_one() == 0


def test_a_conclusion_becomes_a_task_with_one_assignment(migrated_engine: Engine) -> None:
    meeting_id = _meeting(migrated_engine)
    red_item, task_item = _item_ids(migrated_engine, meeting_id)
    version = data_version(migrated_engine)
    recorded = _record(migrated_engine, task_item)

    assert recorded.task_code == "KL-20261120-1"  # type: ignore[attr-defined]
    assert recorded.batch_id == data_version(migrated_engine) > version  # type: ignore[attr-defined]
    with migrated_engine.connect() as conn:
        task = conn.execute(select(Task).where(Task.code == "KL-20261120-1")).one()
        assignments = conn.execute(
            select(TaskAssignment).where(TaskAssignment.task_id == task.id)
        ).all()
        conclusion = conn.execute(select(MeetingConclusion)).one()
    assert (
        task.title_vi == task.title_en == "Hoàn thành lắp đặt trạm 5G tại trung tâm xã trước 31/12"
    )
    assert task.start_date == HELD_ON and task.deadline == date(2026, 12, 31)
    assert task.responsible_leader == "Lê Thị Hoa"
    assert "Ban Chỉ đạo" in task.assigning_authority and "20/11/2026" in task.assigning_authority
    assert task.indicator_keys == "k1,k2"  # the overdue task item's indicators
    assert len(assignments) == 1
    only = assignments[0]
    assert (only.unit_code, only.state, only.progress_pct) == (B, "not_started", 0)
    assert (only.responsible_name, only.responsible_title) == ("Lê Thị Hoa", "Chủ tịch UBND xã")
    assert only.deadline == date(2026, 12, 31)
    assert (conclusion.item_id, conclusion.task_id) == (task_item, task.id)
    assert conclusion.created_by == "Thư ký BCĐ"

    # The task register lists it, complete (a deadline and a named leader).
    register = task_register(migrated_engine)
    row = register[register["task_code"] == "KL-20261120-1"].iloc[0]
    assert row["unit_code"] == B and not row["incomplete"]

    # A second conclusion of the same meeting gets the next number; an item not about a task
    # gives the task no indicator keys.
    second = _record(migrated_engine, red_item, owner_unit_code=A)
    assert second.task_code == "KL-20261120-2"  # type: ignore[attr-defined]
    with migrated_engine.connect() as conn:
        keys = conn.execute(select(Task.indicator_keys).where(Task.code == "KL-20261120-2"))
        assert keys.scalar_one() == ""

    stored = read_meeting(migrated_engine, meeting_id)
    assert stored is not None
    assert stored.conclusions["task_code"].tolist() == ["KL-20261120-2", "KL-20261120-1"]  # by item
    first = stored.conclusions.iloc[1]
    assert (first["owner_unit_code"], first["leader_name"]) == (B, "Lê Thị Hoa")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"owner_unit_code": "99999"}, "owner_unit_code"),
        ({"deadline": date(2026, 11, 19)}, "deadline"),  # the day before the meeting
        ({"deadline": None}, "deadline"),
        ({"text": "   "}, "text"),
        ({"leader_name": ""}, "leader_name"),
        ({"leader_title": " "}, "leader_title"),
        ({"lead_department_code": "SXYZ"}, "lead_department_code"),
        ({"item_id": 10_000}, "item_id"),
        ({"text": "x" * 301}, "text"),
    ],
)
def test_bad_input_writes_nothing_and_names_the_field(
    migrated_engine: Engine, changes: dict[str, object], field: str
) -> None:
    meeting_id = _meeting(migrated_engine)
    item = _item_ids(migrated_engine, meeting_id)[0]
    before = _counts(migrated_engine)
    with pytest.raises(InvalidConclusion) as raised:
        _record(migrated_engine, item, **changes)
    assert raised.value.fields == [field]
    assert field in str(raised.value)
    assert _counts(migrated_engine) == before


def test_every_bad_field_is_named_at_once(migrated_engine: Engine) -> None:
    meeting_id = _meeting(migrated_engine)
    item = _item_ids(migrated_engine, meeting_id)[0]
    with pytest.raises(InvalidConclusion) as raised:
        _record(migrated_engine, item, text="", leader_name="", owner_unit_code="00000")
    assert sorted(raised.value.fields) == ["leader_name", "owner_unit_code", "text"]


def test_the_deadline_may_be_the_meeting_day_itself(migrated_engine: Engine) -> None:
    meeting_id = _meeting(migrated_engine)
    item = _item_ids(migrated_engine, meeting_id)[0]
    recorded = _record(migrated_engine, item, deadline=HELD_ON)
    assert recorded.task_code == "KL-20261120-1"  # type: ignore[attr-defined]


def test_task_codes_count_per_meeting_day(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        assert next_task_code(conn, date(2026, 1, 2)) == "KL-20260102-1"


def test_removing_a_meeting_removes_its_items_and_conclusions(migrated_engine: Engine) -> None:
    meeting_id = _meeting(migrated_engine)
    _record(migrated_engine, _item_ids(migrated_engine, meeting_id)[0])
    with migrated_engine.begin() as conn:
        conn.execute(Meeting.__table__.delete().where(Meeting.id == meeting_id))
    with migrated_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(MeetingItem)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(MeetingConclusion)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(Task)).scalar_one() == 1  # kept


def test_replacing_the_demo_data_removes_the_meetings_that_discussed_it(
    migrated_engine: Engine,
) -> None:
    # The regeneration deletes every task; the conclusions pointing at them go first.
    from data.demo.load import delete_operational_rows

    meeting_id = _meeting(migrated_engine)
    _record(migrated_engine, _item_ids(migrated_engine, meeting_id)[0])
    with migrated_engine.begin() as conn:
        delete_operational_rows(conn)  # foreign keys enforced on both databases
    assert list_meetings(migrated_engine) == []
    assert _counts(migrated_engine) == (0, 0, 0, 0)
