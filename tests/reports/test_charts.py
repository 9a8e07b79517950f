"""The charts as PNG: valid files of the size asked for, in the bands' colours."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from data.registry import load_units
from geo.palette import BAND_STYLES
from geo.tiles import tile_layout
from reports.charts import (
    PNG_DPI,
    PillarBar,
    coverage_chart_png,
    heat_map_png,
    pillar_chart_png,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def opened(png: bytes) -> Image.Image:
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()  # a truncated file fails here
    assert image.format == "PNG"
    return image


def has_colour(image: Image.Image, colour: str) -> bool:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return bool((np.abs(pixels - rgb).sum(axis=2) < 12).any())


def test_pillar_chart() -> None:
    bars = [
        PillarBar("Nhận thức số", 100.0, "green"),
        PillarBar("Thể chế số, chỉ đạo điều hành", 70.0, "yellow"),
        PillarBar("Hạ tầng số", 40.0, "red"),
        PillarBar("Kinh tế số", None, "grey"),
    ]
    image = opened(pillar_chart_png(bars, "vi", green_at=80, yellow_at=65, size_in=(4.0, 2.5)))
    assert image.size == (4.0 * PNG_DPI, 2.5 * PNG_DPI)  # 800 × 500
    for band in ("green", "yellow", "red"):
        assert has_colour(image, BAND_STYLES[band].fill), band


def test_heat_map_on_the_tile_layout() -> None:
    cells = tile_layout(load_units())
    bands = {code: "green" for code in cells["code"]}
    bands[cells["code"].iloc[0]] = "red"
    image = opened(heat_map_png(bands, "vi", cells=cells, size_in=(5.0, 4.0)))
    assert image.size == (1000, 800)
    assert has_colour(image, BAND_STYLES["red"].fill)
    assert has_colour(image, BAND_STYLES["green"].fill)


def test_heat_map_needs_shapes_or_cells() -> None:
    with pytest.raises(ValueError, match="shapes or cells"):
        heat_map_png({}, "vi")


def test_coverage_against_the_glide_path() -> None:
    days = [date(2025, 7, 31), date(2025, 8, 31), date(2025, 9, 30)]
    coverage = pd.DataFrame(
        {"day": days, "covered_pct": [10.0, 20.0, 35.0], "glide_pct": [1.0, 2.5, 4.0]}
    )
    image = opened(
        coverage_chart_png(coverage, "en", target_day=date(2030, 12, 31), size_in=(6.0, 3.0))
    )
    assert image.size == (1200, 600)
    assert has_colour(image, "#0b5394")  # the coverage line
