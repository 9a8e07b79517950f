"""The current language and translated, formatted text for the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from i18n import DEFAULT_LANGUAGE, normalise_language, translate
from i18n.formats import format_date, format_month, format_number, format_percent

LANG_KEY = "lang"  # widget key, session-state key and URL query parameter


def current_language() -> str:
    return normalise_language(st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE))


def t(key: str, /, **values: Any) -> str:
    return translate(key, current_language(), **values)


def num(value: float | int | None, decimals: int = 0) -> str:
    return format_number(value, current_language(), decimals)


def pct(value: float | None, decimals: int = 1) -> str:
    return format_percent(value, current_language(), decimals)


def day(value: date | datetime | None) -> str:
    return format_date(value, current_language())


def month(value: date | datetime | None) -> str:
    return format_month(value, current_language())


def rank_text(rank: float | None, out_of: int | float | None) -> str:
    """A rank with its denominator, "98/99", the same way everywhere; "–" for an unranked unit."""
    if rank is None or out_of is None or pd.isna(rank) or pd.isna(out_of):
        return "–"
    return f"{num(rank)}/{num(out_of)}"
