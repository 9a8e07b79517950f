"""Texts and cells for the heat map and the tile map, in the reader's language."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.maps import unit_payload
from geo.palette import BAND_STYLES
from metrics import UnitCounts, count_units
from metrics.views import Kpis, bottom_units, kpis, map_view, most_improved, top_units
from ui.text import num, t


def signed(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return ("+" if value > 0 else "") + num(value, decimals)


def band_texts(frame: pd.DataFrame) -> pd.Series:
    """The band's name per row; for grey units also "n of N indicators reported"."""
    names = {band: t(f"band.{band}") for band in frame["band"].unique()}
    texts = frame["band"].map(names)
    grey = frame["band"] == "grey"
    texts[grey] = [
        f"{names['grey']} — " + t("home.reported_of", n=num(n), total=num(total))
        for n, total in zip(frame.loc[grey, "reported"], frame.loc[grey, "expected"], strict=True)
    ]
    return texts


def tooltip_texts(view: pd.DataFrame, total_units: int) -> pd.DataFrame:
    """The tooltip lines per unit code: name, score, band, rank, change."""
    frame = view.set_index("unit_code")
    total = num(total_units)
    return pd.DataFrame(
        {
            "t_name": frame["full_name"],
            "t_score": frame["score"].map(lambda v: num(v, 1)),
            "t_band": band_texts(frame),
            "t_rank": frame["rank"].map(lambda r: "–" if pd.isna(r) else f"{num(r)}/{total}"),
            "t_change": frame["delta"].map(signed),
        },
        index=frame.index,
    )


def tooltip_aliases() -> list[str]:
    return [
        t(k)
        for k in ("home.tt.unit", "home.tt.score", "home.tt.band", "home.tt.rank", "home.tt.change")
    ]


def tile_cells(view: pd.DataFrame, layout: pd.DataFrame, total_units: int) -> pd.DataFrame:
    """The tile map's cells: position, band, short name, hover text, legend label."""
    texts = tooltip_texts(view, total_units)
    cells = layout.merge(view, left_on="code", right_on="unit_code")
    cells["label"] = cells["name"]
    cells["hover"] = [
        " · ".join(texts.loc[code, ["t_name", "t_score", "t_band", "t_rank"]])
        for code in cells["code"]
    ]
    cells["legend"] = cells["band"].map(lambda b: t(f"band.{b}"))
    return cells


def ranking_table(rows: pd.DataFrame, value: str = "score") -> pd.DataFrame:
    """A short ranked list for the side panel: the band's symbol stands beside the figure."""
    column = t("home.col.change") if value == "delta" else t("home.col.score")
    figures = rows[value].map(signed if value == "delta" else (lambda v: num(v, 1)))
    symbols = rows["band"].map(lambda b: BAND_STYLES[b].symbol)
    return pd.DataFrame({t("home.col.unit"): rows["full_name"], column: symbols + " " + figures})


@dataclass(frozen=True)
class RankedList:
    rows: pd.DataFrame  # the units, best first (their unit_code opens the dossier)
    table: pd.DataFrame  # what the list shows


@dataclass(frozen=True)
class HomeView:
    """Everything the home page shows for one month, filter choice and language.

    Shared by every session (``ui.loaders.load_home_view``): read-only.
    """

    units: UnitCounts
    view: pd.DataFrame  # metrics.views.map_view
    summary: Kpis
    total_units: int
    map_units: dict[str, Any] | None  # geo.maps.unit_payload, None without boundaries
    lists: dict[str, RankedList]  # "top", "bottom", "improved"


def home_view(
    units: pd.DataFrame,
    card: pd.DataFrame,
    previous: pd.DataFrame | None,
    pillar: str | None,
    peer_group: str | None,
    with_map: bool,
) -> HomeView:
    view = map_view(card, pillar, peer_group)
    map_units = None
    if with_map:
        map_units = unit_payload(
            tooltip_texts(view, len(card)),
            view.set_index("unit_code")["band"],
            view.set_index("unit_code")["in_view"],
            tooltip_aliases(),
            units.set_index("code")[["centre_lat", "centre_lon"]],
        )
    lists = {
        "top": (top_units(view), "score"),
        "bottom": (bottom_units(view), "score"),
        "improved": (most_improved(view), "delta"),
    }
    return HomeView(
        units=count_units(units),
        view=view,
        summary=kpis(card, previous),
        total_units=len(card),
        map_units=map_units,
        lists={
            key: RankedList(rows, ranking_table(rows, value))
            for key, (rows, value) in lists.items()
        },
    )
