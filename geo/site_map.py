"""The map of mobile sites by stage, over the units' outlines on the heat map's base map, with
no request leaving the machine.

Drawn as the feedback map is (``geo.case_map``): the units' outlines from the fetched geometry,
and the sites as one JSON object drawn by a short script on one canvas — one circle per site,
coloured by its stage, larger when it serves the unit's centre, its tooltip the site's code,
operator, technology and stage put on the page as text (never as HTML). Use it inside the live
map frame like the heat map::

    st_folium(base_map(geojson, tile_url), feature_group_to_add=site_layer(sites, ...),
              key="site_map", render=False, returned_objects=[])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import folium
import pandas as pd

from common.site_stages import BLOCKED, SITE_STATES
from geo.case_map import CasePoints, outline_units
from geo.maps import UnitShapes

# Stages from pale to dark blue as a site moves on, on air green, blocked red: a projector that
# washes colours out still shows "done" and "stuck" apart (the tooltip says the stage in words).
STAGE_COLOURS: dict[str, tuple[str, str]] = {
    "planned": ("#d0d4da", "#6e737a"),
    "site_agreed": ("#c6dbef", "#4a6f96"),
    "permitted": ("#9ecae1", "#3d6b8f"),
    "power_ready": ("#6baed6", "#2f5f86"),
    "built": ("#3182bd", "#1c4f7a"),
    "integrated": ("#1f5fa8", "#123a66"),
    "on_air": ("#2e9d5b", "#1d6b3d"),
    BLOCKED: ("#d9453b", "#8f2a23"),
}
SITE_RADIUS_PX = 4.0
CENTRE_RADIUS_PX = 7.5  # the site serving the People's Committee: what the 2030 target counts

Describe = Callable[[pd.Series], str]  # a site's row → its tooltip's text


def site_payload(sites: pd.DataFrame, describe: Describe) -> dict[str, Any]:
    """What the browser draws (``geo.case_map.CasePoints``' shape): [lat, lon, radius, style,
    text] per site with a location; styles in :data:`SITE_STATES` order. Sites without
    coordinates are left out (the page lists them)."""
    located = sites.dropna(subset=["lat", "lon"])
    styles = {stage: i for i, stage in enumerate(SITE_STATES)}
    points, texts = [], []
    for i, (_, row) in enumerate(located.iterrows()):
        radius = CENTRE_RADIUS_PX if bool(row["serves_centre"]) else SITE_RADIUS_PX
        points.append([float(row["lat"]), float(row["lon"]), radius, styles[str(row["stage"])], i])
        texts.append(describe(row))
    # Centre sites last: drawn on top of the smaller ones around them.
    points.sort(key=lambda point: point[2])
    return {
        "points": points,
        "styles": [list(STAGE_COLOURS[stage]) for stage in SITE_STATES],
        "texts": texts,
    }


def site_layer(
    sites: pd.DataFrame,
    geojson: Mapping[str, Any],
    *,
    geometry_url: str,
    describe: Describe,
    unit_label: str,
    failure_text: str,
) -> folium.FeatureGroup:
    """The units' outlines and the sites over them (see the module's docstring)."""
    layer = folium.FeatureGroup(name="sites", control=False)
    UnitShapes(geometry_url, outline_units(geojson, unit_label), failure_text).add_to(layer)
    CasePoints(site_payload(sites, describe)).add_to(layer)
    return layer
