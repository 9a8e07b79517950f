"""Leaflet is copied from the installed package and the map asks for nothing else."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium

from geo.assets import install_leaflet_assets, local_folium_assets, publish_geometry


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


def _collection(*codes: str) -> dict:
    square = {"type": "Polygon", "coordinates": [[[108, 12], [109, 12], [109, 13], [108, 12]]]}
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": c, "name": "N"}, "geometry": square}
            for c in codes
        ],
    }


def test_geometry_is_published_once_under_its_content_hash(tmp_path: Path) -> None:
    boundaries = _collection("1", "2")
    url = publish_geometry(boundaries, tmp_path)
    name = url.rsplit("/", 1)[1]
    assert url == f"/app/static/boundaries/{name}" and re.fullmatch(r"[0-9a-f]{20}\.json", name)
    written = tmp_path / "boundaries" / name
    data = json.loads(written.read_text(encoding="utf-8"))
    assert [f["properties"] for f in data["features"]] == [{"code": "1"}, {"code": "2"}]

    stamp = written.stat().st_mtime_ns
    assert publish_geometry(boundaries, tmp_path) == url  # same boundaries: nothing rewritten
    assert written.stat().st_mtime_ns == stamp
    assert publish_geometry(_collection("1", "3"), tmp_path) != url  # new boundaries, new name


def test_old_geometry_files_are_pruned(tmp_path: Path) -> None:
    urls = [publish_geometry(_collection(str(n)), tmp_path) for n in range(8)]
    kept = {p.name for p in (tmp_path / "boundaries").glob("*.json")}
    assert len(kept) == 5 and urls[-1].rsplit("/", 1)[1] in kept
    assert not list((tmp_path / "boundaries").glob(".*"))  # no temporary files left behind
