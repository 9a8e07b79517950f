"""The folium heat map of the units, coloured by band, drawn with no request leaving the machine.

The map is split in two so that a filter change is cheap: ``base_map`` (frame, tiles, extent) is
the same on every run, and ``unit_layer`` carries what changes — each unit's style, tooltip lines
and band symbol, about 30 KB. The geometry (≈ 1 MB) is not in the layer: the browser fetches it
once from a content-addressed static file (``geo.assets.publish_geometry``) and keeps it parsed
for the page's lifetime. Embedding it cost every rerun ≈ 0.3 s of JSON encoding and template
compilation on the server, 1 MB on the websocket and a re-parse in the browser.

Texts reach the browser as JSON data and are put on the page with ``textContent``, never as
HTML, so a unit name such as ``<img onerror=…>`` or ``${…}`` is shown, not run. (folium's own
``Tooltip``/``GeoJsonTooltip`` insert text as HTML and need ``geo.escape.escape_for_map``.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import folium
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.assets import local_folium_assets
from geo.escape import escape_for_map
from geo.palette import BAND_STYLES, FADED_OPACITY
from metrics.bands import Band

PROVINCE_CENTRE = (12.93, 108.47)  # between the Cambodian border and the Tuy Hòa coast
TOOLTIP_FIELDS = ("t_name", "t_score", "t_band", "t_rank", "t_change")
HIGHLIGHT_STYLE = {"weight": 3, "color": "#0b5394"}


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


def json_for_script(value: Any) -> str:
    """``value`` as JSON that is safe inside an HTML ``<script>`` and in JavaScript source.

    ``<``, ``>``, ``&`` and ``'`` become ``\\u`` escapes (no ``</script>`` can end the block), and
    ``ensure_ascii`` also escapes U+2028/U+2029, which end a line in older JavaScript.
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    for char in "<>&'":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def unit_payload(
    texts: pd.DataFrame,
    bands: pd.Series,
    in_view: pd.Series,
    aliases: list[str],
    centres: pd.DataFrame,
) -> dict[str, Any]:
    """What the browser needs per unit code: style, tooltip lines, symbol and its position."""
    # Plain dicts: pandas' scalar access (.at) in this loop cost ≈ 20 ms of every map run.
    rows = texts[list(TOOLTIP_FIELDS)].astype(str).to_dict("index")
    band_of, in_view_of = bands.to_dict(), in_view.to_dict()
    centre_of = centres[["centre_lat", "centre_lon"]].to_dict("index")
    units = {}
    for code, row in rows.items():
        band = str(band_of.get(code, Band.GREY))
        unit: dict[str, Any] = {
            "style": _style(band, bool(in_view_of.get(code, True))),
            "lines": [
                [alias, row[field]] for alias, field in zip(aliases, TOOLTIP_FIELDS, strict=True)
            ],
            "symbol": BAND_STYLES[band].symbol,
        }
        if code in centre_of:
            centre = centre_of[code]
            unit["centre"] = [float(centre["centre_lat"]), float(centre["centre_lon"])]
        units[str(code)] = unit
    return units


