"""Citizen feedback backlog: who is late, and whether answers satisfy people."""

from __future__ import annotations

import streamlit as st

from metrics.feedback_board import FeedbackFilters
from metrics.feedback_cases import CaseState
from ui.charts import show_chart
from ui.components import lazy_tabs, literal, page_header
from ui.export import Words
from ui.feedback import (
    ALL,
    CASE_CODE_LIMIT,
    CASE_PARAM,
    FeedbackTable,
    ageing_table,
    case_code_input,
    case_list_table,
    category_choices,
    category_table,
    filter_lines,
    instant_text,
    measure_cards,
    month_choices,
    month_labels,
    show_case,
    show_case_map,
    show_measure_cards,
    show_state_cards,
    split_questions,
    state_cards,
    state_labels,
    table_download,
    trend_figure,
    trend_table,
    unit_backlog_table,
    unrouted_table,
    weekly_figure,
    weekly_table,
)
from ui.loaders import load_case_detail, load_feedback_board, load_feedback_options, load_units
from ui.tasks import new_selection, picked_rows, rows_open_the_dossier, show_table
from ui.text import current_language, num, t
from ui.url_state import url_filter

PENDING_CATEGORY = "_feedback_pending_category"  # a category row's (group, category)
BACKLOG_TABS = "feedback_backlog_tab"  # the open tab of the backlog: by unit / by category
LIST_TABS = "feedback_list_tab"  # the open tab of the lists: oldest / neglected
CHART_TABS = "feedback_chart_tab"  # the chart shown: ageing / per week / per month
UNROUTED_LIST = "feedback_unrouted_open"  # whether the unrouted list is unfolded


page_header("page.feedback", "feedback.caption")
options = load_feedback_options()
if options.as_of is None:
    st.info(t("feedback.no_data"), icon=":material/forum:")
    st.stop()

words = Words(current_language())
units = load_units()
unit_names = dict(zip(units["code"].astype(str), units["full_name"].astype(str), strict=True))
caption = st.empty()  # the instant judged and the window, once the board is loaded
notices = st.container()  # unknown filter values from the link

# --- filters (kept in the URL, as on the tasks page) --------------------------------------------
if (pending := st.session_state.pop(PENDING_CATEGORY, None)) is not None:
    st.session_state["filter_group"], st.session_state["filter_category"] = pending
months = month_choices(options)
chosen: dict[str, str] = {}


def pick(
    param: str, choices: list[str], labels: dict[str, str], column: object, label: str = ""
) -> str:
    def unknown(value: str, default: str) -> str:
        return t("feedback.unknown_filter", param=param, value=literal(value), default=default)

    return url_filter(
        t(label or f"feedback.filter.{param}"),
        choices,
        param=param,
        labels=labels,
        container=column,
        notices=notices,
        unknown=unknown,
    )


columns = st.columns([1.5, 1.3, 1.4, 1.4, 1.0])
chosen["month"] = pick(
    "month", list(months), month_labels(months, options.as_of, words), columns[0]
)
chosen["unit"] = pick(
    "unit", [ALL, *unit_names], {ALL: t("feedback.all"), **unit_names}, columns[1]
)
groups = {g: g for g in options.groups}
chosen["group"] = pick("group", [ALL, *groups], {ALL: t("feedback.all"), **groups}, columns[2])
categories = category_choices(options, None if chosen["group"] == ALL else chosen["group"])
chosen["category"] = pick(
    "category",
    [ALL, *categories],
    {ALL: t("feedback.all"), **{c: c for c in categories}},
    columns[3],
)
states = state_labels(words)
chosen["state"] = pick(
    "state",
    [ALL, *states],
    {ALL: t("feedback.all"), **states},
    columns[4],
    label="feedback.filter.state_short",
)


def _or_none(value: str) -> str | None:
    return None if value == ALL else value


if chosen["state"] != ALL:
    st.caption(t("feedback.state_scope"))
filters = FeedbackFilters(
    period=months[chosen["month"]],
    unit_code=_or_none(chosen["unit"]),
    category_group=_or_none(chosen["group"]),
    category=_or_none(chosen["category"]),
    state=None if chosen["state"] == ALL else CaseState(chosen["state"]),
)
board = load_feedback_board(filters)
active = filter_lines(
    filters, as_of=board.as_of, is_latest=board.is_latest, units=unit_names, words=words
)
caption.caption(
    t(
        "feedback.caption_as_of",
        instant=instant_text(board.as_of, board.is_latest, words),
        data=words.when(board.data_as_of),
        first=words.month(board.window[0]) if board.window else "–",
        last=words.month(board.window[1]) if board.window else "–",
    )
)
for note in board.notes:
    st.info(t(note), icon=":material/info:")


def downloads(table: FeedbackTable, name_key: str, stem: str, key: str) -> None:
    table_download(
        table,
        name=t(name_key),
        stem=stem,
        key=key,
        filters=active,
        as_of=board.as_of,
        data_as_of=board.data_as_of,
        words=words,
    )


# --- headline: the five states, the shares leaders watch ----------------------------------------
show_state_cards(state_cards(board.headline, words))
show_measure_cards(measure_cards(board.headline, words))

