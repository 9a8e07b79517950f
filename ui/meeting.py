"""Meeting mode (chế độ cuộc họp): pick or set up a meeting, its agenda, the presenter view.

One public entry, :func:`show_meeting_mode`, drawn inside the presentation page's meeting tab.
The agenda is built once, when the meeting is set up (``metrics.meetings.create_meeting``), and
read back as stored: a past meeting shows the figures it was held on. The presenter view steps
through the items with two real buttons (Tab reaches them; Page Up / Page Down, what a
presentation clicker sends, press them) and records a conclusion on the item shown as a task
(``data.meetings.record_conclusion``). The meeting and the item shown are kept in the session
and in the URL (``?meeting=<id>&item=<n>``), so a reload or a copied link opens the same item.

After a conclusion is recorded, the data version has moved (the task is an import batch): the
store state is asked again at once (``ui.loaders.forget_store_state``), so the tasks page's
caches, keyed on the data version, read the new task on its next run.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from common.spreadsheet import neutralise_formulas
from data.db import get_engine
from data.meetings import (
    InvalidConclusion,
    InvalidMeeting,
    MeetingHeader,
    Problem,
    StoredMeeting,
    list_meetings,
    read_meeting,
    record_conclusion,
)
from data.meetings import departments as read_departments
from i18n import table
from metrics.meetings import ItemKind, create_meeting
from ui.export import Words
from ui.loaders import forget_store_state, load_periods, load_units, page_loader, store_state
from ui.tasks import plain
from ui.text import current_language, day, month, num, t
from ui.url_state import url_selectbox

MEETING_PARAM = "meeting"  # ?meeting=<id>; the picker's widget key is "filter_meeting"
ITEM_PARAM = "item"  # ?item=<n>, 1-based as on screen
PICK_KEY = f"filter_{MEETING_PARAM}"
PENDING_PICK = "_meeting_pending_pick"  # a meeting just set up: picked at the next run's top
STEP_KEY = "meeting_step"  # session: (meeting id, 0-based item index)
PICKED_KEY = "_meeting_agenda_row"  # session: the agenda row last acted on
DONE_KEY = "_meeting_recorded"  # session: (item id, task code) of the last conclusion recorded
DOSSIER_PAGE = "app_pages/dossier.py"
TASKS_PAGE = "app_pages/tasks.py"
PREVIOUS_SHORTCUT, NEXT_SHORTCUT = "PageUp", "PageDown"  # a presentation clicker's two keys
DEFAULT_DEADLINE_DAYS = 30
DEFAULT_DEPARTMENT = "SKHCN"  # the Department of Science and Technology: the committee's office
MEETING_TTL_S = 60  # other viewers see a new meeting or conclusion within a minute


# --- loaders (small keys; every cache with a TTL and a size) ------------------------------------


@st.cache_data(ttl=MEETING_TTL_S, max_entries=4, show_spinner=False)
def _meetings(url: str) -> list[MeetingHeader]:
    del url  # cache key only
    return list_meetings(get_engine())


@st.cache_data(ttl=MEETING_TTL_S, max_entries=16, show_spinner=False)
def _meeting(url: str, meeting_id: int) -> StoredMeeting | None:
    del url
    return read_meeting(get_engine(), meeting_id)


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _departments(url: str, version: int) -> pd.DataFrame:
    del url, version
    return read_departments(get_engine())


@page_loader
def load_meetings() -> list[MeetingHeader]:
    """Every meeting, newest first."""
    return _meetings(str(get_engine().url))


@page_loader
def load_meeting(meeting_id: int) -> StoredMeeting | None:
    return _meeting(str(get_engine().url), meeting_id)


@page_loader
def load_departments() -> pd.DataFrame:
    return _departments(str(get_engine().url), store_state()[0])


def forget_meetings() -> None:
    """After a write: this process's viewers read the meetings again, and the new data
    version (a recorded conclusion is a task load) is asked of the database at once."""
    _meetings.clear()
    _meeting.clear()
    forget_store_state()


# --- the texts of an item ----------------------------------------------------------------------


def _iso_day(value: Any) -> date | None:
    return None if not value else date.fromisoformat(str(value)[:10])


def _band(value: Any, words: Words) -> str:
    return words.t(f"band.{value}") if value else "–"


def _status(value: Any, words: Words) -> str:
    key = f"tasks.bucket.{value}"
    return words.t(key) if key in table() else words.t("meeting.status.unknown")


def _stage(value: Any, words: Words) -> str:
    if not value:
        return words.t("meeting.item.will_miss_5g.no_stage")
    return words.t(f"infrastructure.stage.{value}")


def _forecast(figures: Mapping[str, Any], words: Words) -> str:
    middle = _iso_day(figures.get("forecast_middle"))
    if middle is not None:
        return words.day(middle)
    # Why there is no forecast date; the one reason that carries a date has it in ``middle``.
    key = f"infrastructure.why_none.{figures.get('why_none')}"
    if key in table() and "{" not in table()[key]["vi"]:
        return words.t(key)
    return words.t("meeting.forecast_none")


def _who(figures: Mapping[str, Any], words: Words) -> str:
    """The unit a task item is about, or its lead department for a department's own part."""
    lead = figures.get("lead_short_en" if words.lang == "en" else "lead_short_vi")
    return str(figures.get("unit_name") or lead or "–")


