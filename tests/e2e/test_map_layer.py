"""The heat map's unit layer in a real browser: hostile names are shown, never run, and a
missing geometry file says so on the map."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from geo.assets import install_leaflet_assets
from geo.maps import TOOLTIP_FIELDS, base_map, unit_layer, unit_payload

ORIGIN = "http://dashboard.test"  # answered by page.route below: no request leaves the browser
GEOMETRY_URL = "/app/static/boundaries/test.json"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[108.0, 12.5], [108.4, 12.5], [108.4, 12.9], [108.0, 12.9], [108.0, 12.5]]],
}
HOSTILE = '<img src=x onerror="window.pwned=1">${window.pwned=2}`'


def map_page(name: str) -> str:
    geojson = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": SQUARE, "properties": {"code": "99001"}}],
    }
    fmap = base_map(geojson)
    units = unit_payload(
        pd.DataFrame({field: [name] for field in TOOLTIP_FIELDS}, index=["99001"]),
        pd.Series({"99001": "green"}),
        pd.Series({"99001": True}),
        aliases=["Đơn vị"] * len(TOOLTIP_FIELDS),
        centres=pd.DataFrame({"centre_lat": [12.7], "centre_lon": [108.2]}, index=["99001"]),
    )
    unit_layer(GEOMETRY_URL, units, failure_text="Không tải được ranh giới").add_to(fmap)
    return fmap.get_root().render(), geojson


def serve(page, tmp_path: Path, html: str, geometry: dict | None) -> None:
    install_leaflet_assets(tmp_path)

    def answer(route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path == "/":
            route.fulfill(body=html, content_type="text/html")
        elif path == GEOMETRY_URL and geometry is not None:
            route.fulfill(body=json.dumps(geometry), content_type="application/json")
        elif path.startswith("/app/static/leaflet/"):
            route.fulfill(path=str(tmp_path / path.removeprefix("/app/static/")))
        else:
            route.fulfill(status=404, body="")

    page.route(f"{ORIGIN}/**", answer)


def test_hostile_name_is_shown_as_text_and_never_runs(browser: object, tmp_path: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    html, geometry = map_page(HOSTILE)
    serve(page, tmp_path, html, geometry)
    page.goto(f"{ORIGIN}/")
    shape = page.locator("path.leaflet-interactive")
    shape.wait_for(timeout=30_000)
    assert page.locator(".band-symbol").inner_text() == "✓"
    shape.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert tooltip.locator("td").first.inner_text() == HOSTILE
    assert page.evaluate("() => window.pwned") is None
    page.close()


def test_missing_geometry_is_reported_on_the_map(browser: object, tmp_path: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    html, _ = map_page("Xã Ea Súp")
    serve(page, tmp_path, html, geometry=None)
    page.goto(f"{ORIGIN}/")
    note = page.locator(".map-failure")
    note.wait_for(timeout=30_000)
    assert note.inner_text().startswith("Không tải được ranh giới (HTTP 404)")
    assert page.locator("path.leaflet-interactive").count() == 0
    page.close()
