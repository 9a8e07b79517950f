"""Counts over the unit registry (pure functions over DataFrames)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


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
