"""Band colours and symbols, shared by the map, the tile map and the legends.

Every band has a symbol as well as a colour (colour-blind viewers, washed-out projectors):
green ✓, yellow !, red ✕, grey ?. Colours follow Vietnamese government reporting (green good,
yellow watch, red act), in shades that keep black text readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.bands import DISPLAY_ORDER, Band


@dataclass(frozen=True)
class BandStyle:
    fill: str
    line: str
    symbol: str
    dash: str | None  # outline dash pattern: grey units are drawn dashed


BAND_STYLES: dict[str, BandStyle] = {
    Band.GREEN: BandStyle("#2e9d5b", "#1d6b3d", "✓", None),
    Band.YELLOW: BandStyle("#f2c232", "#a6841c", "!", None),
    Band.RED: BandStyle("#d9453b", "#8f2a23", "✕", None),
    Band.GREY: BandStyle("#b8bcc2", "#6e737a", "?", "4 3"),
}
BANDS = DISPLAY_ORDER
FADED_OPACITY = 0.15  # units outside the chosen peer group