def _task_title(figures: Mapping[str, Any], words: Words) -> str:
    return str(figures.get("title_en" if words.lang == "en" else "title_vi") or "–")


def _score_values(figures: Mapping[str, Any], words: Words) -> dict[str, str]:
    change = figures.get("change")
    return {
        "unit": str(figures.get("unit_name") or "–"),
        "now": words.num(figures.get("composite_now"), 1),
        "before": words.num(figures.get("composite_before"), 1),
        "change": words.num(None if change is None else abs(float(change)), 1),
        "period": words.month(_iso_day(figures.get("period"))),
        "baseline": words.month(_iso_day(figures.get("baseline"))),
        "band_now": _band(figures.get("band_now"), words),
        "band_before": _band(figures.get("band_before"), words),
    }


def _follow_up_values(figures: Mapping[str, Any], words: Words) -> dict[str, str]:
    days = figures.get("days_overdue")
    overdue = (
        "" if days is None else words.t("meeting.item.follow_up.overdue", days=words.num(days))
    )
    progress = figures.get("progress_pct")
    return {
        "code": str(figures.get("task_code") or "–"),
        "unit": str(figures.get("unit_name") or "–"),
        "held_on": words.day(_iso_day(figures.get("previous_held_on"))),
        "conclusion": str(figures.get("conclusion") or "–"),
        "deadline": words.day(_iso_day(figures.get("deadline"))),
        "status": _status(figures.get("status"), words),
        "overdue": overdue,
        "progress": "–" if progress is None else f"{words.num(progress)}%",
    }


def _task_values(figures: Mapping[str, Any], words: Words) -> dict[str, str]:
    return {
        "code": str(figures.get("task_code") or "–"),
        "task": _task_title(figures, words),
        "who": _who(figures, words),
        "days": words.num(figures.get("days_overdue")),
        "deadline": words.day(_iso_day(figures.get("deadline"))),
        "person": str(figures.get("responsible_name") or "–"),
        "since": words.day(_iso_day(figures.get("escalated_at"))),
        "note": str(figures.get("escalation_note") or "–"),
        "status": _status(figures.get("status"), words),
        "total": words.num(figures.get("total")),
    }


def _feedback_values(figures: Mapping[str, Any], words: Words) -> dict[str, str]:
    share = figures.get("overdue_pct")
    return {
        "unit": str(figures.get("unit_name") or "–"),
        "overdue": words.num(figures.get("open_overdue")),
        "open": words.num(figures.get("open")),
        "share": "–" if share is None else f"{words.num(share, 1)}%",
        "period": words.month(_iso_day(figures.get("period"))),
    }


def _will_miss_values(figures: Mapping[str, Any], words: Words) -> dict[str, str]:
    return {
        "unit": str(figures.get("unit_name") or "–"),
        "forecast": _forecast(figures, words),
        "stage": _stage(figures.get("stage"), words),
        "since": words.day(_iso_day(figures.get("since"))),
        "days": words.num(figures.get("days_stuck")),
        "total": words.num(figures.get("total")),
    }


