"""Presentation: the Committee's meetings (cuộc họp), the big screen and the briefing exports."""

from __future__ import annotations

import streamlit as st

from ui.briefs import pack_filter_picker, show_exports
from ui.components import lazy_tabs, page_header
from ui.kiosk import (
    DEFAULT_EVERY_S,
    MAX_EVERY_S,
    MIN_EVERY_S,
    SLIDES,
    kiosk_link,
    kiosk_requested,
    show_kiosk,
)
from ui.meeting import show_meeting_mode
from ui.text import num, t

params = st.query_params.to_dict()
if kiosk_requested(params):
    show_kiosk(params)
    st.stop()

page_header("presentation.title", "presentation.caption")
meeting_tab, screen_tab, export_tab = lazy_tabs(
    [t("presentation.tab.meeting"), t("presentation.tab.screen"), t("presentation.tab.exports")],
    key="presentation_tab",
)

if meeting_tab.open:
    with meeting_tab:
        show_meeting_mode()

if screen_tab.open:
    with screen_tab:
        st.markdown(t("presentation.screen.intro"))
        chosen = st.multiselect(
            t("presentation.screen.pages"),
            list(SLIDES),
            default=list(SLIDES),
            format_func=lambda name: t(f"kiosk.slide.{name}"),
            key="kiosk_pages",
        )
        every = st.number_input(
            t("presentation.screen.every"),
            min_value=MIN_EVERY_S,
            max_value=MAX_EVERY_S,
            value=DEFAULT_EVERY_S,
            step=5,
            key="kiosk_every",
            help=t("presentation.screen.every_help", low=num(MIN_EVERY_S), high=num(MAX_EVERY_S)),
        )
        link = kiosk_link(tuple(chosen) or SLIDES, int(every))
        st.link_button(t("presentation.screen.open"), link, icon="📺", type="primary")
        st.caption(t("presentation.screen.link_note"))
        st.code(link, language=None)

if export_tab.open:
    with export_tab:
        st.caption(t("presentation.exports.filters"))
        show_exports(filters=pack_filter_picker())
