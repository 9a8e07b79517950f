"""Choosing a unit in the dossier: a search by code or name (diacritics optional) and a list.

Streamlit's own selectbox filter needs the diacritics ("ea sup" finds nothing) and answers
"No results" in English, so the list itself is not typed into: the search box narrows it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import search_units
from ui.selection import SELECTED_UNIT_KEY
from ui.text import num, t

SEARCH_KEY = "unit_search"


def _select_single_match(units: pd.DataFrame) -> None:
    # A search that leaves one unit opens it: typing "ea sup" + Enter is the whole gesture.
    matches = search_units(units, st.session_state.get(SEARCH_KEY, ""))
    if len(matches) == 1:
        st.session_state[SELECTED_UNIT_KEY] = matches[0]


def unit_picker(units: pd.DataFrame) -> str | None:
    """The search box and the list of matching units; returns the chosen unit's code.

    ``units`` is the registry frame (code, full_name). The chosen unit stays in the list while
    a search narrows it, so a search never loses the dossier on screen.
    """
    names = units.set_index("code")["full_name"]
    query = st.text_input(
        t("dossier.search"),
        key=SEARCH_KEY,
        placeholder=t("dossier.search_placeholder"),
        on_change=_select_single_match,
        args=(units,),
    )
    codes = search_units(units, query) if query.strip() else list(names.index)
    if query.strip():
        if codes:
            st.caption(t("dossier.search_count", n=num(len(codes))))
        else:
            st.info(t("dossier.search_none"), icon=":material/search_off:")
    chosen = st.session_state.get(SELECTED_UNIT_KEY)
    if chosen in names.index and chosen not in codes:
        codes = [chosen, *codes]
    return st.selectbox(
        t("dossier.choose_unit"),
        codes,
        index=None,
        format_func=lambda c: f"{names[c]} ({c})",
        placeholder=t("dossier.choose_placeholder"),
        key=SELECTED_UNIT_KEY,
        filter_mode=None,
    )