_VALUES: dict[ItemKind, Callable[[Mapping[str, Any], Words], dict[str, str]]] = {
    ItemKind.FOLLOW_UP: _follow_up_values,
    ItemKind.TURNED_RED: _score_values,
    ItemKind.DROPPED: _score_values,
    ItemKind.OVERDUE_TASK: _task_values,
    ItemKind.ESCALATION: _task_values,
    ItemKind.FEEDBACK_OVERDUE: _feedback_values,
    ItemKind.WILL_MISS_5G: _will_miss_values,
}


def item_texts(kind: str, figures: Mapping[str, Any], words: Words) -> tuple[str, str]:
    """(title, one-line why with its figures) of a stored item, in ``words``' language."""
    item_kind = ItemKind(kind)
    values = _VALUES[item_kind](figures, words)
    title = words.t(f"meeting.item.{item_kind.value}.title", **values)
    why_key = f"meeting.item.{item_kind.value}.why"
    if item_kind is ItemKind.WILL_MISS_5G and not figures.get("stage"):
        why_key += "_no_stage"  # no site in the pipeline: no stage to be stuck in
    return title, words.t(why_key, **values)


# The figures shown under an item, in this order, each with its label and format.
_FIGURE_ROWS: tuple[tuple[str, str], ...] = (
    ("previous_held_on", "day"),
    ("conclusion", "text"),
    ("task_code", "text"),
    ("unit_name", "text"),
    ("period", "month"),
    ("composite_now", "score"),
    ("band_now", "band"),
    ("baseline", "month"),
    ("composite_before", "score"),
    ("band_before", "band"),
    ("change", "score"),
    ("responsible_name", "text"),
    ("deadline", "day"),
    ("status", "status"),
    ("days_overdue", "count"),
    ("progress_pct", "count"),
    ("escalated_at", "day"),
    ("open_overdue", "count"),
    ("open", "count"),
    ("overdue_pct", "share"),
    ("stage", "stage"),
    ("since", "day"),
    ("days_stuck", "count"),
    ("forecast_middle", "day"),
    ("total", "count"),
)
_LABEL_KEYS = {"unit_name": "meeting.fig.unit", "responsible_name": "meeting.fig.responsible"}


def _figure_text(kind: str, value: Any, words: Words) -> str:
    formats: dict[str, Callable[[Any], str]] = {
        "day": lambda v: words.day(_iso_day(v)),
        "month": lambda v: words.month(_iso_day(v)),
        "score": lambda v: words.num(v, 1),
        "count": lambda v: words.num(v),
        "share": lambda v: f"{words.num(v, 1)}%",
        "band": lambda v: _band(v, words),
        "status": lambda v: _status(v, words),
        "stage": lambda v: _stage(v, words),
        "text": str,
    }
    return formats[kind](value)


def figure_rows(figures: Mapping[str, Any], words: Words) -> pd.DataFrame:
    """The item's stored figures as (label, value) rows, for the presenter view."""
    rows = [
        (
            words.t(_LABEL_KEYS.get(key, f"meeting.fig.{key}")),
            _figure_text(kind, figures[key], words),
        )
        for key, kind in _FIGURE_ROWS
        if figures.get(key) is not None
    ]
    return pd.DataFrame(
        rows, columns=[words.t("meeting.figure.name"), words.t("meeting.figure.value")]
    )


def problem_text(problem: Problem, words: Words) -> str:
    """A refused argument, in the reader's words."""
    key = f"meeting.error.{problem.field}.{problem.reason}"
    return words.t(key) if key in table() else words.t("meeting.error.other", field=problem.field)


# --- picking and setting up a meeting ----------------------------------------------------------


