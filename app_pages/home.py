"""Home: the 102 units at a glance. The heat map arrives with the metrics layer."""

from __future__ import annotations

import streamlit as st

from metrics import count_units
from ui.components import not_built_yet, page_header
from ui.loaders import load_units
from ui.text import num, t

page_header("home.title", "home.caption")

counts = count_units(load_units())
cols = st.columns(5)
cols[0].metric(t("home.units"), num(counts.total))
cols[1].metric(t("home.phuong"), num(counts.phuong))
cols[2].metric(t("home.xa"), num(counts.xa))
cols[3].metric(t("home.population"), num(counts.population))
cols[4].metric(t("home.area"), t("unit.km2", value=num(counts.area_km2, 1)))

st.subheader(t("home.peer_groups"))
peer_cols = st.columns(len(counts.by_peer_group))
for col, (group, count) in zip(peer_cols, sorted(counts.by_peer_group.items()), strict=True):
    col.metric(t(f"peer_group.{group}"), num(count))
st.caption(t("home.peer_group_rule"))

st.subheader(t("home.heat_map"))
not_built_yet("home.heat_map_what")
