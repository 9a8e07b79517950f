"""The folium map: texts reach the browser as inert data, the base map never changes with the
filters (so the browser keeps its map frame), and nothing comes from the internet."""

from __future__ import annotations

import json
import re

import pandas as pd
from streamlit_folium import generate_js_hash, generate_leaflet_string

from geo.maps import TOOLTIP_FIELDS, base_map, json_for_script, unit_layer, unit_payload

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[108.0, 12.5], [108.1, 12.5], [108.1, 12.6], [108.0, 12.6], [108.0, 12.5]]],
}
GEOJSON = {
    "type": "FeatureCollection",
    "features": [{"type": "Feature", "geometry": SQUARE, "properties": {"code": "99001"}}],
}
GEOMETRY_URL = "/app/static/boundaries/abc.json"
CENTRES = pd.DataFrame({"centre_lat": [12.55], "centre_lon": [108.05]}, index=["99001"])
PAYLOADS = ("<img src=x onerror=alert(1)>", "${alert(document.cookie)}", "`x`", "a\\b", "</script>")


def texts_of(value: str) -> pd.DataFrame:
    return pd.DataFrame({field: [value] for field in TOOLTIP_FIELDS}, index=["99001"])


def render(name: str, band: str = "red") -> str:
    fmap = base_map(GEOJSON)
    units = unit_payload(
        texts_of(name),
        pd.Series({"99001": band}),
        pd.Series({"99001": True}),
        aliases=[name] * len(TOOLTIP_FIELDS),
        centres=CENTRES,
    )
    unit_layer(GEOMETRY_URL, units, failure_text=name).add_to(fmap)
    return fmap.get_root().render()


def units_data(page: str) -> dict:
    """The per-unit JSON the layer script carries (``var units = {...};``)."""
    match = re.search(r"var units = (\{.*?\});\n", page)
    assert match, "the layer script carries the units"
    return json.loads(match.group(1))


def test_json_for_script_escapes_what_could_end_a_script_block() -> None:
    assert json_for_script({"a": "</script>&'"}) == ('{"a":"\\u003c/script\\u003e\\u0026\\u0027"}')
    assert json_for_script("\u2028") == '"\\u2028"'


def test_hostile_names_travel_as_data_and_are_shown_verbatim() -> None:
    script_ends = render("benign").count("</script>")
    for payload in PAYLOADS:
        page = render(payload)
        assert "<img" not in page and page.count("</script>") == script_ends, payload
        lines = units_data(page)["99001"]["lines"]
        # Shown as typed (textContent in the browser), label beside value.
        assert lines == [[payload, payload]] * len(TOOLTIP_FIELDS), payload


def test_unit_payload_style_symbol_and_centre() -> None:
    units = unit_payload(
        texts_of("x"),
        pd.Series({"99001": "red"}),
        pd.Series({"99001": False}),
        aliases=list("abcde"),
        centres=CENTRES,
    )
    unit = units["99001"]
    # Red band (palette): fill #d9453b, line #8f2a23; outside the chosen peer group → faded.
    assert unit["style"]["fillColor"] == "#d9453b" and unit["style"]["color"] == "#8f2a23"
    assert unit["style"]["fillOpacity"] == 0.15 and unit["style"]["opacity"] == 0.3
    assert unit["symbol"] == "✕"
    assert unit["centre"] == [12.55, 108.05]
    assert [line[0] for line in unit["lines"]] == list("abcde")


def test_a_filter_change_keeps_the_base_map_and_its_component_key() -> None:
    """streamlit-folium keys its frame by the base script's hash: it must not depend on data."""
    first, second = base_map(GEOJSON), base_map(GEOJSON)
    keys = {generate_js_hash(generate_leaflet_string(m), "heat_map") for m in (first, second)}
    assert len(keys) == 1
    assert render("a", "red") != render("a", "green")  # while the layer does change


def test_the_map_loads_nothing_from_outside() -> None:
    page = render("Xã Ea Súp")
    assert "https://" not in page and "http://" not in page
    assert "/app/static/leaflet/leaflet.js" in page
    assert json.dumps(GEOMETRY_URL) in page


def test_the_map_takes_the_focus_without_scrolling_the_page() -> None:
    """Leaflet focuses the map on the first mousedown; inside streamlit-folium's frame that
    scrolled the page, and the click (mousedown and mouseup on different spots) reached no unit.
    The base map replaces that handler, after the map exists, with one that does not scroll."""
    script = generate_leaflet_string(base_map(GEOJSON))
    created = script.index("L.map(")
    patch = script.index("keyboard._onMouseDown = function")
    assert created < patch
    assert "focus({preventScroll: true})" in script[patch:]
    assert script.count("focus(") == 1  # no other focus call that could scroll
