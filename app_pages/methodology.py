"""How units are scored: the catalog and rules arrive with the metrics layer."""

from __future__ import annotations

import streamlit as st

from ui.components import not_built_yet, page_header
from ui.text import t

page_header("page.methodology", "methodology.caption")
not_built_yet("methodology.what")

st.subheader(t("methodology.peer_groups"))
st.markdown(t("methodology.peer_group_rule"))
st.subheader(t("methodology.sources"))
st.markdown(t("methodology.sources_text"))
