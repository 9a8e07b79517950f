"""The folium map: every text reaching it is escaped, and it needs nothing from the internet."""

from __future__ import annotations

import pandas as pd

from geo.maps import TOOLTIP_FIELDS, heat_map

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[108.0, 12.5], [108.1, 12.5], [108.1, 12.6], [108.0, 12.6], [108.0, 12.5]]],
}
PAYLOADS = ("<img src=x onerror=alert(1)>", "${alert(document.cookie)}", "`x`", "a\\b")


def render(name: str) -> str:
    geojson = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": SQUARE, "properties": {"code": "99001"}}],
    }
    texts = pd.DataFrame({field: [name] for field in TOOLTIP_FIELDS}, index=["99001"])
    fmap = heat_map(
        geojson,
        texts,
        pd.Series({"99001": "red"}),
        pd.Series({"99001": True}),
        aliases=[name] * len(TOOLTIP_FIELDS),
        centres=pd.DataFrame({"centre_lat": [12.55], "centre_lon": [108.05]}, index=["99001"]),
    )
    return fmap.get_root().render()


def test_injected_names_reach_the_map_inert() -> None:
    for payload in PAYLOADS:
        page = render(payload)
        assert payload not in page, payload
    # Escaped once by escape_for_map (&lt;) and JSON-encoded by folium (& → \\u0026).
    assert "lt;img src=x onerror=alert(1)" in render(PAYLOADS[0])


def test_the_map_loads_nothing_from_outside() -> None:
    page = render("Xã Ea Súp")
    assert "https://" not in page and "http://" not in page
    assert "/app/static/leaflet/leaflet.js" in page
