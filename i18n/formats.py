"""Numbers and dates as each language writes them.

Vietnamese: ``1.234,5`` and ``22/11/2026``; English (as used in Vietnam's official English
documents): ``1,234.5`` and the same day-first date.
"""

from __future__ import annotations

import math
from datetime import date, datetime

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def format_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """``value`` with the language's separators; ``–`` for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS["vi"])
    text = f"{value:,.{decimals}f}"  # Python's own: "," thousands, "." decimal
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def format_percent(value: float | None, lang: str, decimals: int = 1) -> str:
    """A share given in percent points (``45.25`` → ``45,3%`` in Vietnamese)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{format_number(value, lang, decimals)}%"


def format_date(value: date | datetime | None, lang: str) -> str:
    """dd/mm/yyyy in both languages (the province's documents use day-first dates)."""
    del lang  # same order in both; the parameter keeps call sites uniform
    if value is None:
        return "–"
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None, lang: str) -> str:
    if value is None:
        return "–"
    return f"{value.strftime('%H:%M')} {format_date(value, lang)}"


def format_month(value: date | datetime | None, lang: str) -> str:
    """A scoring period (a month): "tháng 10/2026" in Vietnamese, "10/2026" in English."""
    if value is None:
        return "–"
    return f"tháng {value:%m/%Y}" if lang == "vi" else f"{value:%m/%Y}"
