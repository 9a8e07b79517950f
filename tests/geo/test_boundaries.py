"""Boundaries: the reference files load and stay web-ready; bad files are named, never cached."""

from __future__ import annotations

import json
import os
import shutil
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import shape

import geo.boundaries as boundaries
from data.registry import UnitRecord, load_units
from data.settings import Settings, load_settings
from geo.boundaries import BoundaryError, load_boundaries, process_boundaries
from tests.geo.conftest import DETAILED, REFERENCE

ONE_MB = 1_000_000
DETAILED_VERTICES = 406_495  # SOURCES.md


def settings_for(source: Path | str | None, code_field: str | None = None) -> Settings:
    env = {"DASHBOARD_BOUNDARIES": str(source) if source else ""}
    if code_field:
        env["DASHBOARD_BOUNDARIES_CODE_FIELD"] = code_field
    return load_settings(env)


def write_geojson(path: Path, collection: dict[str, Any]) -> Path:
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def feature(collection: dict[str, Any], code: str) -> dict[str, Any]:
    return next(f for f in collection["features"] if f["properties"]["code"] == code)


def position(collection: dict[str, Any], code: str) -> int:
    """1-based feature number of ``code``, as the error messages count."""
    codes = [f["properties"]["code"] for f in collection["features"]]
    return codes.index(code) + 1


def frame_of(collection: dict[str, Any]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")


def error_for(path: Path, units: list[UnitRecord], code_field: str | None = None) -> BoundaryError:
    with pytest.raises(BoundaryError) as caught:
        process_boundaries(path, str(path), units, code_field)
    assert str(path) in str(caught.value)  # every message names the file
    return caught.value


def geometries(collection: dict[str, Any]) -> np.ndarray:
    return np.array([shape(f["geometry"]) for f in collection["features"]], dtype=object)


# --- the reference files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def processed() -> dict[str, tuple[dict[str, Any], list[str]]]:
    units = load_units()
    return {path.name: process_boundaries(path, str(path), units) for path in (REFERENCE, DETAILED)}


@pytest.mark.parametrize("name", [REFERENCE.name, DETAILED.name])
def test_reference_files_load_web_ready(
    processed: dict[str, tuple[dict[str, Any], list[str]]], name: str, units: list[UnitRecord]
) -> None:
    collection, warnings = processed[name]
    assert warnings == []
    assert len(collection["features"]) == len(units)
    assert [f["properties"]["code"] for f in collection["features"]] == sorted(
        u.code for u in units
    )
    tuy_hoa = next(f for f in collection["features"] if f["id"] == "22015")
    assert tuy_hoa["properties"] == {
        "code": "22015",
        "name": "Tuy Hòa",
        "full_name": "Phường Tuy Hòa",
    }
    shapes = geometries(collection)
    west, south, east, north = shapely.total_bounds(shapes)
    # Đắk Lắk in longitude/latitude: roughly 107.4–109.5 °E, 12.1–13.8 °N.
    assert 107 < west < east < 110 and 12 < south < north < 14
    assert shapely.coverage_is_valid(shapes)  # neighbours still share their edges exactly
    size = len(json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode())
    assert size < ONE_MB
    coordinates = shapely.get_coordinates(shapes)
    assert np.array_equal(coordinates, np.round(coordinates, 5))


def test_detailed_file_is_simplified(
    processed: dict[str, tuple[dict[str, Any], list[str]]],
) -> None:
    vertices = shapely.get_num_coordinates(geometries(processed[DETAILED.name][0])).sum()
    assert vertices <= boundaries.VERTEX_BUDGET < DETAILED_VERTICES


def test_already_simplified_file_is_kept_as_it_is(
    processed: dict[str, tuple[dict[str, Any], list[str]]], reference: dict[str, Any]
) -> None:
    """39,372 vertices are within the budget: no second simplification, only re-oriented."""
    ours = geometries(processed[REFERENCE.name][0])
    theirs = {f["id"]: shape(f["geometry"]) for f in reference["features"]}
    codes = [f["id"] for f in processed[REFERENCE.name][0]["features"]]
    assert all(shapely.equals(ours[i], theirs[code]) for i, code in enumerate(codes))


# --- bad files: every problem named -------------------------------------------------------------


def test_missing_code_is_listed_with_its_name(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    reference["features"] = [f for f in reference["features"] if f["id"] != "24121"]
    error = error_for(write_geojson(tmp_path / "b.geojson", reference), units)
    assert error.problems == ["1 registry units have no feature: 24121 (Tân Lập)"]


def test_extra_code_is_named_with_its_feature(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[108, 12], [108.01, 12], [108, 12.01], [108, 12]]],
    }
    reference["features"].append(
        {"type": "Feature", "properties": {"code": "99999"}, "geometry": square}
    )
    error = error_for(write_geojson(tmp_path / "b.geojson", reference), units)
    assert error.problems == ["1 codes are not in the registry of units: 99999 (feature 103)"]


