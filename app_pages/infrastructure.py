"""5G and digital-infrastructure rollout: every commune centre covered by 2030."""

from __future__ import annotations

import streamlit as st

from metrics.infra_board import InfraFilters
from metrics.site_pipeline import TARGET_DAY
from ui.charts import show_chart
from ui.components import lazy_tabs, literal, page_header
from ui.export import Words
from ui.infrastructure import (
    blocked_table,
    coverage_figure,
    coverage_table,
    durations_table,
    filter_lines,
    funnel_table,
    headline_cards,
    operator_table,
    regression_table,
    show_headline_cards,
    show_site_map,
    site_table,
    stage_labels,
    unchecked_table,
    unit_table,
    will_miss_table,
)
from ui.loaders import load_infra_board, load_infra_options, load_units
from ui.tasks import (
    ALL,
    TaskTable,
    as_of_choices,
    as_of_labels,
    rows_open_the_dossier,
    show_table,
    table_download,
)
from ui.text import current_language, num, t
from ui.url_state import url_filter

COVERAGE_TABS = "infra_coverage_tab"  # the coverage as a table (first) or as a chart
PIPELINE_TABS = "infra_pipeline_tab"  # funnel / by operator / stage durations / blocked
UNIT_TABS = "infra_unit_tab"  # will miss 2030 / every unit
ISSUE_TABS = "infra_issue_tab"  # regressions / sites to check
SITE_TABS = "infra_site_tab"  # the map / the list of sites

page_header("page.infrastructure", "infrastructure.caption")
options = load_infra_options()
words = Words(current_language())
units = load_units()
unit_names = dict(zip(units["code"].astype(str), units["full_name"].astype(str), strict=True))
caption = st.empty()  # the day judged, once the board is loaded
notices = st.container()  # unknown filter values from the link


def pick(
    param: str, choices: list[str], labels: dict[str, str], column: object, label: str = ""
) -> str:
    def unknown(value: str, default: str) -> str:
        return t(
            "infrastructure.unknown_filter", param=param, value=literal(value), default=default
        )

    return url_filter(
        t(label or f"infrastructure.filter.{param}"),
        choices,
        param=param,
        labels=labels,
        container=column,
        notices=notices,
        unknown=unknown,
    )


# --- filters (kept in the URL, as on the tasks page) --------------------------------------------
days = as_of_choices(options)
peer_groups = {g: t(f"peer_group.{g}") for g in options.peer_groups}
everything = t("infrastructure.all")
columns = st.columns([1.4, 1.0, 0.8, 1.2, 1.4, 1.1])
chosen = {
    "as_of": pick("as_of", list(days), as_of_labels(days, words), columns[0]),
    "operator": pick(
        "operator",
        [ALL, *options.operators],
        {ALL: everything, **{o: o for o in options.operators}},
        columns[1],
    ),
    "technology": pick(
        "technology",
        [ALL, *options.technologies],
        {ALL: everything, **{x: x for x in options.technologies}},
        columns[2],
    ),
    "peer_group": pick(
        "peer_group", [ALL, *peer_groups], {ALL: everything, **peer_groups}, columns[3]
    ),
    "unit": pick("unit", [ALL, *unit_names], {ALL: everything, **unit_names}, columns[4]),
}
stages = stage_labels(words)
chosen["stage"] = pick("stage", [ALL, *stages], {ALL: everything, **stages}, columns[5])


def _or_none(value: str) -> str | None:
    return None if value == ALL else value


filters = InfraFilters(
    as_of=days[chosen["as_of"]],
    operator=_or_none(chosen["operator"]),
    technology=_or_none(chosen["technology"]),
    peer_group=_or_none(chosen["peer_group"]),
    unit_codes=() if chosen["unit"] == ALL else (chosen["unit"],),
    stage=_or_none(chosen["stage"]),
)
board = load_infra_board(filters)
active = filter_lines(filters, units=unit_names, peer_groups=peer_groups, words=words)
caption.caption(
    t("infrastructure.caption_as_of", date=words.day(board.as_of), target=words.day(TARGET_DAY))
)
if not board.has_sites:
    st.info(t("infrastructure.no_data"), icon=":material/cell_tower:")
if filters.technology is not None or filters.stage is not None:
    st.caption(t("infrastructure.filter_scope"))


def downloads(table: TaskTable, name_key: str, stem: str, key: str) -> None:
    table_download(
        table,
        name=t(name_key),
        stem=stem,
        key=key,
        filters=active,
        as_of=board.as_of,
        data_as_of=board.as_of,
        words=words,
        page="infrastructure",
    )


def listed(table: TaskTable, name_key: str, stem: str, key: str) -> None:
    """A table with its folded downloads."""
    show_table(table, key=f"infra_{key}")
    downloads(table, name_key, stem, key)


# --- headline: centres with 5G against the glide path, who will miss 2030 ------------------------
show_headline_cards(headline_cards(board.headline, words))

