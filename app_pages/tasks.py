"""Action-Plan task progress (01-KH/BCĐ): who is late, and who answers for it."""

from __future__ import annotations

import streamlit as st

from metrics import default_catalog
from metrics.task_board import TaskBucket, TaskFilters
from ui.charts import show_chart
from ui.components import literal, page_header
from ui.export import Words
from ui.loaders import (
    load_dataset_status,
    load_task_board,
    load_task_detail,
    load_task_options,
    load_units,
)
from ui.tasks import (
    ALL,
    LATEST,
    TIMELINE_ROWS,
    TaskTable,
    ageing_figure,
    ageing_table,
    as_of_choices,
    as_of_labels,
    bucket_cards,
    checkin_table,
    department_labels,
    department_table,
    escalation_table,
    extension_table,
    facts_table,
    filter_lines,
    incomplete_table,
    indicator_figure,
    leader_table,
    new_selection,
    not_moving_text,
    overdue_share_card,
    picked_rows,
    plain,
    register_table,
    rows_open_the_dossier,
    show_bucket_cards,
    show_table,
    status_labels,
    table_download,
    task_picker_options,
    timeline_figure,
    timeline_rows,
    trend_figure,
    trend_table,
    unit_table,
)
from ui.text import current_language, day, num, t
from ui.url_state import unknown_url_value, url_selectbox

REGISTER_KEY = "task_register"
TASK_PARAM = "task"
NO_TASK = ""  # the task picker's "none chosen"
PENDING_DEPARTMENT = "_tasks_pending_department"


page_header("page.tasks", "tasks.caption")
if load_dataset_status().row_counts.get("tasks", 0) == 0:
    st.info(t("tasks.no_tasks"), icon=":material/task_alt:")
    st.stop()

words = Words(current_language())
catalog = default_catalog()
options = load_task_options()
units = load_units()
caption = st.empty()  # the day judged and the counts, once the board is loaded

# --- filters (kept in the URL, as on the heat map) -------------------------------------------
if (pending := st.session_state.pop(PENDING_DEPARTMENT, None)) is not None:
    st.session_state["filter_dept"] = pending  # a row of the department league table
as_of_map = as_of_choices(options)
unit_names = dict(zip(units["code"].astype(str), units["full_name"].astype(str), strict=True))
departments = department_labels(options, words)
pillars = {k: catalog.pillar(k).label.in_language(words.lang) for k in options.pillars}
statuses = status_labels(words)
FILTERS = {  # param: (options, default, labels)
    "as_of": (list(as_of_map), LATEST, as_of_labels(as_of_map, words)),
    "dept": ([ALL, *departments], ALL, {ALL: t("tasks.all"), **departments}),
    "pillar": ([ALL, *pillars], ALL, {ALL: t("tasks.all"), **pillars}),
    "unit": ([ALL, *unit_names], ALL, {ALL: t("tasks.all"), **unit_names}),
    "status": ([ALL, *statuses], ALL, {ALL: t("tasks.all"), **statuses}),
}
for param, (choices, default, labels) in FILTERS.items():
    if (bad := unknown_url_value(param, choices)) is not None:
        st.warning(
            t("tasks.unknown_filter", param=param, value=literal(bad), default=labels[default]),
            icon=":material/filter_alt_off:",
        )
chosen: dict[str, str] = {}
for column, (param, (choices, default, labels)) in zip(
    st.columns([1.4, 1.2, 1.2, 1.3, 1.3]), FILTERS.items(), strict=True
):
    chosen[param] = url_selectbox(
        t(f"tasks.filter.{param}"),
        choices,
        param=param,
        default=default,
        labels=labels,
        container=column,
    )


def _or_none(value: str) -> str | None:
    return None if value == ALL else value


filters = TaskFilters(
    as_of=as_of_map[chosen["as_of"]],
    department=_or_none(chosen["dept"]),
    pillar=_or_none(chosen["pillar"]),
    unit=_or_none(chosen["unit"]),
    status=None if chosen["status"] == ALL else TaskBucket(chosen["status"]),
)
board = load_task_board(filters)
as_of = filters.as_of
active = filter_lines(
    filters, departments=departments, pillars=pillars, units=unit_names, words=words
)
caption.caption(
    t(
        "tasks.caption_as_of",
        as_of=day(as_of),
        data=day(board.data_as_of),
        n=num(len(board.register)),
        incomplete=num(len(board.incomplete)),
    )
)


def downloads(table: TaskTable, name_key: str, stem: str, key: str) -> None:
    table_download(
        table,
        name=t(name_key),
        stem=stem,
        key=key,
        filters=active,
        as_of=as_of,
        data_as_of=board.data_as_of,
        words=words,
    )


# --- headline: the five buckets, the overdue share and its trend, the ageing -------------------
show_bucket_cards(bucket_cards(board.buckets, words))

trend_side, ageing_side = st.columns([1.4, 1])
with trend_side:
    share = overdue_share_card(board.trend, words)
    st.metric(
        share.label,
        share.value,
        share.delta,
        delta_color="inverse",
        help=t("tasks.overdue_share_help"),
        border=True,
    )
    if len(board.trend):
        show_chart(trend_figure(board.trend, words), key="trend")
    downloads(trend_table(board.trend, words), "tasks.trend_title", "ty-le-qua-han", "trend")
with ageing_side:
    st.markdown(f"**{t('tasks.ageing_title')}**")
    ageing = ageing_table(board.ageing, words)
    show_chart(ageing_figure(ageing, words), key="ageing")
    downloads(ageing, "tasks.ageing_title", "tuoi-qua-han", "ageing")

