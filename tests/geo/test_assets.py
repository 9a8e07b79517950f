"""Leaflet is copied from the installed package and the map asks for nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import folium

from geo.assets import install_leaflet_assets, local_folium_assets


def test_install_copies_leaflet_once(tmp_path: Path) -> None:
    install_leaflet_assets(tmp_path)
    leaflet = tmp_path / "leaflet"
    assert "Leaflet 1.9.4" in (leaflet / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert ".leaflet-container" in (leaflet / "leaflet.css").read_text(encoding="utf-8")
    assert (leaflet / "images" / "layers.png").stat().st_size > 0
    before = {p: p.stat().st_mtime_ns for p in leaflet.rglob("*") if p.is_file()}

    install_leaflet_assets(tmp_path)  # unchanged files are left alone
    assert {p: p.stat().st_mtime_ns for p in leaflet.rglob("*") if p.is_file()} == before

    (leaflet / "leaflet.css").write_text("damaged")
    install_leaflet_assets(tmp_path)  # a changed file is restored
    assert ".leaflet-container" in (leaflet / "leaflet.css").read_text(encoding="utf-8")
    assert not [p for p in leaflet.rglob(".*")]  # no temporary files left behind


def test_map_loads_only_local_leaflet() -> None:
    m = folium.Map(location=[13, 108.5], zoom_start=8, tiles=None)
    m.default_js, m.default_css = local_folium_assets()
    square = {"type": "Polygon", "coordinates": [[[108, 12], [109, 12], [109, 13], [108, 12]]]}
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": "1", "properties": {"name": "A"}, "geometry": square}
        ],
    }
    layer = folium.GeoJson(
        collection,
        style_function=lambda feature: {"fillColor": "#0b5394"},
        tooltip=folium.GeoJsonTooltip(fields=["name"]),
    ).add_to(m)
    folium.Tooltip("A").add_to(layer)
    rendered = m.get_root().render()
    assets = re.findall(r'<script[^>]*\ssrc="([^"]+)"|<link[^>]*\shref="([^"]+)"', rendered)
    assert sorted(filter(None, sum(assets, ()))) == [
        "/app/static/leaflet/leaflet.css",
        "/app/static/leaflet/leaflet.js",
    ]
    assert "http://" not in rendered and "https://" not in rendered
    assert "$(" not in rendered and "$.ajax" not in rendered  # no jQuery needed