def _pick_meeting(meetings: list[MeetingHeader], words: Words) -> int | None:
    if (pending := st.session_state.pop(PENDING_PICK, None)) is not None:
        st.session_state[PICK_KEY] = pending  # set before the picker is drawn
    if not meetings:
        st.info(t("meeting.none"), icon=":material/groups:")
        return None
    choices = [str(m.id) for m in meetings]
    labels = {
        str(m.id): t("meeting.pick_option", day=day(m.held_on), title=m.title) for m in meetings
    }
    chosen = url_selectbox(
        t("meeting.pick"), choices, param=MEETING_PARAM, labels=labels, default=choices[0]
    )
    return int(chosen)


def _new_meeting_form(has_meetings: bool, words: Words) -> None:
    periods = load_periods()
    with st.expander(t("meeting.new"), expanded=not has_meetings, icon=":material/add:"):
        if not periods:
            st.info(t("meeting.new.no_periods"))
            return
        with st.form("meeting_new", border=False):
            held_on = st.date_input(
                t("meeting.new.held_on"),
                value=date.today(),
                format="DD/MM/YYYY",
                key="meeting_new_day",
            )
            title = st.text_input(
                t("meeting.new.title"),
                value=t("meeting.new.title_default"),
                key="meeting_new_title",
            )
            newest = list(reversed(periods))  # the newest scored month first: the default
            period = st.selectbox(
                t("meeting.new.period"),
                newest,
                format_func=lambda p: words.month(p),
                key="meeting_new_period",
            )
            by = st.text_input(t("meeting.new.created_by"), key="meeting_new_by")
            submitted = st.form_submit_button(
                t("meeting.new.submit"), type="primary", key="meeting_new_submit"
            )
        if submitted:
            _create(held_on if isinstance(held_on, date) else None, period, title, by, words)


def _create(held_on: date | None, period: date, title: str, by: str, words: Words) -> None:
    try:
        with st.spinner(t("meeting.new.submit")):
            meeting_id = create_meeting(get_engine(), held_on, period, title, by)  # type: ignore[arg-type]
    except InvalidMeeting as refused:
        for problem in refused.problems:
            st.error(problem_text(problem, words), icon=":material/error:")
        return
    forget_meetings()
    st.session_state[PENDING_PICK] = str(meeting_id)
    st.session_state[STEP_KEY] = (meeting_id, 0)
    st.rerun()


# --- the agenda and the presenter view ---------------------------------------------------------


def _agenda_table(stored: StoredMeeting, words: Words) -> None:
    counts = collections.Counter(int(i) for i in stored.conclusions["item_id"])
    rows = []
    for item in stored.items.to_dict("records"):
        title, why = item_texts(str(item["kind"]), item["figures"], words)
        rows.append(
            {
                t("meeting.col.position"): int(item["position"]),
                t("meeting.col.kind"): t(f"meeting.kind.{item['kind']}"),
                t("meeting.col.title"): title,
                t("meeting.col.why"): why,
                t("meeting.col.conclusions"): counts.get(int(item["item_id"]), 0),
            }
        )
    st.caption(t("meeting.agenda_pick_hint"))
    picked = st.dataframe(
        neutralise_formulas(pd.DataFrame(rows)),
        hide_index=True,
        width="stretch",
        key=f"meeting_agenda_{stored.header.id}",
        on_select="rerun",
        selection_mode="single-row",
    )
    chosen = picked.selection.rows[0] if picked and picked.selection.rows else None
    # The table keeps reporting its selected row: act on a new choice once, so the presenter's
    # buttons still move on from there.
    if chosen != st.session_state.get(PICKED_KEY):
        st.session_state[PICKED_KEY] = chosen
        if chosen is not None:
            _move(stored.header.id, int(chosen))


def _step(meeting_id: int, count: int) -> int:
    """The item shown (0-based): the session's, else the URL's ``?item=``, else the first."""
    kept = st.session_state.get(STEP_KEY)
    if isinstance(kept, tuple) and kept[0] == meeting_id:
        index = int(kept[1])
    else:
        wanted = st.query_params.get(ITEM_PARAM, "1")
        index = int(wanted) - 1 if wanted.isdigit() else 0
    index = min(max(index, 0), max(count - 1, 0))
    st.session_state[STEP_KEY] = (meeting_id, index)
    st.query_params[ITEM_PARAM] = str(index + 1)
    return index