class _RawScript(Element):
    """Finished JavaScript added to a folium figure as it is (no Jinja pass over data)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        del kwargs
        return self.text


class UnitShapes(MacroElement):
    """The units' polygons, tooltips and band symbols, drawn in the browser from fetched geometry.

    The parsed geometry is kept per URL in the frame (``window.dashboardShapes``), so swapping
    this layer on a filter change neither fetches nor parses it again.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  var group = {{ this._parent.get_name() }};
  var units = {{ this.units_json }};
  var failure = {{ this.failure_json }};
  var url = {{ this.url_json }};
  var highlight = {{ this.highlight_json }};
  // streamlit-folium removes the previous layers from the map before this runs but keeps them
  // in window.feature_group for ever: forget them, or every filter change would leak a layer.
  if (Array.isArray(window.feature_group)) { window.feature_group.length = 0; }
  var cache = window.dashboardShapes = window.dashboardShapes || {};
  if (!cache[url]) {
    cache[url] = fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }
  function tooltipTable(lines) {
    var table = document.createElement("table");
    lines.forEach(function (line) {
      var row = table.insertRow();
      var head = document.createElement("th");
      head.textContent = line[0];
      head.style.textAlign = "left";
      head.style.paddingRight = "8px";
      row.appendChild(head);
      row.insertCell().textContent = line[1];
    });
    return table;
  }
  var shapes = L.geoJSON(null, {
    style: function (feature) {
      var unit = units[feature.properties.code];
      return unit ? unit.style : {};
    },
    onEachFeature: function (feature, layer) {
      var unit = units[feature.properties.code];
      if (!unit) { return; }
      layer.bindTooltip(tooltipTable(unit.lines), {sticky: true});
      layer.on("mouseover", function () { layer.setStyle(highlight); });
      layer.on("mouseout", function () { shapes.resetStyle(layer); });
    }
  }).addTo(group);
  cache[url].then(function (data) {
    shapes.addData(data);
  }).catch(function (error) {
    var note = L.control({position: "topright"});
    note.onAdd = function () {
      var box = L.DomUtil.create("div", "map-failure");
      box.textContent = failure + " (" + error.message + ")";
      return box;
    };
    note.addTo(group._map || window.map);
  });
  Object.keys(units).forEach(function (code) {
    var unit = units[code];
    if (!unit.centre) { return; }
    var mark = document.createElement("div");
    mark.className = "band-symbol";
    mark.textContent = unit.symbol;
    L.marker(unit.centre, {
      icon: L.divIcon({html: mark, className: "", iconSize: [14, 14], iconAnchor: [7, 7]}),
      interactive: false,
      keyboard: false
    }).addTo(group);
  });
})();
{% endmacro %}"""
    )

    def __init__(self, geometry_url: str, units: dict[str, Any], failure_text: str) -> None:
        super().__init__()
        self._name = "UnitShapes"
        self.url_json = json_for_script(geometry_url)
        self.units_json = json_for_script(units)
        self.failure_json = json_for_script(failure_text)
        self.highlight_json = json_for_script(HIGHLIGHT_STYLE)

    def render(self, **kwargs: Any) -> None:
        """Add the script as finished text: branca would compile it as a Jinja template."""
        script = self._template.module.__dict__["script"]
        self.get_root().script.add_child(_RawScript(script(self, kwargs)), name=self.get_name())


class FocusWithoutScrolling(MacroElement):
    """Leaflet's keyboard handler, made to focus the map without scrolling the page around it.

    On the first mousedown Leaflet focuses the map container (for arrow-key panning) and then
    restores the scroll of its own window only. Inside streamlit-folium's iframe ``focus()``
    scrolls the Streamlit page that holds the frame instead: a map partly off screen jumps up
    between mousedown and mouseup, the mouseup lands on another shape, and the browser sends the
    click to the shapes' common parent (the SVG group or the map container), which is no unit.
    ``preventScroll`` keeps the page still and the map keeps its keyboard control.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (map) {
  var keyboard = map.keyboard;
  if (!keyboard) { return; }
  keyboard.disable();  // unbinds the prototype's handler; enable() binds the one below
  keyboard._onMouseDown = function () {
    if (!this._focused) { this._map._container.focus({preventScroll: true}); }
  };
  keyboard.enable();
})({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScrolling"


def base_map(geojson: Mapping[str, Any], tile_url: str | None = None) -> folium.Map:
    """The map without data: frame, optional tiles, fitted to the province. Same every run.

    Keeping the base identical across reruns keeps the browser's map frame alive: streamlit-folium
    keys its component by the base script, so a changed base would rebuild the whole frame
    (≈ 0.5 s on a filter change) where a changed ``unit_layer`` is only swapped inside it.
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
    fmap.get_root().header.add_child(folium.Element(SYMBOL_CSS))
    fmap.fit_bounds(_cached_bounds(geojson))
    FocusWithoutScrolling().add_to(fmap)
    return fmap


def unit_layer(geometry_url: str, units: dict[str, Any], failure_text: str) -> folium.FeatureGroup:
    """What ``base_map`` shows of the data: each unit's band colour, tooltip and band symbol.

    ``geometry_url`` serves the units' polygons (property ``code``); ``units`` is
    ``unit_payload(…)``; ``failure_text`` is shown if the geometry cannot be fetched.
    """
    layer = folium.FeatureGroup(name="units", control=False)
    UnitShapes(geometry_url, units, failure_text).add_to(layer)
    return layer


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
.map-failure { background: #fff; padding: 4px 8px; border: 1px solid #d9453b; }
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
