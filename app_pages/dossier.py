"""Unit dossier: one commune or ward. Registry facts now; scores arrive with the metrics layer."""

from __future__ import annotations

import streamlit as st

from ui.components import not_built_yet, page_header
from ui.loaders import load_units
from ui.selection import SELECTED_UNIT_KEY, URL_PARAM, sync_selected_unit
from ui.text import num, t

page_header("dossier.title", "dossier.caption")

units = load_units().set_index("code")
unknown = sync_selected_unit(set(units.index))
if unknown:
    st.warning(t("dossier.unknown_unit", code=unknown), icon=":material/help:")

code = st.selectbox(
    t("dossier.choose_unit"),
    list(units.index),
    index=None,
    format_func=lambda c: f"{units.at[c, 'full_name']} ({c})",
    placeholder=t("dossier.choose_placeholder"),
    key=SELECTED_UNIT_KEY,
)
if code:
    st.query_params[URL_PARAM] = code
elif URL_PARAM in st.query_params:
    del st.query_params[URL_PARAM]

if code is None:
    st.info(t("dossier.pick_hint"), icon=":material/touch_app:")
    st.stop()

unit = units.loc[code]
st.header(unit["full_name"])
cols = st.columns(4)
cols[0].metric(t("dossier.code"), code)
cols[1].metric(t("dossier.peer_group"), t(f"peer_group.{unit['peer_group']}"))
cols[2].metric(t("home.population"), num(unit["population"]))
cols[3].metric(t("dossier.area"), t("unit.km2", value=num(unit["area_km2_official"], 2)))
with st.expander(t("dossier.formed_from")):
    st.write(unit["formed_from"])

for section in ("dossier.score", "page.tasks", "page.feedback", "page.infrastructure"):
    st.subheader(t(section))
    not_built_yet(section)
