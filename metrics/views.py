"""Views over a scorecard for the heat map: what each unit shows, KPI cards, top/bottom lists.

Pure functions over the ``scorecard`` frame; the pages only lay these out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.api import PILLAR_BAND_COLUMN, PILLAR_COLUMN, band_counts
from metrics.scoring import GREY


def map_view(
    card: pd.DataFrame, pillar: str | None = None, peer_group: str | None = None
) -> pd.DataFrame:
    """One row per unit: the score and band the map shows (overall, or one pillar's).

    Columns: unit_code, name, full_name, peer_group, score, band, rank, delta, rank_delta,
    coverage, reported, expected, in_view (False for units outside the chosen peer group).
    With a peer group chosen, ``rank`` is the rank within it.
    """
    view = card[
        [
            "unit_code",
            "name",
            "full_name",
            "peer_group",
            "reported",
            "expected",
            "coverage",
            "delta",
            "rank_delta",
            "rank_level",
            "rank_peer",
            "band",
            "composite",
        ]
    ].copy()
    if pillar is None:
        view["score"] = view["composite"]
    else:
        view["score"] = card[PILLAR_COLUMN.format(pillar)]
        # A pillar's colour is its own band, but a grey unit stays grey whatever the pillar.
        pillar_band = card[PILLAR_BAND_COLUMN.format(pillar)].fillna(GREY)
        view["band"] = pillar_band.where(card["band"] != GREY, GREY)
    view["rank"] = view["rank_peer"] if peer_group else view["rank_level"]
    view["in_view"] = True if peer_group is None else view["peer_group"] == peer_group
    return view.drop(columns=["composite", "rank_level", "rank_peer"])


@dataclass(frozen=True)
class Kpis:
    average: float | None  # mean composite of the coloured units
    average_change: float | None  # on the previous month, same definition
    bands: dict[str, int]
    band_changes: dict[str, int]  # units per band now minus last month
    units_rated: int


def _average(card: pd.DataFrame) -> float | None:
    rated = card.loc[card["band"] != GREY, "composite"]
    return float(rated.mean()) if len(rated) else None


def kpis(card: pd.DataFrame, previous: pd.DataFrame | None) -> Kpis:
    bands = band_counts(card)
    before = band_counts(previous) if previous is not None else None
    average, average_before = _average(card), _average(previous) if previous is not None else None
    return Kpis(
        average=average,
        average_change=None
        if average is None or average_before is None
        else average - average_before,
        bands=bands,
        band_changes={b: bands[b] - before[b] for b in bands} if before else {},
        units_rated=sum(v for b, v in bands.items() if b != GREY),
    )


def top_units(view: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    rated = view[view["in_view"] & (view["band"] != GREY) & view["score"].notna()]
    return rated.sort_values(["score", "unit_code"], ascending=[False, True]).head(n)


def bottom_units(view: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    rated = view[view["in_view"] & (view["band"] != GREY) & view["score"].notna()]
    return rated.sort_values(["score", "unit_code"], ascending=[True, True]).head(n)


def most_improved(view: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Largest rise of the composite on the previous month (the delta ranking)."""
    moved = view[view["in_view"] & view["delta"].notna()]
    return moved.sort_values(["delta", "unit_code"], ascending=[False, True]).head(n)


def peer_comparison(card: pd.DataFrame, unit_code: str, pillar_keys: list[str]) -> pd.DataFrame:
    """Per pillar: the unit's score, its peer group's median and the province's median."""
    unit = card.set_index("unit_code").loc[unit_code]
    peers = card[(card["peer_group"] == unit["peer_group"]) & (card["band"] != GREY)]
    rated = card[card["band"] != GREY]
    rows = []
    for key in ["composite", *pillar_keys]:
        column = key if key == "composite" else PILLAR_COLUMN.format(key)
        rows.append(
            {
                "key": key,
                "unit": unit[column],
                "peer_median": peers[column].median(),
                "province_median": rated[column].median(),
            }
        )
    return pd.DataFrame(rows)


OPERATIONAL_SUMMARY = {
    "tasks": ("task_on_time_pct", "task_overdue_count"),
    "feedback": (
        "feedback_on_time_pct",
        "feedback_backlog_per_10k",
        "feedback_satisfaction_pct",
        "feedback_evidence_pct",
    ),
    "infrastructure": ("centre_5g_on_air", "population_5g_pct", "fibre_household_pct"),
}
