"""How every chart is drawn: whole, and with the reader's number separators.

A chart's ``height`` is its plotting area; without ``contains="padding"`` the page fitted the
axes, their titles and the legend *into* that height too, so a chart with slanted labels and a
legend kept a sliver of plot, and a two-axis chart was cut off at the top. Vega's own number
format writes 3,500 for three thousand five hundred; a Vietnamese reader reads 3.500.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st

from i18n.formats import format_number
from ui.text import current_language


def number_locale(lang: str) -> dict[str, Any]:
    """Vega's number locale for ``lang``, taken from the one number formatter (1.234,5 in
    Vietnamese, 1,234.5 in English) so that charts and tables never disagree."""
    sample = format_number(1234.5, lang, 1)  # "1.234,5" or "1,234.5"
    return {"decimal": sample[-2], "thousands": sample[1], "grouping": [3], "currency": ["", ""]}


def finished(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """``chart`` as the pages draw it: the full width, its axes and legend outside the plot's
    height, numbers written for ``lang``."""
    whole = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return whole.configure(locale={"number": number_locale(lang)})


def show_chart(chart: alt.TopLevelMixin, key: str) -> None:
    """Draw ``chart`` on the page in the viewer's language."""
    st.altair_chart(finished(chart, current_language()), key=key)