# --- coverage month by month against the straight line to 2030 ----------------------------------
# The table comes first and the chart when its tab is chosen: the first Vega-Lite chart on a page
# costs the browser more than the rest of it (loading the chart library; see the feedback page).
st.subheader(t("infrastructure.coverage_title"))
table_tab, chart_tab = lazy_tabs(
    [t("infrastructure.coverage_table"), t("infrastructure.coverage_chart")], key=COVERAGE_TABS
)
if table_tab.open:
    with table_tab:
        st.caption(t("infrastructure.coverage_hint"))
        listed(
            coverage_table(board.coverage, words),
            "infrastructure.coverage_title",
            "phu-song-5g-theo-thang",
            "coverage",
        )
if chart_tab.open:
    with chart_tab:
        show_chart(coverage_figure(board.coverage, board.glide_to_target, words), key="coverage")

# --- the units: who will miss 2030, and every unit's forecast ------------------------------------
st.subheader(t("infrastructure.units_title"))
miss_tab, all_tab = lazy_tabs(
    [
        t("infrastructure.will_miss_title", n=num(len(board.will_miss))),
        t("infrastructure.all_units_title"),
    ],
    key=UNIT_TABS,
)
if miss_tab.open:
    with miss_tab:
        if board.will_miss.empty:
            st.caption(t("infrastructure.will_miss_none"))
        else:
            st.caption(t("infrastructure.will_miss_hint"))
            missing = will_miss_table(board.will_miss, words)
            rows_open_the_dossier(missing, board.will_miss["unit_code"], "infra_will_miss")
            downloads(missing, "infrastructure.will_miss_name", "se-khong-kip-2030", "will_miss")
if all_tab.open:
    with all_tab:
        st.caption(t("infrastructure.all_units_hint"))
        every = unit_table(board.units, words)
        rows_open_the_dossier(every, board.units["unit_code"], "infra_units")
        downloads(every, "infrastructure.all_units_title", "ha-tang-theo-xa", "units")

# --- the pipeline: stages, operators, how long each stage takes, what is blocked ---------------
st.subheader(t("infrastructure.pipeline_title"))
funnel_tab, operator_tab, durations_tab, blocked_tab = lazy_tabs(
    [
        t("infrastructure.funnel_title"),
        t("infrastructure.operator_title"),
        t("infrastructure.durations_title"),
        t("infrastructure.blocked_title", n=num(board.blocked_total)),
    ],
    key=PIPELINE_TABS,
)
if funnel_tab.open:
    with funnel_tab:
        st.caption(t("infrastructure.funnel_hint"))
        listed(
            funnel_table(board.funnel, words),
            "infrastructure.funnel_title",
            "tram-theo-giai-doan",
            "funnel",
        )
if operator_tab.open:
    with operator_tab:
        listed(
            operator_table(board.by_operator, words),
            "infrastructure.operator_title",
            "tram-theo-doanh-nghiep",
            "operator",
        )
if durations_tab.open:
    with durations_tab:
        st.caption(t("infrastructure.durations_hint"))
        listed(
            durations_table(board.durations, words),
            "infrastructure.durations_title",
            "thoi-gian-moi-giai-doan",
            "durations",
        )
if blocked_tab.open:
    with blocked_tab:
        if board.slowest_blocked.empty:
            st.caption(t("infrastructure.blocked_none"))
        else:
            st.caption(
                t(
                    "infrastructure.blocked_hint",
                    shown=num(len(board.slowest_blocked)),
                    total=num(board.blocked_total),
                )
            )
            listed(
                blocked_table(board.slowest_blocked, words),
                "infrastructure.blocked_name",
                "tram-vuong-mac",
                "blocked",
            )

# --- the sites: on the map by stage, or as a list ----------------------------------------------
st.subheader(t("infrastructure.sites_title"))
map_tab, list_tab = lazy_tabs(
    [t("infrastructure.map_title"), t("infrastructure.site_list_title")], key=SITE_TABS
)
if map_tab.open:
    with map_tab:
        show_site_map(board.sites, words)
if list_tab.open:
    with list_tab:
        listed(
            site_table(board.sites, words),
            "infrastructure.site_list_title",
            "danh-sach-tram",
            "sites",
        )

# --- what needs attention: regressions, imported sites to check --------------------------------
st.subheader(t("infrastructure.issues_title"))
regression_tab, unchecked_tab = lazy_tabs(
    [
        t("infrastructure.regressions_title", n=num(len(board.regressions))),
        t("infrastructure.unchecked_title", n=num(board.headline.unchecked)),
    ],
    key=ISSUE_TABS,
)
if regression_tab.open:
    with regression_tab:
        if board.regressions.empty:
            st.caption(t("infrastructure.regressions_none"))
        else:
            st.caption(t("infrastructure.regressions_hint"))
            listed(
                regression_table(board.regressions, words),
                "infrastructure.regressions_name",
                "tram-lui-giai-doan",
                "regressions",
            )
if unchecked_tab.open:
    with unchecked_tab:
        if board.unchecked.empty:
            st.caption(t("infrastructure.unchecked_none"))
        else:
            st.caption(t("infrastructure.unchecked_hint"))
            listed(
                unchecked_table(board.unchecked, words),
                "infrastructure.unchecked_name",
                "tram-can-kiem-tra",
                "unchecked",
            )