# --- the open backlog by unit (each row opens the unit) and by category ------------------------
st.subheader(t("feedback.backlog_title"))
by_unit_tab, by_category_tab = lazy_tabs(
    [t("feedback.by_unit"), t("feedback.by_category")], key=BACKLOG_TABS
)
if by_unit_tab.open:
    with by_unit_tab:
        st.caption(t("feedback.by_unit_hint"))
        unit_table = unit_backlog_table(board.by_unit, words)
        rows_open_the_dossier(unit_table, board.by_unit["unit_code"], "backlog_units")
        downloads(unit_table, "feedback.by_unit", "phan-anh-theo-xa", "units")
if by_category_tab.open:
    with by_category_tab:
        st.caption(t("feedback.by_category_hint"))
        problems, questions = split_questions(board.by_category)
        for frame, title, stem in (
            (problems, "feedback.problems_title", "phan-anh-theo-linh-vuc"),
            (questions, "feedback.questions_title", "hoi-dap-theo-linh-vuc"),
        ):
            st.markdown(f"**{t(title)}**")
            table = category_table(frame, words)
            rows = picked_rows(table, f"backlog_{stem}")
            if new_selection(f"backlog_{stem}", rows) and rows:
                row = frame.iloc[rows[0]]
                st.session_state[PENDING_CATEGORY] = (
                    str(row["category_group"]),
                    str(row["category"]),
                )
                st.rerun()
            downloads(table, title, stem, stem)

# --- ageing, opened against closed, the monthly trend -------------------------------------------
# The charts are drawn when their tab is chosen: the first Vega-Lite chart on a page cost the
# browser more than the rest of the page (loading the chart library: 1.34× the floor with one
# chart, 1.08× with none), so the first tab is the ageing as a table with bars.
ageing_tab, weekly_tab, trend_tab = lazy_tabs(
    [t("feedback.ageing_title"), t("feedback.weekly_title"), t("feedback.trend_title")],
    key=CHART_TABS,
)
if ageing_tab.open:
    with ageing_tab:
        ageing = ageing_table(board.ageing, words)
        show_table(ageing)
        downloads(ageing, "feedback.ageing_title", "tuoi-phan-anh", "ageing")
if weekly_tab.open:
    with weekly_tab:
        show_chart(weekly_figure(board.weekly, words), key="weekly")
        weekly = weekly_table(board.weekly, words)
        downloads(weekly, "feedback.weekly_title", "mo-dong-theo-tuan", "weekly")
if trend_tab.open:
    with trend_tab:
        show_chart(trend_figure(board.trend, words), key="trend")
        downloads(trend_table(board.trend, words), "feedback.trend_title", "xu-huong", "trend")

# --- the oldest open cases and the neglect list (each row opens the case) ------------------------
st.subheader(t("feedback.lists_title"))
oldest_tab, neglected_tab = lazy_tabs(
    [t("feedback.oldest_title"), t("feedback.neglected_title")], key=LIST_TABS
)
for tab, frame, key, stem in (
    (oldest_tab, board.oldest_open, "oldest", "phan-anh-ton-lau-nhat"),
    (neglected_tab, board.neglected, "neglected", "phan-anh-lau-chua-cap-nhat"),
):
    if not tab.open:
        continue
    with tab:
        if frame.empty:
            st.caption(t("feedback.list_none"))
            continue
        st.caption(t(f"feedback.{key}_hint"))
        table = case_list_table(frame, unit_names, board.as_of, words)
        rows = picked_rows(table, f"list_{key}")
        if new_selection(f"list_{key}", rows) and rows:
            st.session_state[f"filter_{CASE_PARAM}"] = str(frame["case_code"].iloc[rows[0]])
        downloads(table, f"feedback.{key}_title", stem, key)

# --- one case: its timeline, its deadline clock, its answer ------------------------------------
st.subheader(t("feedback.view_title"))
code = case_code_input(t("feedback.view_pick"))
if code:
    detail = load_case_detail(code) if len(code) <= CASE_CODE_LIMIT else None
    if detail is None:
        st.warning(t("feedback.unknown_case", value=literal(code)), icon=":material/help:")
    else:
        show_case(detail, unit_names, words, active)

# --- the map of open cases -------------------------------------------------------------------
st.subheader(t("feedback.map_title"))
if board.is_latest:
    show_case_map(board.map_points, words)
else:
    st.caption(t("feedback.note.past_lists"))

# --- the unrouted cases: never dropped ----------------------------------------------------------
st.subheader(t("feedback.unrouted_title", n=num(board.unrouted_total)))
if board.unrouted.empty:
    st.caption(t("feedback.unrouted_none"))
else:
    st.caption(t("feedback.unrouted_hint", shown=num(len(board.unrouted))))
    # Drawn when opened: the page's first table shows sooner (see ui.components.lazy_tabs).
    listed = st.expander(t("feedback.unrouted_open"), key=UNROUTED_LIST, on_change="rerun")
    if listed.open:
        with listed:
            unrouted = unrouted_table(board.unrouted, words)
            show_table(unrouted)
            downloads(unrouted, "feedback.unrouted_name", "phan-anh-chua-giao-don-vi", "unrouted")