def test_duplicate_code_names_both_features(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    first = position(reference, "24133")
    reference["features"].append(feature(reference, "24133"))
    error = error_for(write_geojson(tmp_path / "b.geojson", reference), units)
    assert error.problems == [f"code 24133 (Buôn Ma Thuột) is on 2 features: {first}, 103"]


def test_self_intersecting_polygon_is_named(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    target = feature(reference, "22015")
    ring = target["geometry"]["coordinates"][0][0]
    ring[1], ring[len(ring) // 2] = ring[len(ring) // 2], ring[1]  # a bow-tie
    error = error_for(write_geojson(tmp_path / "b.geojson", reference), units)
    assert len(error.problems) == 1
    assert error.problems[0].startswith(
        f"feature {position(reference, '22015')} (code 22015): invalid geometry, "
    )
    assert "intersection" in error.problems[0].lower()


def test_empty_geometry_is_named(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    feature(reference, "22045")["geometry"] = None
    error = error_for(write_geojson(tmp_path / "b.geojson", reference), units)
    assert error.problems == [
        f"feature {position(reference, '22045')} (code 22045): empty geometry"
    ]


def test_all_problems_are_collected_at_once(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    reference["features"] = [f for f in reference["features"] if f["id"] != "24121"]
    feature(reference, "22045")["geometry"] = None
    feature(reference, "22051")["properties"]["code"] = "2205X"
    error = error_for(write_geojson(tmp_path / "b.geojson", reference), units)
    text = "\n".join(error.problems)
    assert len(error.problems) == 3
    for fragment in ("24121 (Tân Lập)", "(code 22045): empty geometry", "'2205X'", "22051"):
        assert fragment in text


def test_geojson_with_projected_coordinates_is_refused(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    """GeoJSON has no CRS member here, so GDAL reads it as WGS84: metres are not degrees."""
    projected = json.loads(frame_of(reference).to_crs("EPSG:32649").to_json())
    del projected["crs"]  # geopandas writes the old-style "crs" member, which GDAL honours
    error = error_for(write_geojson(tmp_path / "b.geojson", projected), units)
    assert len(error.problems) == 1
    assert "do not fall in Vietnam" in error.problems[0]
    assert "EPSG:4326" in error.problems[0]


def zip_shapefile(frame: gpd.GeoDataFrame, path: Path, with_prj: bool = True) -> Path:
    folder = path.parent / "shp"
    folder.mkdir()
    frame.to_file(folder / "units.shp")
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(folder.iterdir()):
            if with_prj or part.suffix != ".prj":
                archive.write(part, part.name)
    shutil.rmtree(folder)
    return path


def test_shapefile_without_crs_and_projected_coordinates_is_refused(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    frame = frame_of(reference)[["code", "geometry"]].to_crs("EPSG:32649")
    path = zip_shapefile(frame, tmp_path / "b.zip", with_prj=False)
    error = error_for(path, units)
    assert len(error.problems) == 1
    assert "declares no coordinate reference system" in error.problems[0]
    assert "not longitude/latitude" in error.problems[0]


def test_shapefile_without_crs_in_degrees_is_taken_as_wgs84(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    frame = frame_of(reference)[["code", "geometry"]]
    collection, warnings = process_boundaries(
        zip_shapefile(frame, tmp_path / "b.zip", with_prj=False), "b.zip", units
    )
    assert len(collection["features"]) == len(units)
    assert any("no coordinate reference system" in w and "EPSG:4326" in w for w in warnings)


def test_zipped_shapefile_with_another_code_field(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    frame = frame_of(reference)[["code", "geometry"]].rename(columns={"code": "xa_id"})
    path = zip_shapefile(frame, tmp_path / "b.zip")
    error = error_for(path, units)
    assert len(error.problems) == 1
    assert "no code field" in error.problems[0]
    assert "xa_id" in error.problems[0]  # the fields the file does have
    assert "DASHBOARD_BOUNDARIES_CODE_FIELD" in error.problems[0]
    collection, _ = process_boundaries(path, str(path), units, code_field="xa_id")
    assert len(collection["features"]) == len(units)


def test_zipped_shapefile_with_ma_xa_is_detected(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    frame = frame_of(reference)[["code", "geometry"]].rename(columns={"code": "MA_XA"})
    path = zip_shapefile(frame, tmp_path / "b.zip")
    collection, warnings = process_boundaries(path, str(path), units)
    assert len(collection["features"]) == len(units)
    assert warnings == []


def test_code_field_setting_that_is_absent_is_named(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    error = error_for(write_geojson(tmp_path / "b.geojson", reference), units, "ma_xa")
    assert len(error.problems) == 1
    assert "'ma_xa' (setting DASHBOARD_BOUNDARIES_CODE_FIELD) is not in the file" in str(error)


def test_unreadable_file_is_named(tmp_path: Path, units: list[UnitRecord]) -> None:
    path = tmp_path / "b.geojson"
    path.write_text("not json at all")
    error = error_for(path, units)
    assert len(error.problems) == 1
    assert error.problems[0].startswith("cannot be read as a GeoJSON")


def test_geopackage_with_two_polygon_layers_is_refused(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    path = tmp_path / "b.gpkg"
    frame = frame_of(reference)[["code", "geometry"]]
    frame.to_file(path, layer="xa_2025", driver="GPKG")
    frame.to_file(path, layer="xa_old", driver="GPKG")
    error = error_for(path, units)
    assert len(error.problems) == 1
    assert "2 layers (xa_2025 (MultiPolygon), xa_old (MultiPolygon))" in error.problems[0]


def test_geopackage_in_utm_is_converted_to_wgs84(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    path = tmp_path / "b.gpkg"
    frame_of(reference)[["code", "geometry"]].to_crs("EPSG:32649").to_file(path, driver="GPKG")
    collection, warnings = process_boundaries(path, str(path), units)
    assert warnings == ["converted from EPSG:32649 to WGS84 (EPSG:4326)"]
    ours = {f["id"]: shape(f["geometry"]) for f in collection["features"]}
    theirs = {f["id"]: shape(f["geometry"]) for f in reference["features"]}
    # Back in degrees, within the 5-decimal rounding (~1 m) of the original.
    assert all(shapely.hausdorff_distance(ours[c], theirs[c]) < 2e-5 for c in theirs)


def test_numeric_codes_are_read_with_a_warning(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    for item in reference["features"]:
        item["properties"]["code"] = int(item["properties"]["code"])
    path = write_geojson(tmp_path / "b.geojson", reference)
    collection, warnings = process_boundaries(path, str(path), units)
    assert len(collection["features"]) == len(units)
    assert warnings == ["field code holds numbers, not text: read as 5-digit codes"]


def test_short_codes_are_zero_padded_with_a_warning(units: list[UnitRecord]) -> None:
    frame = gpd.GeoDataFrame({"code": [2015, 22045]}, geometry=[None, None])
    problems: list[str] = []
    warnings: list[str] = []
    assert boundaries._codes(frame, "code", problems, warnings) == ["02015", "22045"]
    assert problems == []
    assert warnings == [
        "field code holds numbers, not text: read as 5-digit codes, 1 zero-padded (2015→02015)"
    ]


def test_swapped_codes_are_warned_about(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    """Tuy Hòa (coast) and Buôn Ma Thuột (highlands) swapped: each lies ~140 km off."""
    feature(reference, "22015")["properties"]["code"] = "swap"
    feature(reference, "24133")["properties"]["code"] = "22015"
    feature(reference, "swap")["properties"]["code"] = "24133"
    path = write_geojson(tmp_path / "b.geojson", reference)
    _, warnings = process_boundaries(path, str(path), units)
    assert len(warnings) == 2
    assert warnings[0].startswith("2 polygons lie away from their unit's registry centre")
    assert "22015 (" in warnings[0] and "24133 (" in warnings[0]
    assert "22015 (" in warnings[1] and "24133 (" in warnings[1]  # areas 36 vs 13 km²: off too


# --- loading, the cache and the previous boundaries ---------------------------------------------


def test_nothing_configured_and_nothing_cached(tmp_path: Path) -> None:
    state = load_boundaries(settings_for(None), tmp_path / "cache")
    assert state.geojson is None
    assert state.error is None
    assert state.source is None


def test_settings_read_the_source_and_code_field() -> None:
    settings = load_settings(
        {"DASHBOARD_BOUNDARIES": " /data/x.gpkg ", "DASHBOARD_BOUNDARIES_CODE_FIELD": "maXa"}
    )
    assert settings.boundaries == "/data/x.gpkg"
    assert settings.boundaries_code_field == "maXa"
    assert load_settings({}).boundaries is None


def test_good_load_is_cached_and_not_processed_again(
    tmp_path: Path, units: list[UnitRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    source = shutil.copy(REFERENCE, tmp_path / "communes.geojson")
    state = load_boundaries(settings_for(source), cache, units)
    assert state.error is None
    assert state.source == str(source)
    assert len(state.geojson["features"]) == len(units)
    meta = json.loads((cache / "meta.json").read_text())
    assert meta["feature_count"] == len(units)
    assert meta["source"] == str(source)
    assert meta["source_fingerprint"].startswith("size=")

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("processed again although the source did not change")

    monkeypatch.setattr(boundaries, "process_boundaries", must_not_run)
    boundaries._GEOJSON_MEMO.clear()  # as a new process: read from var/boundaries
    again = load_boundaries(settings_for(source), cache, units)
    assert again.geojson == state.geojson
    assert again.version == state.version
    assert load_boundaries(settings_for(None), cache, units).geojson == state.geojson


def test_bad_file_keeps_the_previous_boundaries(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    cache = tmp_path / "cache"
    good = load_boundaries(settings_for(REFERENCE), cache, units)
    cached_files = {p.name: p.read_bytes() for p in cache.iterdir()}
    reference["features"] = [f for f in reference["features"] if f["id"] != "24121"]
    bad = write_geojson(tmp_path / "bad.geojson", reference)

    state = load_boundaries(settings_for(bad), cache, units)
    assert state.error is not None
    assert state.error.source == str(bad)
    assert "24121 (Tân Lập)" in str(state.error)
    assert state.geojson == good.geojson  # still drawn
    assert state.source == str(REFERENCE)  # and said where it came from
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == cached_files  # nothing touched
    assert load_boundaries(settings_for(bad), cache, units).error is state.error  # not re-read


def test_bad_file_with_nothing_cached(tmp_path: Path, units: list[UnitRecord]) -> None:
    state = load_boundaries(settings_for(tmp_path / "absent.geojson"), tmp_path / "c", units)
    assert state.geojson is None
    assert state.error is not None
    assert state.error.problems[0].startswith("file not found")
    assert not (tmp_path / "c").exists()


def test_unsupported_file_type(tmp_path: Path, units: list[UnitRecord]) -> None:
    path = tmp_path / "units.kml"
    path.write_text("<kml/>")
    state = load_boundaries(settings_for(path), tmp_path / "c", units)
    assert "unsupported file type '.kml'" in str(state.error)


def test_changed_file_is_processed_again(
    tmp_path: Path, reference: dict[str, Any], units: list[UnitRecord]
) -> None:
    cache = tmp_path / "cache"
    source = write_geojson(tmp_path / "b.geojson", reference)
    first = load_boundaries(settings_for(source), cache, units)
    reference["features"] = [f for f in reference["features"] if f["id"] != "24121"]
    write_geojson(source, reference)
    os.utime(source, ns=(1, 1))  # a different size and mtime
    broken = load_boundaries(settings_for(source), cache, units)
    assert broken.error is not None
    assert broken.geojson == first.geojson


def test_unwritable_cache_still_draws_and_says_so(tmp_path: Path, units: list[UnitRecord]) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    state = load_boundaries(settings_for(REFERENCE), blocked, units)
    assert state.error is None
    assert len(state.geojson["features"]) == len(units)
    assert state.warnings[-1].startswith("boundaries not cached")
    assert load_boundaries(settings_for(REFERENCE), blocked, units).version == state.version


def test_damaged_cache_counts_as_absent(tmp_path: Path, units: list[UnitRecord]) -> None:
    cache = tmp_path / "cache"
    state = load_boundaries(settings_for(REFERENCE), cache, units)
    cached = cache / json.loads((cache / "meta.json").read_text())["geojson_file"]
    cached.write_bytes(cached.read_bytes()[:1000])
    boundaries._GEOJSON_MEMO.clear()
    assert load_boundaries(settings_for(None), cache, units).geojson is None
    again = load_boundaries(settings_for(REFERENCE), cache, units)  # rebuilt from the source
    assert again.geojson == state.geojson


def test_feature_collection_adds_values_without_touching_the_cache(
    tmp_path: Path, units: list[UnitRecord]
) -> None:
    state = load_boundaries(settings_for(REFERENCE), tmp_path / "cache", units)
    coloured = state.feature_collection({"22015": {"band": "green"}})
    tuy_hoa = next(f for f in coloured["features"] if f["id"] == "22015")
    assert tuy_hoa["properties"]["band"] == "green"
    assert all("band" not in f["properties"] for f in state.geojson["features"])


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local web server over a folder: (base URL, folder)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def test_url_is_downloaded_and_cached(
    tmp_path: Path, http_root: tuple[str, Path], units: list[UnitRecord]
) -> None:
    base, root = http_root
    shutil.copy(REFERENCE, root / "communes.geojson")
    state = load_boundaries(settings_for(f"{base}/communes.geojson"), tmp_path / "cache", units)
    assert state.error is None
    assert state.source == f"{base}/communes.geojson"
    assert len(state.geojson["features"]) == len(units)
    meta = json.loads((tmp_path / "cache" / "meta.json").read_text())
    assert meta["source_fingerprint"].startswith("sha256=")


def test_unreachable_url_keeps_the_previous_boundaries(
    tmp_path: Path, http_root: tuple[str, Path], units: list[UnitRecord]
) -> None:
    base, _ = http_root
    cache = tmp_path / "cache"
    good = load_boundaries(settings_for(REFERENCE), cache, units)
    state = load_boundaries(settings_for(f"{base}/absent.geojson"), cache, units)
    assert state.geojson == good.geojson
    assert state.error is not None
    assert state.error.problems[0].startswith("could not download")
    assert "404" in state.error.problems[0]
