"""Small layout pieces the pages share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

import streamlit as st
from streamlit.elements.lib.mutable_tab_container import TabContainer

from geo.boundaries import MB, BoundaryError, BoundaryState, BoundaryTooLarge
from geo.palette import BAND_STYLES, BANDS
from ui.text import num, t


def page_header(title_key: str, caption_key: str | None = None) -> None:
    st.title(t(title_key))
    if caption_key:
        st.caption(t(caption_key))


def lazy_tabs(labels: Sequence[str], key: str) -> Sequence[TabContainer]:
    """Tabs whose hidden panels are not drawn: draw a panel under ``if tab.open:``, and a click
    on another tab reruns the page to draw that one. Every panel's tables, drawn up front into
    hidden panels, held back the first table a person sees (the browser lays out all of them)."""
    return st.tabs(list(labels), key=key, on_change="rerun")


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


URL_VALUE_LIMIT = 80  # characters of a foreign value shown; a hostile link can be very long


def literal(value: object, limit: int = URL_VALUE_LIMIT) -> str:
    """``value`` as Markdown that shows it literally: one inline code span.

    For any text from outside (a URL parameter, a file's field) placed in st.warning, st.error,
    st.info or st.markdown: inside a code span Markdown makes no link, image, emphasis, icon or
    formula (``[x](http://…)``, ``![](…)``, ``:material/…:``, ``$…$`` all stay text). The fence is
    one backtick longer than the longest run of backticks in the value, so a backtick cannot close
    it early; control and line-separator characters (which could end the paragraph) are replaced.
    """
    text = "".join(
        "\N{REPLACEMENT CHARACTER}" if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch
        for ch in str(value)
    )
    if len(text) > limit:
        text = text[:limit] + "…"
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    # One space each side: CommonMark strips exactly one, and it lets a value start or end with
    # a backtick without touching the fence.
    return f"{fence} {text} {fence}"


BOUNDARY_POLL_S = 2.0  # while boundaries are prepared, the page looks this often whether done
PROBLEMS_SHOWN = 5
PROBLEM_LIMIT = 300  # characters of one problem (it may quote a file's content)


def boundary_notice(state: BoundaryState, still_preparing: Callable[[], bool]) -> None:
    """What the page says about the boundary layer: a problem with the configured source (and
    whether older boundaries are drawn instead), work in progress, or that none is configured.

    ``still_preparing`` is asked every ``BOUNDARY_POLL_S`` while the source is being prepared;
    once it says no, the whole page runs again and draws the map.
    """
    if state.error is not None:
        problems = _boundary_problems(state.error)
        key = "home.boundaries_error" if state.geojson is not None else "home.boundaries_error_none"
        st.error(t(key, problems=problems), icon=":material/map:")
    if state.preparing:
        if state.geojson is None:
            st.info(t("home.boundaries_preparing_none"), icon=":material/hourglass_top:")
        else:
            st.caption(t("home.boundaries_preparing_kept"))
        _rerun_when_prepared(still_preparing)
    elif state.geojson is None and state.error is None:
        st.info(t("home.no_boundaries"), icon=":material/map:")


@st.fragment(run_every=BOUNDARY_POLL_S)
def _rerun_when_prepared(still_preparing: Callable[[], bool]) -> None:
    if not still_preparing():
        st.rerun(scope="app")


def _boundary_problems(error: BoundaryError) -> str:
    if isinstance(error, BoundaryTooLarge):
        key = "home.boundaries_too_large"
        if error.size_bytes is None:
            key = "home.boundaries_too_large_download"
        elif error.unpacked:
            key = "home.boundaries_too_large_unpacked"
        return t(
            key,
            file=literal(error.file_name),
            size=num((error.size_bytes or 0) / MB, 1),
            limit=_megabytes(error.limit_bytes),
            setting=error.setting,
        )
    # The problems quote the file (field names, code values): shown literally, never as Markdown.
    return "; ".join(literal(p, PROBLEM_LIMIT) for p in error.problems[:PROBLEMS_SHOWN])


def _megabytes(size_bytes: int) -> str:
    """A limit as its setting was written: 50, 0,5, 0,001 (no trailing zeros)."""
    value = size_bytes / MB
    decimals = next((d for d in range(4) if round(value, d) == value), 3)
    return num(value, decimals)