def _move(meeting_id: int, index: int) -> None:
    st.session_state[STEP_KEY] = (meeting_id, index)


def _presenter(stored: StoredMeeting, words: Words) -> None:
    items = stored.items
    count = len(items)
    st.subheader(t("meeting.presenter"))
    if count == 0:
        st.info(t("meeting.agenda_empty"))
        return
    meeting_id = stored.header.id
    index = _step(meeting_id, count)
    back, where, ahead = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(
        t("meeting.prev"),
        key="meeting_prev",
        icon=":material/arrow_back:",
        disabled=index == 0,
        on_click=_move,
        args=(meeting_id, index - 1),
        help=t("meeting.prev_help"),
        shortcut=PREVIOUS_SHORTCUT,
        width="stretch",
    )
    where.markdown(f"### {t('meeting.step', i=num(index + 1), n=num(count))}")
    ahead.button(
        t("meeting.next"),
        key="meeting_next",
        icon=":material/arrow_forward:",
        icon_position="right",
        type="primary",
        disabled=index == count - 1,
        on_click=_move,
        args=(meeting_id, index + 1),
        help=t("meeting.next_help"),
        shortcut=NEXT_SHORTCUT,
        width="stretch",
    )
    _show_item(stored, items.iloc[index], words)


def _show_item(stored: StoredMeeting, item: pd.Series, words: Words) -> None:
    kind, figures = str(item["kind"]), dict(item["figures"])
    title, why = item_texts(kind, figures, words)
    with st.container(border=True, key="meeting_item"):
        st.caption(t(f"meeting.kind.{kind}"))
        st.markdown(f"#### {plain(title)}")
        st.markdown(plain(why))
        st.markdown(f"**{t('meeting.figures')}**")
        st.dataframe(
            neutralise_formulas(figure_rows(figures, words)), hide_index=True, width="stretch"
        )
        _links(item, figures)
    _conclusions(stored, int(item["item_id"]), words)
    _conclusion_form(stored, item, words)


def _links(item: pd.Series, figures: Mapping[str, Any]) -> None:
    unit = item["unit_code"]
    if unit:
        st.page_link(
            DOSSIER_PAGE,
            label=t("meeting.link.dossier", unit=str(figures.get("unit_name") or unit)),
            icon=":material/description:",
            query_params={"unit": str(unit)},
        )
    assignment = item["assignment_id"]
    if assignment is not None and not pd.isna(assignment):
        st.page_link(
            TASKS_PAGE,
            label=t("meeting.link.task", code=str(figures.get("task_code") or assignment)),
            icon=":material/task_alt:",
            query_params={"task": str(int(assignment))},
        )


def _conclusions(stored: StoredMeeting, item_id: int, words: Words) -> None:
    mine = stored.conclusions[stored.conclusions["item_id"] == item_id]
    st.markdown(f"**{t('meeting.conclusions', n=num(len(mine)))}**")
    if mine.empty:
        st.caption(t("meeting.conclusions_none"))
        return
    shown = pd.DataFrame(
        {
            t("meeting.col.task_code"): mine["task_code"].astype(str).to_numpy(),
            t("meeting.col.conclusion"): mine["text"].astype(str).to_numpy(),
            t("meeting.col.owner"): mine["owner_unit_name"].astype(str).to_numpy(),
            t("meeting.col.leader"): [
                f"{name} ({title})"
                for name, title in zip(mine["leader_name"], mine["leader_title"], strict=True)
            ],
            t("meeting.col.deadline"): [
                words.day(None if pd.isna(d) else pd.Timestamp(d).date()) for d in mine["deadline"]
            ],
        }
    )
    st.dataframe(
        neutralise_formulas(shown), hide_index=True, width="stretch", key="meeting_conclusions"
    )


