"""Views over a scorecard for the heat map: what each unit shows, KPI cards, top/bottom lists.

Pure functions over the ``scorecard`` frame; the pages only lay these out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.api import PILLAR_BAND_COLUMN, PILLAR_COLUMN, band_counts
from metrics.bands import Band


def map_view(
    card: pd.DataFrame, pillar: str | None = None, peer_group: str | None = None
) -> pd.DataFrame:
    """One row per unit: the score and band the map shows (overall, or one pillar's).

    Columns: unit_code, name, full_name, peer_group, score, band, rank, rank_of, delta,
    rank_delta, coverage, reported, expected, in_view (False for units outside the chosen peer
    group). ``rank`` ranks the shown score among the coloured units in view (within the peer
    group when one is chosen, on the pillar's score when one is chosen); ``rank_of`` is how many
    units that ranking holds, so a rank always reads "r of n" with the right n.
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
            "band",
            "composite",
        ]
    ].copy()
    if pillar is None:
        view["score"] = view["composite"]
    else:
        view["score"] = card[PILLAR_COLUMN.format(pillar)]
        # A pillar's colour is its own band, but a grey unit stays grey whatever the pillar.
        pillar_band = card[PILLAR_BAND_COLUMN.format(pillar)].fillna(Band.GREY)
        view["band"] = pillar_band.where(card["band"] != Band.GREY, Band.GREY)
    view["in_view"] = True if peer_group is None else view["peer_group"] == peer_group
    ranked = view["in_view"] & (card["band"] != Band.GREY) & view["score"].notna()
    view["rank"] = view["score"].where(ranked).rank(ascending=False, method="min")
    view["rank_of"] = int(ranked.sum())
    return view.drop(columns=["composite"])


@dataclass(frozen=True)
class Kpis:
    """The KPI cards of the heat map, over exactly the units and the score the map shows."""

    average: float | None  # mean shown score of the coloured units in view (grey excluded)
    average_change: float | None  # on the previous month, same units and definition
    bands: dict[str, int]  # units in view per band (the pillar's band when a pillar is chosen)
    band_changes: dict[str, int]  # units per band now minus last month, same filters
    units_rated: int  # coloured units in view: the average's denominator
    units_in_view: int


def _in_view(view: pd.DataFrame) -> pd.DataFrame:
    return view[view["in_view"]]


def _average(view: pd.DataFrame) -> float | None:
    rated = view.loc[(view["band"] != Band.GREY) & view["score"].notna(), "score"]
    return float(rated.mean()) if len(rated) else None


def kpis(view: pd.DataFrame, previous: pd.DataFrame | None) -> Kpis:
    """KPI cards over a :func:`map_view` (and the previous month's view with the same filters).

    Every figure follows the filters the map shows: the peer group limits the units counted,
    a pillar replaces the composite and its band.
    """
    shown = _in_view(view)
    before = _in_view(previous) if previous is not None else None
    bands = band_counts(shown)
    bands_before = band_counts(before) if before is not None else None
    average = _average(shown)
    average_before = _average(before) if before is not None else None
    return Kpis(
        average=average,
        average_change=None
        if average is None or average_before is None
        else average - average_before,
        bands=bands,
        band_changes={b: bands[b] - bands_before[b] for b in bands} if bands_before else {},
        units_rated=sum(v for b, v in bands.items() if b != Band.GREY),
        units_in_view=len(shown),
    )


def top_units(view: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    rated = view[view["in_view"] & (view["band"] != Band.GREY) & view["score"].notna()]
    return rated.sort_values(["score", "unit_code"], ascending=[False, True]).head(n)


def bottom_units(view: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    rated = view[view["in_view"] & (view["band"] != Band.GREY) & view["score"].notna()]
    return rated.sort_values(["score", "unit_code"], ascending=[True, True]).head(n)


def most_improved(view: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Largest rise of the composite on the previous month (the delta ranking)."""
    moved = view[view["in_view"] & view["delta"].notna()]
    return moved.sort_values(["delta", "unit_code"], ascending=[False, True]).head(n)


def peer_comparison(card: pd.DataFrame, unit_code: str, pillar_keys: list[str]) -> pd.DataFrame:
    """Per pillar: the unit's score, its peer group's median and the province's median."""
    unit = card.set_index("unit_code").loc[unit_code]
    peers = card[(card["peer_group"] == unit["peer_group"]) & (card["band"] != Band.GREY)]
    rated = card[card["band"] != Band.GREY]
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
