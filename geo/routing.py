"""Which unit a point lies in: point-in-polygon against the DETAILED unit boundaries.

A case reported with coordinates goes to the commune or ward whose polygon holds them. The web
layer of ``geo.boundaries`` is simplified for drawing and moves borders by a median 68 m (up to
218 m in the reference data, see ``../shared/geo/SOURCES.md``): a case a few metres inside a
border would go to the neighbour. Routing therefore reads the full-resolution layer (the
reference ``communes_detailed.geojson``, or the file named by the setting
``DASHBOARD_ROUTING_BOUNDARIES``) once per process and keeps it in memory.

How a point is decided (each rule a sentence someone can check):

* a point inside a unit's polygon goes to that unit;
* a point exactly on a border shared by two or more units (an edge or a vertex) goes to the one
  with the **smallest unit code** — deterministic, and independent of the order of the file's
  features (the same rule settles a point in an overlap, should a layer have one);
* a point outside every polygon (beyond the province, in the sea) and a point without both
  coordinates get None.

Vectorised: an STRtree over the polygons gives each point the polygons whose bounding box holds
it, then ``shapely.intersects_xy`` on each prepared polygon decides its points (150,000 points
around the unit centres: 0.2–0.5 s for the tree, 0.2–0.3 s for the tests on this 2-core
machine under load; the tree's own ``predicate=`` evaluates the points against unprepared
polygons and took 13.7 s).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data.registry import UnitRecord, load_units
from data.settings import PROJECT_ROOT, ROUTING_BOUNDARIES_VAR, Settings
from geo.boundaries import CODE_FIELDS, FORMATS, WGS84, BoundaryError

# Developers and CI have the reference files beside the checkout (as ./run-app assumes for the
# web layer); a deployment names its own detailed layer with the setting.
REFERENCE_DETAILED = PROJECT_ROOT.parent / "shared" / "geo" / "communes_detailed.geojson"


@dataclass(frozen=True)
class RoutingBoundaries:
    """The detailed polygons ready for point queries: codes ascending, polygons in the same
    order (prepared), and their STRtree. Build with :meth:`from_geometries` or
    :func:`load_routing_boundaries`; share freely, it is read-only."""

    codes: np.ndarray  # unit codes (str), ascending
    polygons: np.ndarray  # shapely (Multi)Polygons, WGS84 longitude/latitude
    tree: shapely.STRtree
    source: str = ""

    @classmethod
    def from_geometries(
        cls, codes: Sequence[str], geometries: Sequence[Any], source: str = ""
    ) -> RoutingBoundaries:
        """Polygons given in any order: sorted by code here, so that the index of a polygon
        in the tree orders the codes (the border rule takes the smallest index)."""
        order = np.argsort(np.asarray(codes, dtype=str), kind="stable")
        sorted_codes = np.asarray(codes, dtype=str)[order]
        polygons = np.asarray(geometries, dtype=object)[order]
        shapely.prepare(polygons)
        return cls(sorted_codes, polygons, shapely.STRtree(polygons), source)


def route_points(
    lat: Sequence[float] | np.ndarray | pd.Series,
    lon: Sequence[float] | np.ndarray | pd.Series,
    boundaries: RoutingBoundaries,
) -> np.ndarray:
    """The unit code of each point (an object array of str, None where no unit holds it).

    ``lat`` and ``lon`` are WGS84 degrees of equal length; NaN in either gives None.
    """
    lat_array = np.asarray(lat, dtype=float)
    lon_array = np.asarray(lon, dtype=float)
    if lat_array.shape != lon_array.shape or lat_array.ndim != 1:
        raise ValueError(f"lat and lon differ in shape: {lat_array.shape} and {lon_array.shape}")
    result = np.full(len(lat_array), None, dtype=object)
    known = np.flatnonzero(np.isfinite(lat_array) & np.isfinite(lon_array))
    if not len(known):
        return result
    x, y = lon_array[known], lat_array[known]
    point_index, polygon_index = boundaries.tree.query(shapely.points(x, y))
    holds = _holds(boundaries.polygons, polygon_index, x[point_index], y[point_index])
    point_index, polygon_index = point_index[holds], polygon_index[holds]
    # The smallest polygon index per point is the smallest code: the rule for border points.
    first = np.full(len(known), len(boundaries.codes), dtype=np.int64)
    np.minimum.at(first, point_index, polygon_index)
    routed = first < len(boundaries.codes)
    result[known[routed]] = boundaries.codes[first[routed]]
    return result


def _holds(polygons: np.ndarray, which: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Whether polygon ``which[i]`` covers (x[i], y[i]), one polygon at a time: one call per
    polygon with all its points took 0.19–0.27 s where one call over all the pairs took
    0.32–0.64 s (150,000 points, 270,000 pairs)."""
    result = np.zeros(len(which), dtype=bool)
    order = np.argsort(which, kind="stable")
    starts = np.flatnonzero(np.diff(which[order])) + 1
    for group in np.split(order, starts):
        if len(group):
            result[group] = shapely.intersects_xy(polygons[which[group[0]]], x[group], y[group])
    return result


