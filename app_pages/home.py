"""Home: the heat map of the 102 units — where the bright spots and the problems are."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from common.spreadsheet import neutralise_formulas
from geo.maps import base_map, unit_layer
from geo.tilemap import tile_figure
from metrics import PEER_GROUPS, default_catalog
from metrics.bands import DISPLAY_ORDER, Band
from ui.components import band_legend, boundary_notice, literal, page_header
from ui.export import scorecard_download
from ui.heatmap import kpi_scope, metric_delta, tile_cells
from ui.loaders import (
    STATIC_DIR,
    boundaries_preparing,
    load_boundaries,
    load_home_view,
    load_periods,
    load_published_beside,
    load_scorecard,
    load_tile_layout,
    map_geometry_url,
    map_tile_url,
)
from ui.publication import figures_note
from ui.selection import open_dossier, selected_period
from ui.text import current_language, month, num, t
from ui.url_state import unknown_url_value, url_selectbox

ALL = "all"  # the "no filter" choice (a real option: a None option would show no label)

page_header("home.title")
period = selected_period(load_periods())
if period is None:
    st.info(t("home.no_scores"))
    st.stop()
catalog = default_catalog()
caption = st.empty()  # month and unit counts, filled in once the figures are loaded

# --- filters (kept in the URL) ---------------------------------------------------------------
pillar_labels = {p.key: p.label.in_language(current_language()) for p in catalog.pillars}
boundaries = load_boundaries()
geometry_url = map_geometry_url(boundaries.geojson) if boundaries.geojson else None
views = ["map", "tiles"] if geometry_url else ["tiles"]
for param, options in (("pillar", [ALL, *pillar_labels]), ("peer", [ALL, *PEER_GROUPS])):
    if (bad := unknown_url_value(param, options)) is not None:
        st.warning(t("home.unknown_filter", param=param, value=literal(bad)))

filters = st.columns([1, 2, 2])
with filters[0]:
    view_mode = url_selectbox(
        t("home.view"),
        views,
        param="view",
        default=views[0],
        labels={v: t(f"home.view.{v}") for v in views},
    )
with filters[1]:
    pillar = url_selectbox(
        t("home.pillar"),
        [ALL, *pillar_labels],
        param="pillar",
        default=ALL,
        labels={ALL: t("home.all_pillars"), **pillar_labels},
    )
with filters[2]:
    peer = url_selectbox(
        t("home.peer_group"),
        [ALL, *PEER_GROUPS],
        param="peer",
        default=ALL,
        labels={ALL: t("home.all_units"), **{g: t(f"peer_group.{g}") for g in PEER_GROUPS}},
    )
home = load_home_view(
    period,
    None if pillar == ALL else pillar,
    None if peer == ALL else peer,
    with_map=boundaries.geojson is not None,
)
units, view, summary = home.units, home.view, home.summary
beside = load_published_beside(period)
caption.caption(
    t("home.caption_period", period=month(period), version=catalog.version)
    + " · "
    + figures_note(beside)
    + " · "
    + t(
        "home.unit_counts",
        total=num(units.total),
        phuong=num(units.phuong),
        xa=num(units.xa),
        population=num(units.population),
    )
)

# --- KPI cards (over the units and the score the map shows) ------------------------------------
cards = st.columns(5)
cards[0].metric(
    t("home.kpi.average"),
    num(summary.average, 1),
    metric_delta(summary.average_change),
    help=t("home.kpi.average_help"),
    border=True,
)
for col, band in zip(cards[1:], DISPLAY_ORDER, strict=True):
    change = summary.band_changes.get(band)
    col.metric(
        t(f"band.{band}"),
        num(summary.bands[band]),
        None if change is None else metric_delta(change, 0),
        delta_color="off" if band is Band.GREY else ("inverse" if band is Band.RED else "normal"),
        border=True,
    )
st.caption(kpi_scope(summary, pillar_labels.get(pillar), None if peer == ALL else peer))

# --- the map or the tile map, and the ranked lists ----------------------------------------------
main, side = st.columns([3, 1.25])
with main:
    if view_mode == "map":
        layer = unit_layer(
            geometry_url,
            home.map_units or {},
            failure_text=t("home.map_geometry_error"),
        )
        clicked = st_folium(
            base_map(boundaries.geojson, tile_url=map_tile_url()),
            # The units go in as a layer: a filter change swaps it inside the live map frame.
            feature_group_to_add=layer,
            render=False,  # the map renders itself once inside st_folium; the default did it twice
            key="heat_map",
            height=640,
            use_container_width=True,
            returned_objects=["last_active_drawing"],
        )
        feature = (clicked or {}).get("last_active_drawing") or {}
        code = (feature.get("properties") or {}).get("code")
        # The component keeps reporting its last click: act on a click once.
        if code != st.session_state.get("_map_handled"):
            st.session_state["_map_handled"] = code
            if code:
                open_dossier(code)
    else:
        cells = tile_cells(view, load_tile_layout())
        event = st.plotly_chart(
            tile_figure(cells),
            key="tile_map",
            on_select="rerun",
            selection_mode="points",
            config={"displayModeBar": False},
        )
        points = (event or {}).get("selection", {}).get("points", [])
        if points:
            open_dossier(str(points[0]["customdata"][0]))
    band_legend()
    boundary_notice(boundaries, still_preparing=boundaries_preparing)
    if boundaries.geojson is not None and geometry_url is None:
        st.error(t("home.map_static_error", folder=str(STATIC_DIR)))
    elif boundaries.geojson is not None:
        st.caption(t("home.map_credit"))

with side:
    lists = st.tabs([t("home.top10"), t("home.bottom10"), t("home.improved")])
    for tab, key in zip(lists, ("top", "bottom", "improved"), strict=True):
        ranked = home.lists[key]
        with tab:
            picked = st.dataframe(
                neutralise_formulas(ranked.table),
                hide_index=True,
                key=f"list_{key}",
                on_select="rerun",
                selection_mode="single-row",
                width="stretch",
            )
            selected_rows = picked.selection.rows if picked else []
            if selected_rows:
                open_dossier(str(ranked.rows.iloc[selected_rows[0]]["unit_code"]))
    scorecard_download(load_scorecard(period), period, beside)
