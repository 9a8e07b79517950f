"""Texts and cells for the heat map and the tile map, in the reader's language."""

from __future__ import annotations

import math

import pandas as pd

from geo.palette import BAND_STYLES
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
