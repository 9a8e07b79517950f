"""The app-owned selected unit, shared by the map, the tile map, lists and the dossier.

Clicks write ``st.session_state[SELECTED_UNIT_KEY]``; the dossier mirrors it in the URL as
``?unit=<code>`` (the code, not the displayed name, so links survive renames and languages).
"""

from __future__ import annotations

import streamlit as st

from metrics.api import default_period

SELECTED_UNIT_KEY = "selected_unit"
URL_PARAM = "unit"


def sync_selected_unit(known_codes: set[str]) -> str | None:
    """Take a unit code from the URL when the session has none; return it if it is unknown."""
    from_url = st.query_params.get(URL_PARAM, "").strip()
    if not from_url or st.session_state.get(SELECTED_UNIT_KEY) == from_url:
        return None
    if from_url not in known_codes:
        del st.query_params[URL_PARAM]
        return from_url
    if SELECTED_UNIT_KEY not in st.session_state or st.session_state[SELECTED_UNIT_KEY] is None:
        st.session_state[SELECTED_UNIT_KEY] = from_url
    return None


def selected_period(periods: list) -> object | None:
    """The period chosen in the sidebar (the newest closed month when none is chosen yet)."""
    if not periods:
        return None
    chosen = st.session_state.get("period")
    return chosen if chosen in periods else default_period(periods)


def open_dossier(code: str) -> None:
    """Select ``code`` and go to its dossier (the map, the tile map and lists call this)."""
    st.session_state[SELECTED_UNIT_KEY] = code
    st.switch_page("app_pages/dossier.py")