def _conclusion_form(stored: StoredMeeting, item: pd.Series, words: Words) -> None:
    item_id = int(item["item_id"])
    done = st.session_state.get(DONE_KEY)
    if isinstance(done, tuple) and done[0] == item_id:
        st.success(t("meeting.form.done", code=done[1]), icon=":material/task_alt:")
    units = load_units()
    codes = units["code"].astype(str).tolist()
    names = dict(zip(codes, units["full_name"].astype(str), strict=True))
    found = load_departments()
    departments = found["code"].astype(str).tolist()
    short = found["short_en" if words.lang == "en" else "short_vi"].astype(str)
    department_names = dict(zip(departments, short, strict=True))
    unit = item["unit_code"]
    with st.form(f"meeting_conclusion_{item_id}", border=True):
        st.markdown(f"**{t('meeting.form')}**")
        text = st.text_area(t("meeting.form.text"), key=f"meeting_text_{item_id}", max_chars=300)
        owner = st.selectbox(
            t("meeting.form.unit"),
            codes,
            index=codes.index(unit) if unit in codes else 0,
            format_func=names.__getitem__,
            key=f"meeting_unit_{item_id}",
        )
        left, right = st.columns(2)
        leader = left.text_input(t("meeting.form.leader_name"), key=f"meeting_leader_{item_id}")
        title = right.text_input(
            t("meeting.form.leader_title"),
            value=t("meeting.form.leader_title_default"),
            key=f"meeting_leader_title_{item_id}",
        )
        deadline = left.date_input(
            t("meeting.form.deadline"),
            value=stored.header.held_on + timedelta(days=DEFAULT_DEADLINE_DAYS),
            min_value=stored.header.held_on,
            format="DD/MM/YYYY",
            key=f"meeting_deadline_{item_id}",
        )
        department = right.selectbox(
            t("meeting.form.department"),
            departments,
            index=departments.index(DEFAULT_DEPARTMENT) if DEFAULT_DEPARTMENT in departments else 0,
            format_func=department_names.__getitem__,
            key=f"meeting_department_{item_id}",
        )
        by = st.text_input(
            t("meeting.form.recorded_by"),
            value=stored.header.created_by,
            key=f"meeting_by_{item_id}",
        )
        submitted = st.form_submit_button(
            t("meeting.form.submit"), type="primary", key=f"meeting_record_{item_id}"
        )
    if submitted:
        values = (text, owner, leader, title, deadline, department, by)
        _record(item_id, values, words)


def _record(item_id: int, values: tuple[Any, ...], words: Words) -> None:
    text, owner, leader, title, deadline, department, by = values
    try:
        recorded = record_conclusion(
            get_engine(),
            item_id,
            text,
            owner,
            leader,
            title,
            deadline if isinstance(deadline, date) else None,
            department,
            by,
        )
    except InvalidConclusion as refused:
        st.error(t("meeting.form.failed"), icon=":material/error:")
        for problem in refused.problems:
            st.error(problem_text(problem, words))
        return
    forget_meetings()
    st.session_state[DONE_KEY] = (item_id, recorded.task_code)
    for field in ("text", "leader", "leader_title", "deadline"):
        # An empty form again: pressing the button twice must not record the task twice.
        st.session_state.pop(f"meeting_{field}_{item_id}", None)
    st.rerun()


# --- the entry -----------------------------------------------------------------------------------


def show_meeting_mode() -> None:
    """The meeting tab: pick or set up a meeting, its agenda, and the presenter view."""
    words = Words(current_language())
    st.subheader(t("meeting.heading"))
    st.caption(t("meeting.intro"))
    meetings = load_meetings()
    chosen = _pick_meeting(meetings, words)
    _new_meeting_form(bool(meetings), words)
    if chosen is None:
        return
    stored = load_meeting(chosen)
    if stored is None:  # deleted meanwhile (a demo regeneration): list again
        forget_meetings()
        st.rerun()
        return
    header = stored.header
    st.caption(
        t(
            "meeting.summary",
            day=day(header.held_on),
            period=month(header.period),
            n=num(len(stored.items)),
            by=plain(header.created_by),  # typed by a person: shown as written
        )
    )
    st.markdown(f"**{t('meeting.agenda')}**")
    if stored.items.empty:
        st.info(t("meeting.agenda_empty"))
        return
    _agenda_table(stored, words)
    _presenter(stored, words)
