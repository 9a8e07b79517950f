"""Meeting mode in AppTest, on a demo database of its own (the test records tasks).

Meeting mode is the presentation page's first tab, opened through app.py like every page test.
The database is built by the real app first (schema, demo data, scores).

The must-show test: set up a meeting, step through it, record a conclusion on an item as a
task, find the task in the tasks page's register (AppTest on the real app) and as the first
item — the follow-up — of the next meeting's agenda.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data.db import get_engine
from data.meetings import list_meetings, read_meeting
from data.models import MeetingConclusion, Task
from data.settings import load_settings
from i18n import translate
from metrics.task_board import TaskFilters, task_board
from tests.app.conftest import open_app
from ui.preparation import worker_for

PRESENTATION = "app_pages/presentation.py"  # its first tab, "Cuộc họp", is meeting mode
TASKS = "app_pages/tasks.py"


@pytest.fixture
def meeting_app(own_app: Path) -> str:
    """The database built by the real app, its background scoring finished (the test records
    tasks, so it has a database of its own)."""
    at = open_app()
    assert not at.exception
    worker_for(load_settings()).wait()
    return PRESENTATION


def markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def step_text(at: AppTest) -> str:
    return next(m for m in markdown(at) if m.startswith("### Mục "))


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on screen with that column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def set_up_meeting(at: AppTest, by: str = "Thư ký BCĐ") -> AppTest:
    at.text_input(key="meeting_new_by").input(by)
    return at.button(key="meeting_new_submit").click().run()


def current_item_id(at: AppTest) -> int:
    """The item shown: its conclusion form's widgets are keyed by the item's id."""
    key = next(a.key for a in at.text_area if a.key and a.key.startswith("meeting_text_"))
    return int(key.rsplit("_", 1)[1])


def test_meeting_mode_records_a_conclusion_that_the_register_and_next_agenda_show(
    meeting_app: str,
) -> None:
    at = open_app(meeting_app)
    assert not at.exception
    assert any("Chưa có cuộc họp nào" in i.value for i in at.info)

    # --- set up the first meeting: the newest scored month, today ---------------------------
    at = set_up_meeting(at)
    assert not at.exception, at.exception
    meetings = list_meetings(get_engine())
    assert len(meetings) == 1
    first = read_meeting(get_engine(), meetings[0].id)
    assert first is not None and len(first.items) > 1
    count = len(first.items)
    assert step_text(at) == f"### Mục 1/{count}"
    assert at.query_params["item"] == "1"

    # --- step forward and back with the presenter's buttons (Page Down / Page Up) ------------
    at = at.button(key="meeting_next").click().run()
    assert step_text(at) == f"### Mục 2/{count}"
    assert at.query_params["item"] == "2"
    at = at.button(key="meeting_prev").click().run()
    assert step_text(at) == f"### Mục 1/{count}"
    assert at.button(key="meeting_prev").disabled

    # --- a conclusion with no leader is refused, naming the field; nothing is written -------
    item_id = current_item_id(at)
    assert item_id == int(first.items["item_id"].iloc[0])
    at.text_area(key=f"meeting_text_{item_id}").input("Hoàn thành trạm 5G tại trung tâm xã")
    at = at.button(key=f"meeting_record_{item_id}").click().run()
    errors = [e.value for e in at.error]
    assert "Người chịu trách nhiệm: chưa nhập." in errors
    with get_engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(MeetingConclusion)).scalar_one() == 0

    # --- recorded with a leader: the new task's code is shown --------------------------------
    owner = "22015"  # Phường Tuy Hòa
    at.selectbox(key=f"meeting_unit_{item_id}").set_value(owner)
    at.text_input(key=f"meeting_leader_{item_id}").input("Nguyễn Văn Minh")
    at = at.button(key=f"meeting_record_{item_id}").click().run()
    assert not at.exception
    today = date.today()
    code = f"KL-{today:%Y%m%d}-1"
    assert any(code in s.value for s in at.success), [s.value for s in at.success]
    with get_engine().connect() as conn:
        task = conn.execute(select(Task).where(Task.code == code)).one()
    assert task.start_date == today and task.deadline == today + timedelta(days=30)
    assert task.responsible_leader == "Nguyễn Văn Minh"
    assert at.text_area(key=f"meeting_text_{item_id}").value == ""  # ready for the next one
    listed = table_with(at, "Mã nhiệm vụ")  # the item's conclusions
    assert listed["Mã nhiệm vụ"].tolist() == [code]

    # --- the task register: the metrics layer's board and the tasks page itself -------------
    board = task_board(get_engine(), TaskFilters(as_of=today))
    row = board.register[board.register["task_code"] == code]
    assert row["unit_code"].tolist() == [owner]
    assert row["status"].tolist() == ["not_started"]
    tasks_page = open_app(TASKS)
    assert not tasks_page.exception
    register = tasks_page.dataframe(key="task_register").value
    code_column = translate("tasks.col.code", "vi")
    assert code in register[code_column].tolist()
    shown = register[register[code_column] == code].iloc[0]
    assert shown[translate("tasks.col.unit", "vi")] == "Phường Tuy Hòa"

    # --- the next meeting opens with the follow-up of that conclusion -----------------------
    at = open_app(meeting_app)
    at.expander[0]  # the set-up form is drawn (folded: meetings exist)
    at = set_up_meeting(at)
    assert not at.exception
    newest = list_meetings(get_engine())[0]
    second = read_meeting(get_engine(), newest.id)
    assert second is not None and newest.id != first.header.id
    opening = second.items.iloc[0]
    assert opening["kind"] == "follow_up"
    assert opening["figures"]["task_code"] == code
    assert opening["figures"]["status"] == "not_started"  # the task board's status
    assert opening["unit_code"] == owner
    assert (second.items["kind"] == "follow_up").sum() == 1
    # On screen: the new meeting is picked, item 1 is the follow-up.
    assert at.selectbox(key="filter_meeting").value == str(newest.id)
    assert step_text(at) == f"### Mục 1/{len(second.items)}"
    assert any(m.startswith(f"#### Kết luận {re.escape(code)}") for m in markdown(at))


def test_the_first_meeting_lists_what_the_data_shows_in_agenda_order(meeting_app: str) -> None:
    at = set_up_meeting(open_app(meeting_app))
    assert not at.exception
    stored = read_meeting(get_engine(), list_meetings(get_engine())[0].id)
    assert stored is not None
    order = [
        "follow_up",
        "turned_red",
        "dropped",
        "overdue_task",
        "escalation",
        "feedback_overdue",
        "will_miss_5g",
    ]
    kinds = stored.items["kind"].tolist()
    assert "follow_up" not in kinds  # no earlier meeting
    assert kinds == sorted(kinds, key=order.index)  # sections in agenda order
    # Five at most of each list; every unit that turned red is listed.
    assert all(pd.Series([k for k in kinds if k != "turned_red"]).value_counts() <= 5)
    table = table_with(at, "Vì sao đưa ra họp")
    assert table["Mục"].tolist() == list(range(1, len(kinds) + 1))