# --- escalations first: what a unit cannot solve alone ----------------------------------------
st.subheader(t("tasks.escalations_title", n=num(len(board.escalations))))
if board.escalations.empty:
    st.caption(t("tasks.escalations_none"))
else:
    escalations = escalation_table(board.escalations, as_of, words)
    show_table(escalations)
    downloads(escalations, "tasks.escalations_name", "vuot-tham-quyen", "escalations")

# --- league tables: each row opens that unit -----------------------------------------------------
st.subheader(t("tasks.league_title"))
by_department, by_unit = st.tabs([t("tasks.league_departments"), t("tasks.league_units")])
with by_department:
    st.caption(t("tasks.league_departments_hint"))
    departments_table = department_table(board.by_department, words)
    chosen_rows = picked_rows(departments_table, "league_departments")
    if new_selection("league_departments", chosen_rows) and chosen_rows:
        # The department filter is already drawn in this run: set it at the top of the next.
        st.session_state[PENDING_DEPARTMENT] = str(
            board.by_department["lead_code"].iloc[chosen_rows[0]]
        )
        st.rerun()
    downloads(departments_table, "tasks.league_departments", "nhiem-vu-theo-so", "departments")
with by_unit:
    st.caption(t("tasks.league_units_hint"))
    units_table = unit_table(board.by_unit, words)
    rows_open_the_dossier(units_table, board.by_unit["unit_code"], "league_units")
    downloads(units_table, "tasks.league_units", "nhiem-vu-theo-xa", "units")

# --- the register, and one task in full -----------------------------------------------------------
st.subheader(t("tasks.register_title", n=num(len(board.register))))
register = register_table(board.register, catalog, words)
register_rows = picked_rows(register, REGISTER_KEY)
downloads(register, "tasks.register_name", "so-theo-doi-nhiem-vu", "register")
ids = board.register["assignment_id"].astype(int).astype(str).tolist()
if new_selection(REGISTER_KEY, register_rows) and register_rows:
    st.session_state[f"filter_{TASK_PARAM}"] = ids[register_rows[0]]  # the picker follows

wanted = st.session_state.get(f"filter_{TASK_PARAM}") or st.query_params.get(TASK_PARAM)
task_choices, task_labels, cut = task_picker_options(board.register, wanted, words)
if (bad := unknown_url_value(TASK_PARAM, [NO_TASK, *ids])) is not None:
    st.warning(t("tasks.unknown_task", value=literal(bad)), icon=":material/help:")
task_choice = url_selectbox(
    t("tasks.pick"),
    [NO_TASK, *task_choices],
    param=TASK_PARAM,
    default=NO_TASK,
    labels={NO_TASK: t("tasks.pick_none"), **task_labels},
)
if cut:
    st.caption(t("tasks.pick_cut", shown=num(len(task_choices)), n=num(len(ids))))

if task_choice != NO_TASK:
    detail = load_task_detail(int(task_choice), as_of)
    if detail is None:
        st.warning(t("tasks.unknown_task", value=literal(task_choice)), icon=":material/help:")
    else:
        row = detail.row
        with st.container(border=True):
            title = row["title_en"] if words.lang == "en" else row["title_vi"]
            st.markdown(f"#### {plain(str(row['task_code']))} · {plain(str(title))}")
            flag = not_moving_text(detail.not_moving, catalog, words)
            if flag:
                st.warning(flag, icon=":material/trending_flat:")
            left, right = st.columns([1, 1.2])
            with left:
                show_table(facts_table(row, catalog, words))
            with right:
                st.markdown(f"**{t('tasks.indicators_title')}**")
                if detail.indicators.empty:
                    st.caption(t("tasks.indicators_none"))
                else:
                    show_chart(indicator_figure(detail.indicators, words), key="task_indicators")
            st.markdown(f"**{t('tasks.checkins_title')}**")
            if detail.checkins.empty:
                st.caption(t("tasks.checkins_none"))
            else:
                show_table(checkin_table(detail.checkins, words))
            st.markdown(f"**{t('tasks.extensions_title')}**")
            if detail.extensions.empty:
                st.caption(t("tasks.extensions_none"))
            else:
                show_table(extension_table(detail.extensions, words))

# --- timeline of one lead unit's or one commune's tasks ------------------------------------------
st.subheader(t("tasks.timeline_title"))
if filters.department is None and filters.unit is None:
    st.info(t("tasks.timeline_hint"), icon=":material/timeline:")
else:
    drawn = timeline_rows(board.register)
    if drawn.empty:
        st.caption(t("tasks.timeline_none"))
    else:
        show_chart(timeline_figure(drawn, as_of, words), key="timeline")
        if len(board.register) > TIMELINE_ROWS:
            st.caption(t("tasks.timeline_cut", shown=num(len(drawn)), n=num(len(board.register))))

# --- accountability, and the records that cannot be judged ---------------------------------------
st.subheader(t("tasks.accountability_title"))
st.caption(t("tasks.accountability_hint"))
leaders = leader_table(board.by_leader, words)
show_table(leaders)
downloads(leaders, "tasks.accountability_title", "trach-nhiem-ca-nhan", "leaders")

st.subheader(t("tasks.incomplete_title", n=num(len(board.incomplete))))
if board.incomplete.empty:
    st.caption(t("tasks.incomplete_none"))
else:
    st.caption(t("tasks.incomplete_hint"))
    incomplete = incomplete_table(board.incomplete, words)
    show_table(incomplete)
    downloads(incomplete, "tasks.incomplete_title_plain", "ho-so-chua-du", "incomplete")
