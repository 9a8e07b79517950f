"""Router and frame: page config, language, database gate, navigation. Pages live in app_pages/."""

from __future__ import annotations

import streamlit as st

from ui import frame
from ui.text import t

kiosk = frame.kiosk_mode()  # the meeting-room screen: no controls at all
if kiosk:
    frame.language_from_url()
else:
    frame.language_switch()
# An emoji icon becomes an inline data: URL; a ":material/…:" icon would be fetched from an
# outside font host (verified in the browser test).
st.set_page_config(page_title=t("app.title"), page_icon="📊", layout="wide")
frame.serve_map_assets()
frame.database_gate()
page = frame.navigation(hidden=kiosk)
if not kiosk:
    frame.period_filter()
    frame.demo_banner()
page.run()
