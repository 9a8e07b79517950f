"""Translated and formatted text in one language, for pages that have no Streamlit session.

The exports are built in a download's own thread (or a test), where ``ui.text`` cannot read the
reader's language from a session: the caller hands the language in, as ``ui.export.Words``
does for the table exports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

from i18n import normalise_language, translate
from i18n.formats import format_date, format_datetime, format_month, format_number


def missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(value != value)  # NaN and NaT are the values unequal to themselves
    except (TypeError, ValueError):
        return False


def as_day(value: Any) -> date | None:
    """A date from a date, a datetime, a pandas timestamp or an ISO text; None when missing."""
    if missing(value):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return pd.Timestamp(value).date()


@dataclass(frozen=True)
class Words:
    lang: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", normalise_language(self.lang))

    def t(self, key: str, /, **values: Any) -> str:
        return translate(key, self.lang, **values)

    def num(self, value: Any, decimals: int = 0) -> str:
        return format_number(None if missing(value) else value, self.lang, decimals)

    def pct(self, value: Any, decimals: int = 1) -> str:
        return "–" if missing(value) else f"{self.num(value, decimals)}%"

    def signed(self, value: Any, decimals: int = 1) -> str:
        """A change with its sign ("+2,4", "−0,7"; "±0,0" for none); "–" when unknown."""
        if missing(value):
            return "–"
        shown = round(float(value), decimals)
        if shown == 0 or math.isclose(shown, 0.0):
            return f"±{self.num(0.0, decimals)}"
        return ("+" if shown > 0 else "−") + self.num(abs(shown), decimals)

    def day(self, value: Any) -> str:
        return format_date(as_day(value), self.lang)

    def month(self, value: date | datetime | None) -> str:
        return format_month(value, self.lang)

    def when(self, value: Any) -> str:
        return format_datetime(
            None if missing(value) else pd.Timestamp(value).to_pydatetime(), self.lang
        )
