"""The folium heat map of the units, coloured by band, drawn with no request leaving the machine.

Every string that reaches folium goes through ``geo.escape.escape_for_map`` here: folium does
not escape tooltip or popup text, and the map's frame shares the app's origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import folium
import pandas as pd

from geo.assets import local_folium_assets
from geo.escape import escape_for_map
from geo.palette import BAND_STYLES, FADED_OPACITY

PROVINCE_CENTRE = (12.93, 108.47)  # between the Cambodian border and the Tuy Hòa coast
TOOLTIP_FIELDS = ("t_name", "t_score", "t_band", "t_rank", "t_change")


def _style(band: str, in_view: bool) -> dict[str, Any]:
    style = BAND_STYLES[band]
    return {
        "fillColor": style.fill,
        "color": style.line,
        "weight": 1.2,
        "dashArray": style.dash,
        "fillOpacity": 0.85 if in_view else FADED_OPACITY,
        "opacity": 1.0 if in_view else 0.3,
    }


def with_unit_properties(
    geojson: Mapping[str, Any], texts: pd.DataFrame, bands: pd.Series, in_view: pd.Series
) -> dict[str, Any]:
    """New features whose properties carry the tooltip texts, escaped, and a style.

    Geometries are shared with the cached boundaries, never copied (100 ms) nor modified.
    """
    features = []
    for feature in geojson["features"]:
        code = feature["properties"]["code"]
        properties = {"code": escape_for_map(code)}
        for field in TOOLTIP_FIELDS:
            properties[field] = escape_for_map(str(texts.at[code, field]))
        properties["style"] = _style(str(bands.get(code, "grey")), bool(in_view.get(code, True)))
        features.append(
            {"type": "Feature", "geometry": feature["geometry"], "properties": properties}
        )
    return {"type": "FeatureCollection", "features": features}


def heat_map(
    geojson: Mapping[str, Any],
    texts: pd.DataFrame,
    bands: pd.Series,
    in_view: pd.Series,
    aliases: list[str],
    centres: pd.DataFrame,
    tile_url: str | None = None,
) -> folium.Map:
    """The map: one polygon per unit, its band's colour, symbol marker, and a tooltip.

    ``texts`` is indexed by unit code with the already formatted (translated) ``TOOLTIP_FIELDS``;
    ``aliases`` are their translated labels; ``centres`` has centre_lat/centre_lon by code.
    """
    fmap = folium.Map(
        location=PROVINCE_CENTRE,
        zoom_start=8,
        tiles=tile_url,
        # folium requires an attribution for custom tiles: name the tile server's host.
        attr=escape_for_map(urlparse(tile_url).hostname or tile_url) if tile_url else None,
        prefer_canvas=False,
        zoom_snap=0.1,  # fractional zoom: the province fills the frame at any screen size
        zoom_delta=0.5,
    )
    fmap.default_js, fmap.default_css = local_folium_assets()
    data = with_unit_properties(geojson, texts, bands, in_view)
    folium.GeoJson(
        data,
        name="units",
        style_function=lambda feature: feature["properties"]["style"],
        highlight_function=lambda _feature: {"weight": 3, "color": "#0b5394"},
        tooltip=folium.GeoJsonTooltip(
            fields=list(TOOLTIP_FIELDS),
            aliases=[escape_for_map(a) for a in aliases],
            sticky=True,
        ),
    ).add_to(fmap)
    _add_band_symbols(fmap, bands, centres)
    fmap.get_root().header.add_child(folium.Element(SYMBOL_CSS))
    fmap.fit_bounds(_cached_bounds(geojson))
    return fmap


def _add_band_symbols(fmap: folium.Map, bands: pd.Series, centres: pd.DataFrame) -> None:
    """The band's symbol at each unit's centre: one point layer per band, not 102 markers.

    (Rendering 102 separate folium markers cost a large share of the page's server time.)
    """
    for band, style in BAND_STYLES.items():
        codes = [code for code in centres.index if str(bands.get(code, "grey")) == band]
        if not codes:
            continue
        points = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [
                            float(centres.at[code, "centre_lon"]),
                            float(centres.at[code, "centre_lat"]),
                        ],
                    },
                    "properties": {},
                }
                for code in codes
            ],
        }
        icon = folium.DivIcon(
            html=f'<div class="band-symbol">{escape_for_map(style.symbol)}</div>',
            icon_size=(14, 14),
            icon_anchor=(7, 7),
        )
        folium.GeoJson(
            points, name=f"symbols-{band}", marker=folium.Marker(icon=icon, interactive=False)
        ).add_to(fmap)


_BOUNDS: dict[int, list[list[float]]] = {}


def _cached_bounds(geojson: Mapping[str, Any]) -> list[list[float]]:
    """The boundaries' extent, computed once per loaded boundary set (it never changes)."""
    key = id(geojson)
    if key not in _BOUNDS:
        _BOUNDS.clear()  # only the boundaries in use are kept
        _BOUNDS[key] = _bounds(geojson)
    return _BOUNDS[key]


SYMBOL_CSS = """<style>
.band-symbol { font: bold 12px/14px sans-serif; text-align: center; color: #111;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
.leaflet-container { background: #f4f6f8; }
</style>"""


def _bounds(geojson: Mapping[str, Any]) -> list[list[float]]:
    lons, lats = [], []
    for feature in geojson["features"]:
        for lon, lat in _coordinates(feature["geometry"]["coordinates"]):
            lons.append(lon)
            lats.append(lat)
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _coordinates(nested: Any) -> list[tuple[float, float]]:
    if isinstance(nested[0], int | float):
        return [(nested[0], nested[1])]
    points: list[tuple[float, float]] = []
    for part in nested:
        points += _coordinates(part)
    return points