# ------------------------------------------------------------------------------------------------
# The detailed layer: where it comes from, reading it once per process
# ------------------------------------------------------------------------------------------------


def routing_source(settings: Settings) -> str | None:
    """The detailed layer to route with: the setting ``DASHBOARD_ROUTING_BOUNDARIES``, else the
    reference file beside the checkout when present, else None (then nothing can be routed by
    coordinates, and an import with coordinates says so)."""
    if settings.routing_boundaries:
        return settings.routing_boundaries
    return str(REFERENCE_DETAILED) if REFERENCE_DETAILED.is_file() else None


_LOCK = threading.Lock()
_MEMO: dict[tuple[Any, ...], RoutingBoundaries] = {}  # one layer at a time


def load_routing_boundaries(
    source: str | Path, units: Sequence[UnitRecord] | None = None
) -> RoutingBoundaries:
    """The layer at ``source`` (GeoJSON, GeoPackage or zipped shapefile with a unit-code field),
    checked against the registry: every one of the 102 units once, polygons only, valid.

    Raises :class:`geo.boundaries.BoundaryError` listing every problem. Read once per process
    and file version (size and modification time): later calls cost a ``stat``.
    """
    registry = list(units) if units is not None else load_units()
    path = Path(source).expanduser().resolve()
    name = str(source)
    if PurePosixPath(path.name).suffix.lower() not in FORMATS:
        raise BoundaryError(
            [f"unsupported file type {path.suffix!r}: use {', '.join(FORMATS)}"], name
        )
    try:
        stat = path.stat()
    except OSError:
        message = f"file not found: {path} (setting {ROUTING_BOUNDARIES_VAR})"
        raise BoundaryError([message], name) from None
    key = (str(path), stat.st_size, stat.st_mtime_ns, tuple(u.code for u in registry))
    with _LOCK:
        if key in _MEMO:
            return _MEMO[key]
    boundaries = _read_layer(path, name, registry)
    with _LOCK:
        _MEMO.clear()
        _MEMO[key] = boundaries
    return boundaries


def _read_layer(path: Path, name: str, units: Sequence[UnitRecord]) -> RoutingBoundaries:
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio/GDAL raise many types for a corrupt or foreign file
        raise BoundaryError([f"cannot be read: {exc}"], name) from None
    field = next((f for f in CODE_FIELDS if f in frame.columns), None)
    if field is None:
        fields = ", ".join(str(c) for c in frame.columns if c != "geometry")
        raise BoundaryError(
            [f"no code field: none of {', '.join(CODE_FIELDS)} (its fields: {fields})"], name
        )
    if frame.crs is not None and not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    codes = [_code_text(value) for value in frame[field]]
    problems = _problems(codes, frame.geometry.values, units)
    if problems:
        raise BoundaryError(problems, name)
    return RoutingBoundaries.from_geometries(codes, list(frame.geometry.values), name)


def _code_text(value: Any) -> str:
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number column read as float
        text = text[:-2]
    return text.zfill(5) if text.isdigit() else text


def _problems(codes: list[str], geometries: Any, units: Sequence[UnitRecord]) -> list[str]:
    problems = []
    for index, (code, geometry) in enumerate(zip(codes, geometries, strict=True), start=1):
        if geometry is None or geometry.is_empty:
            problems.append(f"feature {index} (code {code}): empty geometry")
        elif geometry.geom_type not in {"Polygon", "MultiPolygon"}:
            problems.append(f"feature {index} (code {code}): {geometry.geom_type}, not a polygon")
        elif not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            problems.append(f"feature {index} (code {code}): invalid geometry, {reason}")
    registry = {unit.code for unit in units}
    counted = pd.Series(codes, dtype=object).value_counts()
    extra = sorted(set(codes) - registry)
    if extra:
        problems.append(f"codes not in the registry of units: {', '.join(extra)}")
    missing = sorted(registry - set(codes))
    if missing:
        problems.append(f"registry units without a polygon: {', '.join(missing)}")
    repeated = sorted(str(code) for code in counted[counted > 1].index)
    if repeated:
        problems.append(f"codes on more than one feature: {', '.join(repeated)}")
    return problems
