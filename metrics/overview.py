"""Counts over the unit registry (pure functions over DataFrames)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data.models import PEER_GROUPS
from data.registry import fold_for_search, normalise_name

__all__ = [
    "PEER_GROUPS",
    "UnitCounts",
    "count_units",
    "search_units",
]  # the peer groups units are ranked in


@dataclass(frozen=True)
class UnitCounts:
    total: int
    phuong: int
    xa: int
    population: int
    area_km2: float
    by_peer_group: dict[str, int]


def count_units(units: pd.DataFrame) -> UnitCounts:
    """Counts from a registry frame with ``unit_type``, ``peer_group``, ``population``, area."""
    by_type = units["unit_type"].value_counts()
    return UnitCounts(
        total=len(units),
        phuong=int(by_type.get("phuong", 0)),
        xa=int(by_type.get("xa", 0)),
        population=int(units["population"].sum()),
        area_km2=float(units["area_km2_official"].sum()),
        by_peer_group={str(k): int(v) for k, v in units["peer_group"].value_counts().items()},
    )


def search_units(units: pd.DataFrame, query: str) -> list[str]:
    """Codes of the units whose code or name matches ``query``, best matches first.

    Matches by code prefix, or when every word of the query starts a word of the name, with or
    without diacritics ("ea sup" finds Xã Ea Súp; "sup" alone too, "up" does not). Names that
    match as typed (marks included) come before names that only match once the marks are
    dropped; then registry order.
    """
    words = fold_for_search(query).split()
    if not words:
        return []
    typed = normalise_name(query)
    ranked: list[tuple[int, int, str]] = []
    for position, (code, full_name) in enumerate(
        zip(units["code"], units["full_name"], strict=True)
    ):
        name_words = fold_for_search(full_name).split()
        if code.startswith(query.strip()):
            ranked.append((0, position, code))
        elif all(any(w.startswith(word) for w in name_words) for word in words):
            ranked.append((1 if typed in normalise_name(full_name) else 2, position, code))
    return [code for _, _, code in sorted(ranked)]
