"""Administration: what the database holds and how it was loaded (never its address or paths),
and the publication of a month's results."""

from __future__ import annotations

import streamlit as st

from common.spreadsheet import neutralise_formulas
from ui.admin import backend_name, batches_table, publication_section, timestamp
from ui.components import page_header
from ui.loaders import load_database_info, load_dataset_status, load_import_batches
from ui.text import num, t

page_header("page.admin", "admin.caption")

database = load_database_info()
status = load_dataset_status()
st.subheader(t("admin.database"))
cols = st.columns(3)
cols[0].metric(t("admin.backend"), backend_name(database.backend))
cols[1].metric(t("admin.schema_revision"), database.schema_revision or "–")
cols[2].metric(t("admin.last_load"), timestamp(status.last_loaded_at))
st.caption(t("admin.database_note"))

st.subheader(t("admin.contents"))
count_cols = st.columns(len(status.row_counts))
for col, (table, count) in zip(count_cols, status.row_counts.items(), strict=True):
    col.metric(t(f"admin.table.{table}"), num(count))

st.subheader(t("admin.batches"))
batches = load_import_batches()
if batches.empty:
    st.info(t("admin.no_batches"))
else:
    st.dataframe(neutralise_formulas(batches_table(batches)), hide_index=True, width="stretch")

publication_section()

st.subheader(t("admin.regenerate"))
st.markdown(t("admin.regenerate_help"))
st.code("python -m data.demo --seed 20250701 --scale 1", language="bash")
