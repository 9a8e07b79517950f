"""Small layout pieces the pages share."""

from __future__ import annotations

import streamlit as st

from geo.palette import BAND_STYLES, BANDS
from ui.text import num, t


def page_header(title_key: str, caption_key: str | None = None) -> None:
    st.title(t(title_key))
    if caption_key:
        st.caption(t(caption_key))


def not_built_yet(what_key: str) -> None:
    """An honest empty state for a part that a later piece of work fills: no invented figures."""
    st.info(t("common.not_built_yet", what=t(what_key)), icon=":material/construction:")


def records_in_store(count: int, what_key: str) -> None:
    """How many real records the database already holds for a page not yet built."""
    st.caption(t("common.records_in_store", count=num(count), what=t(what_key)))


def band_legend() -> None:
    """Colour *and* symbol for each band, in words (readable in print and by colour-blind eyes)."""
    items = [
        f'<span style="display:inline-block;width:1.1em;height:1.1em;background:{s.fill};'
        f"border:2px {'dashed' if s.dash else 'solid'} {s.line};vertical-align:middle;"
        f'text-align:center;line-height:1em;font-weight:bold">{s.symbol}</span> '
        f"{t(f'band.{band}')} — {t(f'legend.{band}')}"
        for band, s in ((b, BAND_STYLES[b]) for b in BANDS)
    ]
    st.markdown(" &nbsp;&nbsp; ".join(items), unsafe_allow_html=True)
