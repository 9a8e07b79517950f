"""Texts and cells for the heat map and the tile map, in the reader's language."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.maps import unit_payload
from geo.palette import BAND_STYLES
from metrics import UnitCounts, count_units
from metrics.bands import Band
from metrics.views import Kpis, bottom_units, kpis, map_view, most_improved, top_units
from ui.text import num, rank_text, t


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def signed(value: float | None, decimals: int = 1) -> str:
    if _missing(value):
        return "–"
    assert value is not None
    return ("+" if value > 0 else "") + num(value, decimals)


def metric_delta(value: float | None, decimals: int = 1) -> str | None:
    """A change for ``st.metric``'s delta, or None when there is none: a "–" delta would be
    drawn with an arrow ("↑ –") as if something had moved."""
    return None if _missing(value) else signed(value, decimals)


def band_texts(frame: pd.DataFrame) -> pd.Series:
    """The band's name per row; for grey units also "n of N indicators reported"."""
    names = {band: t(f"band.{band}") for band in frame["band"].unique()}
    texts = frame["band"].map(names)
    grey = frame["band"] == Band.GREY
    texts[grey] = [
        f"{names['grey']} — " + t("home.reported_of", n=num(n), total=num(total))
        for n, total in zip(frame.loc[grey, "reported"], frame.loc[grey, "expected"], strict=True)
    ]
    return texts


def tooltip_texts(view: pd.DataFrame) -> pd.DataFrame:
    """The tooltip lines per unit code: name, score, band, rank ("r/n"), change."""
    frame = view.set_index("unit_code")
    return pd.DataFrame(
        {
            "t_name": frame["full_name"],
            "t_score": frame["score"].map(lambda v: num(v, 1)),
            "t_band": band_texts(frame),
            "t_rank": [
                rank_text(r, n) for r, n in zip(frame["rank"], frame["rank_of"], strict=True)
            ],
            "t_change": frame["delta"].map(signed),
        },
        index=frame.index,
    )


def tooltip_aliases() -> list[str]:
    return [
        t(k)
        for k in ("home.tt.unit", "home.tt.score", "home.tt.band", "home.tt.rank", "home.tt.change")
    ]


def tile_cells(view: pd.DataFrame, layout: pd.DataFrame) -> pd.DataFrame:
    """The tile map's cells: position, band, short name, hover text, legend label."""
    texts = tooltip_texts(view)
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
            tooltip_texts(view),
            view.set_index("unit_code")["band"],
            view.set_index("unit_code")["in_view"],
            tooltip_aliases(),
            units.set_index("code")[["centre_lat", "centre_lon"]],
        )
    previous_view = map_view(previous, pillar, peer_group) if previous is not None else None
    lists = {
        "top": (top_units(view), "score"),
        "bottom": (bottom_units(view), "score"),
        "improved": (most_improved(view), "delta"),
    }
    return HomeView(
        units=count_units(units),
        view=view,
        summary=kpis(view, previous_view),
        map_units=map_units,
        lists={
            key: RankedList(rows, ranking_table(rows, value))
            for key, (rows, value) in lists.items()
        },
    )


def kpi_scope(summary: Kpis, pillar_label: str | None, peer_group: str | None) -> str:
    """Which units and which score the KPI cards count, in words (they follow the filters)."""
    units = (
        t("home.kpi.scope_group", group=t(f"peer_group.{peer_group}"), n=num(summary.units_in_view))
        if peer_group
        else t("home.kpi.scope_all", n=num(summary.units_in_view))
    )
    score = (
        t("home.kpi.scope_pillar", pillar=pillar_label)
        if pillar_label
        else t("home.kpi.scope_composite")
    )
    return t(
        "home.kpi.scope",
        units=units,
        score=score,
        rated=num(summary.units_rated),
        grey=num(summary.bands[Band.GREY]),
    )
