"""Router and frame: page config, language, database gate, navigation. Pages live in app_pages/."""

from __future__ import annotations

import streamlit as st

from ui import frame
from ui.text import t

frame.language_switch()
st.set_page_config(page_title=t("app.title"), page_icon=":material/monitoring:", layout="wide")
frame.database_gate()
page = frame.navigation()
frame.demo_banner()
page.run()
