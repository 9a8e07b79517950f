"""The heat map's tooltip texts, in Vietnamese (the default language), from hand-made rows."""

from __future__ import annotations

import math

import pandas as pd

from ui.heatmap import tooltip_texts


def test_tooltip_lines_per_unit() -> None:
    view = pd.DataFrame(
        {
            "unit_code": ["22015", "24121"],
            "full_name": ["Phường Tuy Hòa", "Xã Ea Súp"],
            "score": [1234.56, math.nan],
            "band": ["green", "grey"],
            "reported": [35, 20],
            "expected": [35, 35],
            "rank": [3.0, math.nan],
            "rank_of": [99, 99],
            "delta": [-1.24, math.nan],
        }
    )
    texts = tooltip_texts(view)
    # Ranked among the 99 coloured units, not out of all 102.
    assert texts.loc["22015"].tolist() == ["Phường Tuy Hòa", "1.234,6", "Xanh", "3/99", "-1,2"]
    grey = texts.loc["24121"]
    # A grey unit says how many of its indicators were reported.
    assert grey["t_band"] == "Xám (thiếu số liệu) — báo cáo 20/35 chỉ số"
    assert grey["t_rank"] == "–" and grey["t_change"] == "–"
