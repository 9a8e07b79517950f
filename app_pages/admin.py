"""Administration: what the database holds and where it is."""

from __future__ import annotations

import streamlit as st

from data.db import get_engine, safe_url
from data.migrate import current_revision
from ui.components import page_header
from ui.loaders import load_dataset_status, load_import_batches
from ui.text import day, num, t

page_header("page.admin", "admin.caption")

engine = get_engine()
st.subheader(t("admin.database"))
cols = st.columns(3)
cols[0].metric(t("admin.backend"), engine.dialect.name)
cols[1].metric(t("admin.schema_revision"), current_revision(engine) or "–")
cols[2].metric(t("admin.last_load"), day(load_dataset_status().last_loaded_at))
st.code(safe_url(str(engine.url)), language=None)

st.subheader(t("admin.contents"))
counts = load_dataset_status().row_counts
count_cols = st.columns(len(counts))
for col, (table, count) in zip(count_cols, counts.items(), strict=True):
    col.metric(t(f"admin.table.{table}"), num(count))

st.subheader(t("admin.batches"))
batches = load_import_batches()
st.dataframe(
    batches.rename(columns=lambda c: t(f"admin.batch.{c}")),
    hide_index=True,
    width="stretch",
)
st.subheader(t("admin.regenerate"))
st.markdown(t("admin.regenerate_help"))
st.code("python -m data.demo --seed 20250701 --scale 1", language="bash")
