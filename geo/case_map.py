"""The map of open feedback cases: grid cells counted in the database, drawn over the units'
boundaries on the heat map's base map, with no request leaving the machine.

Use it as the heat map is used, so that a filter change swaps only the layer inside the live
map frame::

    st_folium(base_map(geojson, tile_url), feature_group_to_add=case_layer(points, ...),
              key="case_map", render=False, returned_objects=[])

or :func:`case_map` for the whole map at once (tests, a static export).

Each cell of ``data.feedback_records.open_case_points`` is a circle: its area grows with the
cell's open cases, its colour with the share of them overdue (the band colours: none overdue
green, fewer than half yellow, half or more red), and its tooltip says how many — counts only:
no name, no description, nothing a citizen wrote reaches the map.

Why not one ``folium.CircleMarker`` per cell: folium renders each marker through its Jinja
templates; 6,000 cells (scale 10 at 0.01°) took 12 s to render and 4.3 MB of script. The cells
travel instead as one JSON object (``geo.maps.json_for_script``) and a short script draws them
with ``L.circleMarker`` on one canvas. Tooltip texts are put on the page with ``textContent``,
never as HTML, like the heat map's: a text is shown as typed, so it is not passed through
``geo.escape.escape_for_map`` (which would show ``&amp;``); nothing here goes through folium's
own ``Tooltip``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.maps import UnitShapes, _RawScript, base_map, json_for_script
from geo.palette import BAND_STYLES
from metrics.bands import Band

# A cell is red when at least this share of its open cases is overdue; yellow below it, green
# when none is.
RED_FROM_SHARE = 0.5
MIN_RADIUS_PX = 4.0
RADIUS_PX_PER_SQRT_CASE = 2.5  # area ∝ cases: 1 case ≈ 6.5 px, 25 cases 16.5 px
MAX_RADIUS_PX = 26.0
# The units' outlines under the circles: no band fill, so the circles carry the colour.
OUTLINE_STYLE = {
    "fillColor": "#ffffff",
    "fillOpacity": 0.35,
    "color": "#6e737a",
    "weight": 1.0,
    "opacity": 0.9,
}

Describe = Callable[[int, int], str]  # (open cases, overdue) → the tooltip's text


def overdue_band(cases: int, overdue: int) -> Band:
    """The colour of a cell by the share of its open cases that is overdue."""
    if overdue <= 0:
        return Band.GREEN
    return Band.RED if overdue >= RED_FROM_SHARE * cases else Band.YELLOW


def radius_px(cases: int) -> float:
    """The circle's radius: its area grows with the cases, within readable bounds."""
    radius = MIN_RADIUS_PX + RADIUS_PX_PER_SQRT_CASE * math.sqrt(max(cases, 0))
    return round(min(radius, MAX_RADIUS_PX), 1)


def point_payload(points: pd.DataFrame, describe: Describe) -> dict[str, Any]:
    """What the browser needs to draw the cells (``lat, lon, cases, overdue``).

    ``points``: [lat, lon, radius, style index, text index] per cell; ``styles``: [fill, line];
    ``texts``: the tooltips. Cells share styles and texts (at scale 10, 6,000 cells have a few
    hundred distinct counts): each is sent once, which keeps the layer about three times smaller.
    """
    styles: dict[Band, int] = {}
    texts: dict[tuple[int, int], int] = {}
    rows: list[list[Any]] = []
    for lat, lon, cases, overdue in points[["lat", "lon", "cases", "overdue"]].itertuples(
        index=False
    ):
        counts = (int(cases), int(overdue))
        band = overdue_band(*counts)
        style = styles.setdefault(band, len(styles))
        text = texts.setdefault(counts, len(texts))
        rows.append([float(lat), float(lon), radius_px(counts[0]), style, text])
    return {
        "points": rows,
        "styles": [[BAND_STYLES[band].fill, BAND_STYLES[band].line] for band in styles],
        "texts": [str(describe(*counts)) for counts in texts],
    }


def outline_units(geojson: Mapping[str, Any], unit_label: str) -> dict[str, Any]:
    """The boundary layer's per-unit payload (``geo.maps.UnitShapes``): a plain outline and the
    unit's name as its tooltip; no band symbol."""
    units: dict[str, Any] = {}
    for feature in geojson["features"]:
        properties = feature["properties"]
        name = properties.get("full_name") or properties.get("name") or properties["code"]
        units[str(properties["code"])] = {
            "style": OUTLINE_STYLE,
            "lines": [[unit_label, str(name)]],
            "symbol": "",
        }
    return units


class CasePoints(MacroElement):
    """The cells as circles on one canvas, in the marker pane (above the units' outlines, which
    arrive later from the fetched geometry and would otherwise cover them)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }};
  var cells = {{ this.cells_json }};
  var renderer = L.canvas({pane: "markerPane", padding: 0.2});
  cells.points.forEach(function (point) {
    var style = cells.styles[point[3]];
    var text = document.createElement("span");
    text.textContent = cells.texts[point[4]];
    L.circleMarker([point[0], point[1]], {
      renderer: renderer,
      radius: point[2],
      fillColor: style[0],
      color: style[1],
      weight: 1,
      fillOpacity: 0.8
    }).bindTooltip(text, {sticky: true}).addTo(group);
  });
})();
{% endmacro %}"""
    )

    def __init__(self, cells: dict[str, Any]) -> None:
        super().__init__()
        self._name = "CasePoints"
        self.cells_json = json_for_script(cells)

    def render(self, **kwargs: Any) -> None:
        """Add the script as finished text: branca would compile it as a Jinja template, and a
        text holding ``{{`` would then be code."""
        script = self._template.module.__dict__["script"]
        self.get_root().script.add_child(_RawScript(script(self, kwargs)), name=self.get_name())


def case_layer(
    points: pd.DataFrame,
    geojson: Mapping[str, Any],
    *,
    geometry_url: str,
    describe: Describe,
    unit_label: str,
    failure_text: str,
) -> folium.FeatureGroup:
    """The units' outlines (geometry fetched from ``geometry_url``, as the heat map does) and
    the cells of open cases over them. ``unit_label`` heads a unit's tooltip; ``failure_text``
    is shown if the geometry cannot be fetched."""
    layer = folium.FeatureGroup(name="open_cases", control=False)
    UnitShapes(geometry_url, outline_units(geojson, unit_label), failure_text).add_to(layer)
    CasePoints(point_payload(points, describe)).add_to(layer)
    return layer


def case_map(
    points: pd.DataFrame,
    geojson: Mapping[str, Any],
    *,
    geometry_url: str,
    describe: Describe,
    unit_label: str,
    failure_text: str,
    tile_url: str | None = None,
) -> folium.Map:
    """The heat map's base map with :func:`case_layer` on it."""
    fmap = base_map(geojson, tile_url=tile_url)
    case_layer(
        points,
        geojson,
        geometry_url=geometry_url,
        describe=describe,
        unit_label=unit_label,
        failure_text=failure_text,
    ).add_to(fmap)
    return fmap
